/**
 * A scenario's two halves of state. `ScenarioRun` is fixed once it starts (regions, the
 * order ledger and stream, the step tracker). `ScenarioProgress` is what it has observed
 * so far: one typed record the phases fill in, rather than a local per fact, because an
 * interrupt or a failure can land on any await, and the report (and the wind-down, which
 * must know whether the outage is still up) needs everything observed until then.
 */
import type { AwsClients } from '../../../aws/clients.js';
import type { DrConfig } from '../../../config/schema.js';
import { Naming } from '../../../contract/naming.js';
import type { DataLoss } from '../../failover/write-loss.js';
import { silentReporter, type Reporter } from '../../reporter.js';
import { abortable, StepTracker } from '../interrupt.js';
import type { ChecksSummary, ScenarioName, ScenarioReport, TimelineStep } from '../model.js';
import { OrderLedger, OrderStream, type ProcessedRow } from '../orders.js';
import { paceSuffix } from '../pace.js';
import type { DrillTarget } from '../target.js';
import type { ScenarioContext } from './context.js';
import { until } from './support.js';

export interface ScenarioRun {
  /** The caller's context, its reporter replaced by `tracker`. */
  readonly ctx: ScenarioContext;
  readonly name: ScenarioName;
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly target: DrillTarget;
  readonly signal: AbortSignal | undefined;
  readonly naming: Naming;
  readonly tracker: StepTracker;
  readonly reporter: Reporter;
  /** The primary, failed over from and back to. */
  readonly from: string;
  readonly to: string;
  readonly startedAt: number;
  readonly ledger: OrderLedger;
  readonly stream: OrderStream;
  /** Every time the scenario reports says at which pace it was measured. */
  readonly paced: string;
}

/** A span of the timeline, in wall-clock ms (made relative to the cut in the report). */
export type Span = Omit<TimelineStep, 'startMs' | 'endMs'> & { start: number; end: number };

export interface ExecutionRef {
  readonly region: string;
  readonly arn: string;
  readonly lane: 'failover' | 'failback';
}

export interface ScenarioProgress {
  /** Where the scenario is, for an interrupted run's report and message. */
  phase: string;
  /** When the failover was started (wall clock); the start until then. */
  cut: number;
  readonly spans: Span[];
  readonly executions: ExecutionRef[];
  /**
   * Work an interrupt must not cut midway: operations (their executions run server-side),
   * the in-process watchdog (it may be starting the failover), fencing the returned region.
   */
  readonly inFlight: Array<Promise<unknown>>;
  preChecks: ChecksSummary | null;
  postChecks: ChecksSummary | null;
  failover: ScenarioReport['failover'];
  failback: ScenarioReport['failback'];
  dataLoss: DataLoss | null;
  detection: ScenarioReport['detection'];
  detectedAt: number | undefined;
  writerPromotedAt: number | undefined;
  writerAfterFailover: string | null;
  writerAfterFailback: string | null;
  outageAt: number | undefined;
  /** Set before the outage is injected: an interrupt during the call still restores it. */
  outageStarted: boolean;
  restoredAt: number | undefined;
  readonly rpo: {
    lagAtCutMs: number | null;
    lagAt: string | undefined;
    canariesWritten: number;
    canariesMissing: number;
    strandedAtCut: number;
  };
  /** The canary orders accepted, and those committed before the cut. */
  canaries: { readonly ids: readonly string[]; readonly committed: ReadonlySet<string> };
  /** Polls for the promoted writer from the cut on, while `watching`. */
  writerWatch: Promise<void>;
  watching: boolean;
}

export function startRun(ctx: ScenarioContext, name: ScenarioName): ScenarioRun {
  const { target } = ctx;
  const tracker = new StepTracker(ctx.reporter ?? silentReporter);
  const ledger = new OrderLedger(
    (region, body) => target.submitOrder(region, body),
    `${ctx.runId}-${name === 'planned' ? 'p' : 'o'}`,
  );
  return {
    ctx: { ...ctx, reporter: tracker },
    name,
    clients: ctx.clients,
    config: ctx.config,
    target,
    signal: ctx.signal,
    naming: new Naming(ctx.config),
    tracker,
    reporter: tracker,
    from: ctx.config.regions.primary,
    to: ctx.config.regions.secondary,
    startedAt: Date.now(),
    ledger,
    stream: new OrderStream(ledger, () => target.answer(), target.tuning.orderEveryMs),
    paced: paceSuffix(target.tuning.pace, target.kind),
  };
}

export function startProgress(run: ScenarioRun): ScenarioProgress {
  return {
    phase: 'pre-checks (verify-sync)',
    cut: run.startedAt,
    spans: [],
    executions: [],
    inFlight: [],
    preChecks: null,
    postChecks: null,
    failover: null,
    failback: null,
    dataLoss: null,
    detection: undefined,
    detectedAt: undefined,
    writerPromotedAt: undefined,
    writerAfterFailover: null,
    writerAfterFailback: null,
    outageAt: undefined,
    outageStarted: false,
    restoredAt: undefined,
    rpo: { lagAtCutMs: null, lagAt: undefined, canariesWritten: 0, canariesMissing: 0, strandedAtCut: 0 },
    canaries: { ids: [], committed: new Set() },
    writerWatch: Promise.resolve(),
    watching: false,
  };
}

/** The database rows of this scenario's orders. */
export function rows(run: ScenarioRun): Promise<ProcessedRow[]> {
  return abortable(run.target.processedRows(run.ledger.prefix), run.signal);
}

/** Polls `cond` up to the target's settle timeout. */
export function wait(run: ScenarioRun, cond: () => boolean | Promise<boolean>): Promise<boolean> {
  return until(cond, run.target.tuning.settleTimeoutMs, 50, run.signal);
}

/** The orders the unplanned failover lost never show up again: nothing waits for them. */
export function lostIds(progress: ScenarioProgress): Set<string> {
  const loss = progress.dataLoss;
  return new Set(loss?.mode === 'unplanned' ? loss.lost.orders.map((o) => o.clientOrderId) : []);
}

/** Every order accepted by `regions` is processed (or known lost). */
export async function allProcessed(
  run: ScenarioRun,
  progress: ScenarioProgress,
  regions: readonly string[],
): Promise<boolean> {
  const done = new Set((await rows(run)).map((r) => r.id));
  const lost = lostIds(progress);
  return run.ledger
    .accepted((a) => regions.includes(a.region))
    .every((a) => done.has(a.id) || lost.has(a.id));
}

/** Orders the old primary accepted before the cut and had not processed at the failover. */
export async function strandedAtCut(run: ScenarioRun, progress: ScenarioProgress): Promise<number> {
  const processedAtCut = new Set((await rows(run)).map((r) => r.id));
  return run.ledger.accepted(
    (a) => a.region === run.from && a.at <= progress.cut && !processedAtCut.has(a.id),
  ).length;
}
