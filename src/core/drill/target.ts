/**
 * What a drill runs against. The scenario (./scenario.ts) is the same on AWS and in the
 * sandbox; a target says how each observation and each action is done there:
 *
 * | need                  | sandbox (src/sandbox/drill/sandbox-target.ts) | AWS (./aws-target.ts)                   |
 * |-----------------------|----------------------------------------|------------------------------------------------|
 * | DNS answer, health    | in-process Route 53 stand-in           | Route 53 TestDNSAnswer + GetHealthCheckStatus  |
 * | order intake          | SQS SendMessage (what POST /orders does)| SigV4-signed POST /orders on the regional API |
 * | processed orders      | the sandbox's PostgreSQL               | RDS Data API on the writer cluster             |
 * | the outage            | the emulator's outage switch           | data-plane blackout: API stage throttled to 0, |
 * |                       |                                        | trade processor's reserved concurrency 0       |
 * | automatic failover    | the watchdog's code, in-process        | the watchdog Lambda; the drill finds its run   |
 */
import type { ProcessedRow } from './orders.js';

/** A health flip or a change of the failover records' answer, as a drill target observed it. */
export interface DnsEvent {
  /** Epoch ms. */
  readonly at: number;
  readonly region: string;
  readonly healthy: boolean;
  /** The region the failover records answer with after this change. */
  readonly answer: string;
}

export interface Tuning {
  /** Between two observations of DNS and health (and the sandbox's probe interval). */
  readonly probeIntervalMs: number;
  /** One synthetic order every … ms while the failover runs. */
  readonly orderEveryMs: number;
  /** How long to wait for each expected observation. */
  readonly settleTimeoutMs: number;
  readonly canaries: number;
  /**
   * How fast the target's clocks run against AWS's (the live sandbox's pace): every figure
   * the drill prints says which pace it was measured at. Absent on AWS.
   */
  readonly pace?: { readonly name: 'compressed' | 'aws'; readonly factor: number };
}

/** What the automatic trigger did after the outage. */
export interface AutomaticFailover {
  /** The failover execution it started; undefined when it started none. */
  readonly executionArn?: string;
  readonly by: string;
  readonly reason: string;
  /** Probes behind the decision, when known. */
  readonly probes: number;
}

export interface DrillTarget {
  readonly kind: 'sandbox' | 'aws';
  /** The emulator endpoint; undefined on AWS. */
  readonly endpoint: string | undefined;
  readonly tuning: Tuning;
  /** How this target differs from a real regional outage on AWS (the report lists them). */
  readonly simplifications: readonly string[];

  /** The region the API's failover records answer with, as last observed. */
  answer(): string;
  /** Every health flip and DNS answer change observed, with its time. */
  readonly dnsEvents: readonly DnsEvent[];
  /** `POST /orders` on `region`'s intake; true when it was accepted. */
  submitOrder(region: string, body: string): Promise<boolean>;
  /** The orders database rows whose client order id starts with `prefix-`. */
  processedRows(prefix: string): Promise<ProcessedRow[]>;
  /** A failover or failback machine's promote execution has started. */
  promoteStarted(region: string, executionArn: string, fence: { activeRegion: string; epoch: number }): void;

  /** Makes `region` fail the way an outage shows: health checks fail, endpoints do not serve. */
  injectOutage(region: string): Promise<void>;
  /** Undoes `injectOutage`. Safe to call twice. */
  restoreOutage(region: string): Promise<void>;
  /** One sentence for the report: what the outage was here. */
  outageNote(from: string, to: string): string;
  /**
   * Waits (bounded) for the automatic trigger in `region` to act on the outage. When
   * `signal` aborts it stops watching at its next probe (what it already started goes on).
   */
  awaitAutomaticFailover(region: string, since: number, signal?: AbortSignal): Promise<AutomaticFailover>;
}
