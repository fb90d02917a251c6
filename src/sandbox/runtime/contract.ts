/**
 * The live sandbox's runtime, as the rest of `dr` sees it: what `dr sandbox up` records in
 * `.dr/sandbox.json` about the detached runtime process it started, and what that process
 * answers on its control endpoint (`GET /status`). The runtime keeps the deployed platform
 * running until `dr sandbox down`: the order API of each region (the API Gateway stand-in),
 * one DNS-following order endpoint, the trade processors, Route 53's health checkers, the
 * watchdog on its schedule and the regions' databases (one PostgreSQL server per region, the
 * secondary a streaming hot standby that Aurora's writer moves drive: `POST /rds`).
 *
 * Types only: the server (./daemon.ts) and its readers (./start.ts, the drill) import them.
 */
import type { DnsEvent } from '../../core/drill/target.js';
import type { SwitchoverResult } from '../replication/region-databases.js';

/**
 * How fast the sandbox's clocks run against AWS's. `compressed`: health checks, their
 * threshold wait, the record TTL and the watchdog's schedule are divided by `factor`;
 * `aws`: as configured (factor 1), so timings measure what AWS would.
 */
export type PaceName = 'compressed' | 'aws';

export interface Pace {
  readonly name: PaceName;
  /** AWS time ÷ sandbox time (1 at `aws` pace). */
  readonly factor: number;
}

/** The runtime as `.dr/sandbox.json` records it (`SandboxState.runtime`). */
export interface RuntimeRecord {
  readonly pid: number;
  /**
   * The `dr drill` process that started this runtime for itself (and stops it at its end);
   * absent when `dr sandbox up` started it. A drill finding one whose drill is gone (killed)
   * takes it over and stops it when done.
   */
  readonly startedByDrill?: number;
  /**
   * `http://127.0.0.1:PORT`: the control endpoint (`GET /status`, `POST /stop`, and
   * `POST /rds`: the emulator's database hook).
   */
  readonly control: string;
  /** The DNS-following order endpoint: `POST ${orderApiUrl}/orders`, SigV4-signed for `execute-api`. */
  readonly orderApiUrl: string;
  /** Each region's order API stage on the API Gateway stand-in (its invoke URL). */
  readonly regionApiUrls: Readonly<Record<string, string>>;
  /** Each region's database (superuser URL). */
  readonly databaseUrls: Readonly<Record<string, string>>;
  readonly pace: Pace;
  /**
   * How late WAL reaches the standby, ms (`--replication-lag-ms`). Added after the first
   * version of this contract: optional, readers must not need it.
   */
  readonly shippingDelayMs?: number;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly logFile: string;
}

/** One scheduled watchdog run the runtime made. */
export interface RuntimeWatchdogRun {
  /** Epoch ms when the run started. */
  readonly at: number;
  readonly ms: number;
  readonly region: string;
  readonly action?: string;
  readonly reason?: string;
  /** The unplanned failover execution the run started. */
  readonly executionArn?: string;
  readonly error?: string;
}

/** `GET /status` of the control endpoint. */
export interface RuntimeStatus {
  readonly pid: number;
  readonly pace: Pace;
  /** The region the failover records answer with now (the health checkers' view). */
  readonly answer: string;
  readonly regions: Readonly<
    Record<string, { readonly healthy: boolean; readonly detail: string; readonly databaseUrl: string }>
  >;
  /** The region whose database is the writer now. */
  readonly writer: string;
  /** Every health flip and DNS answer change, oldest first (epoch ms, this machine's clock). */
  readonly dnsEvents: readonly DnsEvent[];
  /** Oldest first: every run that decided something or failed, and the last 50 runs. */
  readonly watchdogRuns: readonly RuntimeWatchdogRun[];
  /** Per region: orders the trade processor's pump received and deleted. */
  readonly pumps: Readonly<Record<string, { readonly received: number; readonly deleted: number }>>;
  /** Replication lag the reader shows now, ms (null: not replicating). */
  readonly replicationLagMs: number | null;
  /**
   * The DNS-following order endpoint's cached answer (absent before its first request).
   * Added after the first version of this contract: optional, readers must not need it.
   */
  readonly orderEndpoint?: RuntimeOrderEndpoint;
  /** The regions' servers and the link between them. Added later: optional, as above. */
  readonly replication?: RuntimeReplication;
}

/** The replicated pair as the runtime runs it (./replication-link.ts). */
export interface RuntimeReplication {
  /** How late WAL reaches the standby, ms. */
  readonly shippingDelayMs: number;
  /** Each region's server: `writer`, `standby` (streaming from it), `diverged` (cut off by a failover, not re-synced). */
  readonly roles: Readonly<Record<string, 'writer' | 'standby' | 'diverged'>>;
  /** Diverged servers demoted (at the cut): they take no more writes, and keep their rows until re-synced. */
  readonly demoted: readonly string[];
  /** A region of the pair is in the emulator's outage: the writer's WAL piles up, nothing ships. */
  readonly partitioned: boolean;
  /** Seconds between a cut-off old primary's region answering again and its re-sync (the emulator's). */
  readonly resyncDelaySeconds: number;
  readonly lastSwitchover?: RuntimeSwitchover;
  /** The last failover's cut: what survived it. */
  readonly lastCut?: RuntimeCut;
  readonly lastResync?: RuntimeResync;
  /** The last hook call that failed (answered 500). */
  readonly lastError?: { readonly at: string; readonly action: string; readonly error: string };
}

/** A planned move of the writer (RPO 0): the pair's own figures, with its time (ISO). */
export type RuntimeSwitchover = Omit<SwitchoverResult, 'rejoin'> & {
  readonly at: string;
  /** How the old writer rejoined as a standby. */
  readonly rejoin: string;
};

/** An unplanned move of the writer: replication cut where it stood. */
export interface RuntimeCut {
  readonly from: string;
  readonly to: string;
  /** ISO 8601: when replication was cut. */
  readonly at: string;
  readonly lagMsAtCut: number | null;
  /** The last WAL position `to` replayed: everything after it on `from` is lost. */
  readonly lastReplicatedLsn: string | null;
  /** ISO 8601: commit time of the last transaction `to` replayed (null: none since it started). */
  readonly lastReplicatedAt: string | null;
  readonly promotedMs: number;
  readonly totalMs: number;
}

/** A diverged old writer rejoined as a standby (its divergent writes discarded). */
export interface RuntimeResync {
  readonly at: string;
  readonly region: string;
  readonly following: string;
  readonly rejoin: string;
  readonly totalMs: number;
}

/** What the DNS-following order endpoint resolved last, and what it forwarded. */
export interface RuntimeOrderEndpoint {
  /** The region its requests go to until `until`. */
  readonly region: string;
  /** `route53`: TestDNSAnswer; `health-checkers`: the runtime's own view while Route 53 was cut. */
  readonly source: 'route53' | 'health-checkers';
  /** Epoch ms. */
  readonly resolvedAt: number;
  /** Epoch ms: resolved again after (the record's TTL at the pace). */
  readonly until: number;
  /** Requests forwarded so far, per region. */
  readonly forwarded: Readonly<Record<string, number>>;
}
