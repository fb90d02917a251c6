/**
 * The drill's target in the live sandbox (src/core/drill/target.ts): the platform the
 * sandbox's runtime keeps running (src/sandbox/runtime/), observed and driven from here
 * as a client of the platform would, not played in the drill's own process.
 *
 * - DNS: the runtime's Route 53 stand-in, read from its control endpoint every probe
 *   interval; `answer()` is what a client's resolver holds, so a new answer is only taken
 *   once the record's TTL (at the sandbox's pace) has run out since the last lookup.
 * - Orders: a SigV4-signed `POST /orders` on the region's order API (the API Gateway
 *   stand-in, IAM auth and stage throttle included), as on AWS (core/drill/aws/signed-intake.ts).
 * - Processed orders: the writer region's database (each region has its own server; the
 *   writer's is the one that holds what survived a failover).
 * - The outage: the emulator's switch; the automatic failover: the runtime's scheduled
 *   watchdog, found in its runs after the outage began.
 */
import pg from 'pg';
import type { DrConfig } from '../../config/schema.js';
import type { SigningCredentials } from '../../core/drill/aws/signed-intake.js';
import { SignedIntake } from '../../core/drill/aws/signed-intake.js';
import { processedRows, type ProcessedRow } from '../../core/drill/orders.js';
import type { AutomaticFailover, DnsEvent, DrillTarget, Tuning } from '../../core/drill/target.js';
import { poll } from '../../core/poll.js';
import { EmulatorOutage } from './outage.js';
import type { Pace, RuntimeRecord, RuntimeStatus } from '../runtime/contract.js';
import { dnsTtlMs, healthIntervalMs } from '../runtime/pace.js';
import { runtimeStatus } from '../runtime/start.js';

/** How the drill paces itself against the runtime's pace. */
export function liveTuning(config: DrConfig, pace: Pace): Tuning {
  const intervalMs = healthIntervalMs(config, pace);
  // Long enough for detection, the TTL, a watchdog period (60 s on AWS) and the failover.
  const awsSettleMs =
    (config.dns.healthCheck.intervalSeconds * (config.dns.healthCheck.failureThreshold + 2) +
      config.dns.ttlSeconds +
      120) *
    1000;
  return {
    probeIntervalMs: Math.max(50, Math.min(intervalMs, 1000)),
    orderEveryMs: pace.factor > 1 ? 100 : 500,
    settleTimeoutMs: Math.max(30_000, awsSettleMs / pace.factor),
    canaries: 5,
    pace,
  };
}

export function liveSimplifications(pace: Pace): string[] {
  return [
    'AWS APIs are the local emulator (moto + the DR extension); no AWS account is used.',
    "The platform runs in the sandbox's runtime process (`dr sandbox up`): the order APIs on the API Gateway stand-in (IAM auth checked for a signature scoped to the region, not its policy), the trade processors' own code fed from the emulator's queues while their mappings are Enabled, Route 53's health checkers calling each region's /health code, the watchdog's code on its schedule.",
    "Each region's database is its own PostgreSQL server, the secondary a hot standby fed by streaming replication over a link that adds the configured shipping lag: a switchover waits for zero lag, a failover with data loss cuts the link where it stands.",
    pace.factor === 1
      ? 'AWS pace: health checks at the configured interval and threshold, the record TTL honoured, the watchdog every 60 s.'
      : `Compressed pace ×${pace.factor}: health-check interval, record TTL and watchdog schedule are ${pace.factor} times shorter than on AWS; the RTO budget beside each figure is the config's, computed as on AWS (\`dr drill --sandbox --pace aws\` measures at AWS's pace).`,
  ];
}

/** The runtime's status; an error naming its log when it does not answer. */
async function readRuntime(record: RuntimeRecord): Promise<RuntimeStatus> {
  const status = await runtimeStatus(record, 3000);
  if (!status) {
    throw new Error(
      `the sandbox runtime (pid ${record.pid}, ${record.control}) did not answer; see ${record.logFile}`,
    );
  }
  return status;
}

export class LiveSandboxTarget extends EmulatorOutage implements DrillTarget {
  readonly kind = 'sandbox';
  readonly simplifications: readonly string[];
  readonly tuning: Tuning;
  private readonly intake: SignedIntake;
  private readonly pools = new Map<string, pg.Pool>();
  private last: RuntimeStatus;
  private resolved: { region: string; until: number };
  private readonly ttlMs: number;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  private constructor(
    private readonly config: DrConfig,
    readonly endpoint: string,
    private readonly record: RuntimeRecord,
    first: RuntimeStatus,
    credentials: SigningCredentials,
  ) {
    super();
    this.tuning = liveTuning(config, record.pace);
    this.simplifications = liveSimplifications(record.pace);
    this.ttlMs = dnsTtlMs(config, record.pace);
    this.last = first;
    this.resolved = { region: first.answer, until: Date.now() + this.ttlMs };
    this.intake = new SignedIntake({
      baseUrl: async (region) => {
        const url = record.regionApiUrls[region];
        if (!url) throw new Error(`the sandbox runtime serves no order API in ${region}`);
        return url;
      },
      credentials,
    });
  }

  /** Reads the runtime once (it must answer), then keeps reading it every probe interval. */
  static async start(options: {
    readonly config: DrConfig;
    readonly endpoint: string;
    readonly record: RuntimeRecord;
    /** Who signs the orders (a client of the platform: the operator's session here). */
    readonly credentials: SigningCredentials;
  }): Promise<LiveSandboxTarget> {
    const first = await readRuntime(options.record);
    const target = new LiveSandboxTarget(
      options.config,
      options.endpoint,
      options.record,
      first,
      options.credentials,
    );
    target.poll();
    return target;
  }

  private poll(): void {
    const tick = () => {
      this.polling = readRuntime(this.record)
        .then((status) => {
          this.last = status;
        })
        .catch(() => {})
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.tuning.probeIntervalMs);
        });
    };
    this.timer = setTimeout(tick, this.tuning.probeIntervalMs);
  }

  answer(): string {
    const now = Date.now();
    if (now >= this.resolved.until) this.resolved = { region: this.last.answer, until: now + this.ttlMs };
    return this.resolved.region;
  }

  get dnsEvents(): readonly DnsEvent[] {
    return this.last.dnsEvents;
  }

  async submitOrder(region: string, body: string): Promise<boolean> {
    return (await this.intake.post(region, body)).accepted;
  }

  private pool(region: string): pg.Pool {
    let pool = this.pools.get(region);
    if (!pool) {
      const url = this.last.regions[region]?.databaseUrl;
      if (!url) throw new Error(`the sandbox runtime has no database in ${region}`);
      pool = new pg.Pool({ connectionString: url, max: 2 });
      // A server that stops (re-joined as a standby, or at the end) must not end the drill.
      pool.on('error', () => {});
      this.pools.set(region, pool);
    }
    return pool;
  }

  async processedRows(prefix: string): Promise<ProcessedRow[]> {
    const status = await readRuntime(this.record);
    this.last = status;
    return processedRows(this.pool(status.writer), prefix);
  }

  promoteStarted(): void {
    // The runtime's databases follow Aurora's writer through the emulator's database hook.
  }

  outageNote(from: string, to: string): string {
    return `The outage: every AWS call signed for ${from} is refused (the emulator's outage switch), its order API and /health stop answering; the runtime's Route 53 stand-in marks ${from} unhealthy after ${this.config.dns.healthCheck.failureThreshold} failed checks; the watchdog in ${to}, on its schedule, starts the unplanned failover.`;
  }

  async awaitAutomaticFailover(
    region: string,
    since: number,
    signal?: AbortSignal,
  ): Promise<AutomaticFailover> {
    // A run counts when it ended after the outage began: one that started just before it
    // probes during it and may be the one that starts the failover (the later runs then
    // find the secondary active and have nothing to watch).
    const runsSince = async () => {
      const status = await readRuntime(this.record).catch(() => this.last);
      return status.watchdogRuns.filter((r) => r.region === region && r.at + r.ms >= since);
    };
    const { value: after } = await poll(runsSince, (runs) => runs.some((r) => r.executionArn), {
      intervalMs: this.tuning.probeIntervalMs,
      timeoutMs: this.tuning.settleTimeoutMs,
      clampToDeadline: false,
      signal,
    });
    const fired = after.find((r) => r.executionArn);
    if (fired) {
      return {
        ...(fired.executionArn ? { executionArn: fired.executionArn } : {}),
        by: `watchdog@${region} (scheduled)`,
        reason: fired.reason ?? 'failover started',
        probes: after.length,
      };
    }
    const latest = after.at(-1);
    return {
      by: `watchdog@${region} (scheduled)`,
      reason: latest?.error ?? latest?.reason ?? `no scheduled run in ${region} started a failover`,
      probes: after.length,
    };
  }

  async close(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
    await this.polling;
    await Promise.all([...this.pools.values()].map((p) => p.end().catch(() => {})));
    this.pools.clear();
  }
}
