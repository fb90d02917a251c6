/**
 * The drill report: what `dr drill` returns under `--json`, writes to `report.json`, and
 * what the Markdown and HTML renderings (src/core/report) draw. Every figure in it was
 * measured during the run; the objectives and the RTO budget come from the config.
 *
 * Times on a scenario's timeline are milliseconds from that scenario's cut (`t0`): the
 * moment the failover was started (planned) or the outage was injected (region-outage).
 */
import type { DataLoss } from '../failover/write-loss.js';
import type { RtoBudget } from '../rto-budget.js';
import type { Pace } from './pace.js';

export type ScenarioName = 'planned' | 'region-outage';
export const SCENARIOS: readonly ScenarioName[] = ['planned', 'region-outage'];

export type Verdict = 'pass' | 'fail';

/** One bar of the timeline chart. */
export interface TimelineStep {
  /** Stable id, e.g. `failover:promote` or `detect:watchdog`. */
  readonly id: string;
  readonly title: string;
  /** What it belongs to (one colour per lane in the chart). */
  readonly lane: 'fault' | 'detection' | 'failover' | 'traffic' | 'orders' | 'failback' | 'checks';
  readonly region?: string;
  /** ms from the cut; negative before it (pre-checks). */
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: 'succeeded' | 'failed';
  /** Of which spent in AWS calls (failover steps, from the execution history). */
  readonly awsMs?: number;
}

export type ComponentName =
  'detection' | 'dns-shift' | 'writer-promotion' | 'order-intake' | 'order-processing';

/** One RTO component: measured ms from the cut, and what the config's budget allows for it. */
export interface RtoComponent {
  readonly name: ComponentName;
  readonly title: string;
  /** ms from the cut until it was observed; null when it never was (within the drill's bounds). */
  readonly measuredMs: number | null;
  /** The config's budget for it, seconds (null when the budget has no item for it). */
  readonly budgetSeconds: number | null;
  readonly basis: string;
  /** How it was observed. */
  readonly how: string;
}

export interface Objective {
  readonly id: 'order-intake-rto' | 'writer-promotion' | 'rpo' | 'orders-processed' | 'post-checks';
  readonly title: string;
  readonly verdict: Verdict;
  /** The objective, as a person reads it (`≤ 60 s`). */
  readonly target: string;
  /** What was measured (`1.4 s`). */
  readonly measured: string;
  readonly detail: string;
}

export interface OrdersSummary {
  /** Every synthetic order id of the scenario starts with this (`client_order_id LIKE '<prefix>-%'`). */
  readonly idPrefix: string;
  /** Synthetic orders attempted (SQS SendMessage to the region DNS answered). */
  readonly sent: number;
  /** Accepted by an intake, per region. */
  readonly accepted: Readonly<Record<string, number>>;
  /** Refused (the region did not answer): a client would retry. */
  readonly rejected: number;
  /** Processed by the trade processor during the scenario (rows in the database with the scenario's ids). */
  readonly processed: number;
  /** Of the accepted, not in the database when the scenario ended. */
  readonly unprocessed: number;
  /** Rows per writing region (the `written_region` column). */
  readonly processedBy: Readonly<Record<string, number>>;
  /** Rows whose order was written twice (must be 0: the insert is idempotent). */
  readonly duplicates: number;
  /**
   * Of the unprocessed, the ones the unplanned failover lost (listed in the scenario's
   * `dataLoss`, for re-driving): written by the old primary, never replicated, gone with
   * its re-sync. Accounted for by the RPO objective, not by "orders processed".
   */
  readonly lostInFailover: number;
}

/** Supporting figures of the RPO objective (the objective itself is judged on `dataLoss`). */
export interface RpoMeasure {
  /** `AuroraGlobalDBReplicationLag` of the promoted cluster, newest datapoint before the cut. */
  readonly lagAtCutMs: number | null;
  readonly lagAt?: string;
  /** Canary orders committed on the writer before the cut. */
  readonly canariesWritten: number;
  /** Of those, missing on the new writer after the failover. */
  readonly canariesMissing: number;
  /** Orders accepted by the old primary's intake but not processed at the cut (processed after failback, if ever). */
  readonly strandedAtCut: number;
}

export interface ChecksSummary {
  readonly ok: boolean;
  readonly passed: number;
  readonly failed: number;
  readonly failedChecks: readonly string[];
  readonly ms: number;
}

export interface ScenarioReport {
  readonly name: ScenarioName;
  readonly title: string;
  readonly verdict: Verdict;
  readonly from: string;
  readonly to: string;
  /** ISO time of the cut. */
  readonly cutAt: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Wall time of the whole scenario (pre-checks to post-checks), ms. */
  readonly wallMs: number;
  /** The writer after the failover, as DescribeGlobalClusters said. */
  readonly writerAfterFailover: string | null;
  /** The writer after the failback. */
  readonly writerAfterFailback: string | null;
  readonly failover: {
    readonly operationId: string;
    readonly mode: 'planned' | 'unplanned';
    readonly startedBy: string;
    readonly outcome: 'succeeded' | 'failed';
    readonly totalMs: number;
    readonly executions: ReadonlyArray<{
      readonly region: string;
      readonly arn: string;
      readonly status: string;
    }>;
  } | null;
  readonly failback: {
    readonly operationId: string;
    readonly outcome: 'succeeded' | 'failed';
    readonly totalMs: number;
  } | null;
  readonly detection?: { readonly by: string; readonly reason: string; readonly probes: number };
  readonly components: readonly RtoComponent[];
  readonly rpo: RpoMeasure;
  /**
   * What the failover lost. Planned: none (RPO 0 by switchover). Region outage: the
   * lost-write report read after the old primary's region was restored and before the
   * failback — the lag at the cut, the last replicated point, every order the old primary
   * holds that the new writer lacks (src/core/failover/write-loss.ts); the RPO objective
   * is judged on it. Null when the scenario stopped before it was read.
   */
  readonly dataLoss: DataLoss | null;
  /** The pace every time of this scenario was measured at (the target's); null: AWS, or not said. */
  readonly pace: Pace | null;
  readonly orders: OrdersSummary;
  readonly preChecks: ChecksSummary | null;
  readonly postChecks: ChecksSummary | null;
  readonly objectives: readonly Objective[];
  readonly timeline: readonly TimelineStep[];
  /** What went wrong, when the scenario did not run to its end. */
  readonly error?: string;
  /** Set when SIGINT/SIGTERM stopped the scenario: the step it was in. */
  readonly interrupted?: { readonly signal: string; readonly atStep: string };
  /** Sandbox-specific notes (what the sandbox stands in for). */
  readonly notes: readonly string[];
}

/** How an interrupted drill (SIGINT/SIGTERM) ended: where it stopped, what it put back. */
export interface DrillInterruption {
  readonly signal: string;
  /** ISO time the signal arrived. */
  readonly at: string;
  /** The scenario it stopped in; null when none had begun. */
  readonly scenario: ScenarioName | null;
  /** The drill step it stopped at (`region-outage: waiting for the watchdog in us-east-2`). */
  readonly atStep: string;
  /** What the drill undid and stopped on the way out, in order. */
  readonly restored: readonly string[];
  /** What it could not finish and what the operator runs next; empty when nothing is left. */
  readonly left: readonly string[];
}

export interface DrillReport {
  readonly kind: 'dr-drill-report';
  readonly version: 1;
  readonly verdict: Verdict;
  readonly environment: {
    readonly target: 'sandbox' | 'aws';
    readonly endpoint?: string;
    readonly regions: { readonly primary: string; readonly secondary: string };
    readonly app: string;
    readonly stage: string;
    readonly operator: string;
    /** The AWS identity the drill's calls were signed as (in the sandbox: the assumed DR operator role's session). */
    readonly principal?: string;
    readonly host: string;
    readonly node: string;
  };
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly wallMs: number;
  readonly objectives: {
    readonly rtoSeconds: number;
    readonly maxReplicationLagMs: number;
    /** Bound of the failover's own wait for the new writer (poll interval × polls), seconds. */
    readonly writerPromotionSeconds: number;
  };
  readonly budget: RtoBudget;
  readonly lease: { readonly table: string; readonly holder: string; readonly notes: string };
  readonly scenarios: readonly ScenarioReport[];
  /** How the environment differs from AWS (sandbox simplifications). */
  readonly simplifications: readonly string[];
  /** Present when SIGINT/SIGTERM stopped the drill: a partial report. */
  readonly interrupted?: DrillInterruption;
}
