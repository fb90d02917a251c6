/**
 * From observations to figures and verdicts. Pure: the scenario runner collects what
 * happened (times, attempts, rows, check results); these functions turn them into the
 * report's RTO components, order counts, objectives and timeline, and are unit-tested
 * on their own.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { measureSteps } from '../failover/execution.js';
import { stepById } from '../../contract/steps.js';
import type { DataLoss } from '../failover/write-loss.js';
import type { RtoBudget } from '../rto-budget.js';
import type {
  ChecksSummary,
  ComponentName,
  Objective,
  OrdersSummary,
  RpoMeasure,
  RtoComponent,
  TimelineStep,
} from './model.js';
import type { OrderAttempt, ProcessedRow } from './orders.js';

export interface Observations {
  /** Epoch ms of the cut. */
  readonly cut: number;
  readonly to: string;
  /** Epoch ms of each observation; undefined when not observed. */
  readonly detectedAt?: number;
  readonly dnsShiftedAt?: number;
  readonly writerPromotedAt?: number;
  readonly detectionHow: string;
}

const since = (cut: number, at: number | undefined) => (at === undefined ? null : Math.max(0, at - cut));

/** The first order accepted by `to`'s intake at or after the cut. */
export function firstAcceptedAt(
  attempts: readonly OrderAttempt[],
  to: string,
  cut: number,
): number | undefined {
  return attempts.filter((a) => a.accepted && a.region === to && a.at >= cut).sort((a, b) => a.at - b.at)[0]
    ?.at;
}

/** The first order written by `to` at or after the cut. */
export function firstProcessedAt(rows: readonly ProcessedRow[], to: string, cut: number): number | undefined {
  return rows.filter((r) => r.region === to && r.at >= cut).sort((a, b) => a.at - b.at)[0]?.at;
}

export function rtoComponents(
  obs: Observations,
  attempts: readonly OrderAttempt[],
  rows: readonly ProcessedRow[],
  budget: RtoBudget,
  writerBoundSeconds: number,
): RtoComponent[] {
  const item = (name: 'detection' | 'dns' | 'orchestration') => budget.items.find((i) => i.name === name);
  const detection = item('detection');
  const dns = item('dns');
  const component = (
    name: ComponentName,
    title: string,
    at: number | undefined,
    budgetSeconds: number | null,
    basis: string,
    how: string,
  ): RtoComponent => ({ name, title, measuredMs: since(obs.cut, at), budgetSeconds, basis, how });
  return [
    component(
      'detection',
      'Detection',
      obs.detectedAt,
      detection?.seconds ?? null,
      detection?.basis ?? '',
      obs.detectionHow,
    ),
    component(
      'dns-shift',
      'DNS shift',
      obs.dnsShiftedAt,
      (detection?.seconds ?? 0) + (dns?.seconds ?? 0),
      `${detection?.basis ?? ''} + ${dns?.basis ?? ''}`,
      `the failover records answer ${obs.to} (health checks flipped after the failure threshold)`,
    ),
    component(
      'writer-promotion',
      'Writer promotion',
      obs.writerPromotedAt,
      writerBoundSeconds,
      'the failover waits at most poll interval × polls for the new writer',
      `DescribeGlobalClusters names the ${obs.to} cluster the writer`,
    ),
    component(
      'order-intake',
      'Order intake',
      firstAcceptedAt(attempts, obs.to, obs.cut),
      budget.totalSeconds,
      `RTO budget: ${budget.items.map((i) => `${i.seconds} s ${i.name}`).join(' + ')}`,
      `first synthetic order accepted by ${obs.to}'s intake (SQS SendMessage, as API Gateway's integration does)`,
    ),
    component(
      'order-processing',
      'Order processing',
      firstProcessedAt(rows, obs.to, obs.cut),
      null,
      'waits for the writer promotion (settlement is not on the 60 s path)',
      `first synthetic order written to the database by ${obs.to}'s trade processor`,
    ),
  ];
}

export function ordersSummary(
  attempts: readonly OrderAttempt[],
  rows: readonly ProcessedRow[],
  idPrefix = '',
  /** Ids the unplanned failover lost (the scenario's `dataLoss` list). */
  lostIds: ReadonlySet<string> = new Set(),
): OrdersSummary {
  const accepted: Record<string, number> = {};
  for (const a of attempts) if (a.accepted) accepted[a.region] = (accepted[a.region] ?? 0) + 1;
  const processedBy: Record<string, number> = {};
  const ids = new Map<string, number>();
  for (const r of rows) {
    processedBy[r.region] = (processedBy[r.region] ?? 0) + 1;
    ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
  }
  const acceptedIds = new Set(attempts.filter((a) => a.accepted).map((a) => a.id));
  const unprocessed = [...acceptedIds].filter((id) => !ids.has(id));
  return {
    idPrefix,
    sent: attempts.length,
    accepted,
    rejected: attempts.filter((a) => !a.accepted).length,
    processed: ids.size,
    unprocessed: unprocessed.length,
    processedBy,
    duplicates: [...ids.values()].filter((n) => n > 1).length,
    lostInFailover: unprocessed.filter((id) => lostIds.has(id)).length,
  };
}

const seconds = (ms: number | null) => (ms === null ? 'not observed' : `${(ms / 1000).toFixed(1)} s`);

export interface ObjectiveInputs {
  readonly rtoSeconds: number;
  readonly writerBoundSeconds: number;
  readonly maxReplicationLagMs: number;
  readonly mode: 'planned' | 'unplanned';
  readonly components: readonly RtoComponent[];
  readonly rpo: RpoMeasure;
  /** Unplanned: the lost-write report the RPO objective is judged on (absent: not measured). */
  readonly dataLoss?: DataLoss | null;
  readonly orders: OrdersSummary;
  readonly postChecks: ChecksSummary | null;
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * RPO. Planned: RPO 0 by switchover, so no canary may be missing. Unplanned: judged on the
 * measured list of lost orders — it must be known, and its loss window (last replicated
 * point to the cut, 0 when nothing was lost) within the replication-lag objective; the
 * canaries and the lag at the cut are supporting detail (a missing canary still fails it:
 * a write committed well before the cut that the list would have to account for).
 */
function rpoObjective(input: ObjectiveInputs): Objective {
  const { rpo } = input;
  const lagText = (ms: number | null) => (ms === null ? 'unknown' : `${ms} ms`);
  const canaries = `${rpo.canariesMissing}/${rpo.canariesWritten} canaries lost`;
  const queued = `${rpo.strandedAtCut} accepted order(s) still queued in the old primary at the cut`;
  if (input.mode === 'planned') {
    return {
      id: 'rpo',
      title: 'RPO',
      verdict: rpo.canariesMissing === 0 ? 'pass' : 'fail',
      target: '0 canaries lost (switchover: RPO 0)',
      measured: `${canaries}, lag ${lagText(rpo.lagAtCutMs)}`,
      detail: queued,
    };
  }
  const target = `every lost order listed, loss window ≤ ${input.maxReplicationLagMs} ms`;
  const loss = input.dataLoss?.mode === 'unplanned' ? input.dataLoss : undefined;
  if (!loss) {
    return {
      id: 'rpo',
      title: 'RPO',
      verdict: 'fail',
      target,
      measured: 'lost writes not measured',
      detail: `the scenario stopped before the old primary was read; ${canaries}, lag ${lagText(rpo.lagAtCutMs)}; ${queued}`,
    };
  }
  const supporting = [
    `lag at the cut ${lagText(loss.lagAtCutMs ?? rpo.lagAtCutMs)}`,
    loss.lastReplicated
      ? `last replicated ${loss.lastReplicated.clientOrderId} at ${loss.lastReplicated.at}`
      : `nothing ${loss.from} wrote had replicated`,
    canaries,
    queued,
  ].join('; ');
  if (!loss.lost.known) {
    return {
      id: 'rpo',
      title: 'RPO',
      verdict: 'fail',
      target,
      measured: 'lost orders not known',
      detail: `${loss.lost.reason ?? ''}; ${supporting}`,
    };
  }
  const n = loss.lost.orders.length;
  const windowMs = loss.lossWindowMs ?? 0;
  return {
    id: 'rpo',
    title: 'RPO',
    verdict: windowMs <= input.maxReplicationLagMs && rpo.canariesMissing === 0 ? 'pass' : 'fail',
    target,
    measured: `${loss.lost.truncated ? 'at least ' : ''}${plural(n, 'order')} lost, window ${windowMs} ms`,
    detail: supporting,
  };
}

export function objectives(input: ObjectiveInputs): Objective[] {
  const ms = (name: ComponentName) => input.components.find((c) => c.name === name)?.measuredMs ?? null;
  const intake = ms('order-intake');
  const writer = ms('writer-promotion');
  const { orders } = input;
  const acceptedTotal = Object.values(orders.accepted).reduce((a, b) => a + b, 0);
  // An order the failover lost is not left unprocessed by mistake: the RPO objective lists it.
  const unaccounted = orders.unprocessed - orders.lostInFailover;
  return [
    {
      id: 'order-intake-rto',
      title: 'Order-intake RTO',
      verdict: intake !== null && intake <= input.rtoSeconds * 1000 ? 'pass' : 'fail',
      target: `≤ ${input.rtoSeconds} s`,
      measured: seconds(intake),
      detail: 'from the cut until the new primary accepts orders',
    },
    {
      id: 'writer-promotion',
      title: 'Writer promotion',
      verdict: writer !== null && writer <= input.writerBoundSeconds * 1000 ? 'pass' : 'fail',
      target: `≤ ${input.writerBoundSeconds} s`,
      measured: seconds(writer),
      detail: 'from the cut until the promoted cluster is the global writer',
    },
    rpoObjective(input),
    {
      id: 'orders-processed',
      title: 'Orders processed',
      verdict: unaccounted === 0 && orders.duplicates === 0 && acceptedTotal > 0 ? 'pass' : 'fail',
      target: 'every accepted order written once (or listed as lost by the failover)',
      measured: `${orders.processed}/${acceptedTotal}`,
      detail: `${orders.rejected} refused while the old primary was down (a client retries those); ${orders.duplicates} duplicates${orders.lostInFailover > 0 ? `; ${plural(orders.lostInFailover, 'order')} lost by the failover (listed under RPO)` : ''}`,
    },
    {
      id: 'post-checks',
      title: 'Post-checks (verify-sync)',
      verdict: input.postChecks?.ok ? 'pass' : 'fail',
      target: 'every sync check passes after failback',
      measured: input.postChecks
        ? `${input.postChecks.passed}/${input.postChecks.passed + input.postChecks.failed}`
        : 'not run',
      detail: input.postChecks?.failedChecks.length
        ? `failed: ${input.postChecks.failedChecks.join(', ')}`
        : 'in sync',
    },
  ];
}

/** Timeline bars of one execution, from its history (server clock), relative to the cut. */
export function executionTimeline(
  events: readonly HistoryEvent[],
  region: string,
  cut: number,
  lane: 'failover' | 'failback',
): TimelineStep[] {
  const measured = measureSteps([...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0)));
  return measured.steps.map((s, index) => ({
    id: `${lane}:${s.id}:${region}`,
    title: `${stepById(s.id).title} (${region})`,
    lane,
    region,
    startMs: s.start - cut,
    endMs: s.end - cut,
    outcome:
      s.failed || (index === measured.steps.length - 1 && measured.status !== 'SUCCEEDED')
        ? 'failed'
        : 'succeeded',
    awsMs: s.awsMs,
  }));
}
