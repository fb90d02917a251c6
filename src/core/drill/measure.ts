/**
 * From observations to figures and verdicts. Pure: the scenario runner collects what
 * happened (times, attempts, rows, check results); these functions turn them into the
 * report's RTO components, order counts, objectives and timeline, and are unit-tested
 * on their own.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { measureSteps } from '../failover/execution.js';
import { stepById } from '../failover/steps.js';
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
  return {
    idPrefix,
    sent: attempts.length,
    accepted,
    rejected: attempts.filter((a) => !a.accepted).length,
    processed: ids.size,
    unprocessed: [...acceptedIds].filter((id) => !ids.has(id)).length,
    processedBy,
    duplicates: [...ids.values()].filter((n) => n > 1).length,
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
  readonly orders: OrdersSummary;
  readonly postChecks: ChecksSummary | null;
}

export function objectives(input: ObjectiveInputs): Objective[] {
  const ms = (name: ComponentName) => input.components.find((c) => c.name === name)?.measuredMs ?? null;
  const intake = ms('order-intake');
  const writer = ms('writer-promotion');
  const { rpo, orders } = input;
  const lagOk = rpo.lagAtCutMs !== null && rpo.lagAtCutMs <= input.maxReplicationLagMs;
  const rpoOk = rpo.canariesMissing === 0 && (input.mode === 'planned' || lagOk);
  const acceptedTotal = Object.values(orders.accepted).reduce((a, b) => a + b, 0);
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
    {
      id: 'rpo',
      title: 'RPO',
      verdict: rpoOk ? 'pass' : 'fail',
      target:
        input.mode === 'planned'
          ? '0 canaries lost (switchover: RPO 0)'
          : `0 canaries lost, lag at the cut ≤ ${input.maxReplicationLagMs} ms`,
      measured: `${rpo.canariesMissing}/${rpo.canariesWritten} canaries lost, lag ${rpo.lagAtCutMs === null ? 'unknown' : `${rpo.lagAtCutMs} ms`}`,
      detail: `${rpo.strandedAtCut} accepted order(s) still queued in the old primary at the cut`,
    },
    {
      id: 'orders-processed',
      title: 'Orders processed',
      verdict: orders.unprocessed === 0 && orders.duplicates === 0 && acceptedTotal > 0 ? 'pass' : 'fail',
      target: 'every accepted order written once',
      measured: `${orders.processed}/${acceptedTotal}`,
      detail: `${orders.rejected} refused while the old primary was down (a client retries those); ${orders.duplicates} duplicates`,
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
