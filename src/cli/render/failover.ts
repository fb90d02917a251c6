/**
 * How a failover/failback plan and its result look to a person (stdout). Under `--json`
 * the command returns the objects instead.
 */
import type { OperationPlan } from '../../core/failover/plan.js';
import type { OperationResult } from '../../core/failover/run.js';
import type { DataLoss } from '../../core/failover/write-loss.js';
import { color } from '../style.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function renderPlan(plan: OperationPlan): string {
  const lines = [
    color.bold(
      `${plan.mode === 'planned' ? 'Planned' : 'UNPLANNED'} ${plan.operation}: ${plan.from} → ${plan.to} (epoch ${plan.previousEpoch} → ${plan.epoch})`,
    ),
    color.dim(`  operation ${plan.operationId}, by ${plan.startedBy}`),
    ...plan.phases.map((p) =>
      color.dim(`  ${p.phase} execution in ${p.region}: ${p.stateMachineArn.split(':').at(-1) ?? ''}`),
    ),
    '',
    ...plan.steps.map((s, i) => `  ${String(i + 1).padStart(2)}. ${s.title} [${s.region}] — ${s.detail}`),
  ];
  if (plan.mode === 'unplanned') {
    lines.push(
      '',
      color.bold(
        '  Writes to the old primary after its last replicated point may be lost (RPO = replication lag).',
      ),
    );
  }
  return lines.join('\n');
}

export function renderResult(result: OperationResult): string {
  const head =
    result.outcome === 'succeeded'
      ? color.bold(`${result.operation} to ${result.to} succeeded`) + ` in ${seconds(result.totalMs)}`
      : color.bold(`${result.operation} to ${result.to} FAILED`) + ` after ${seconds(result.totalMs)}`;
  const width = Math.max(...result.steps.map((s) => s.title.length + s.region.length + 3), 10);
  const rows = result.steps.map(
    (s) =>
      `  ${s.outcome === 'succeeded' ? '✓' : '✗'} ${`${s.title} (${s.region})`.padEnd(width)}  ${seconds(s.ms).padStart(7)}  ${color.dim(`(${seconds(s.awsMs)} in AWS calls)`)}`,
  );
  const total = result.steps.reduce((sum, s) => sum + s.ms, 0);
  return [
    head + (result.reattached ? color.dim(' (re-attached to the running execution)') : ''),
    ...rows,
    `  ${'total of steps'.padEnd(width + 2)}  ${seconds(total).padStart(7)}`,
    ...(result.lease?.takenOverFrom
      ? [`  took over the expired lease of ${result.lease.takenOverFrom}`]
      : []),
    ...(result.audit && !result.audit.error
      ? [color.dim(`  audit: s3://${result.audit.bucket}/${result.audit.key}`)]
      : []),
    ...(result.dataLoss ? ['', ...renderDataLoss(result.dataLoss)] : []),
  ].join('\n');
}

/** Lost orders printed one per line; the rest are in `--json`. */
const MAX_LISTED = 100;

/** What the operation lost: none by switchover, or the lost-write report of an unplanned failover. */
export function renderDataLoss(loss: DataLoss): string[] {
  if (loss.mode === 'planned') return [`${color.bold('Data loss: none')} (${loss.reason})`];
  const lag =
    loss.lagAtCutMs === null
      ? 'no datapoint at or before the cut'
      : `${loss.lagAtCutMs} ms${loss.lagAt ? color.dim(` (highest AuroraGlobalDBReplicationLag in the minute from ${loss.lagAt})`) : ''}`;
  const last = loss.lastReplicated
    ? `${loss.lastReplicated.clientOrderId} written at ${loss.lastReplicated.at}`
    : `none: ${loss.to} holds no order ${loss.from} wrote`;
  const lines = [
    color.bold(`Data loss (unplanned: writes ${loss.from} made after its last replicated point)`),
    `  cut              ${loss.cutAt}`,
    `  lag at the cut   ${lag}`,
    `  last replicated  ${last}`,
  ];
  if (!loss.lost.known) {
    lines.push(
      `  lost orders      ${color.bold('not known yet')}: ${loss.lost.reason ?? ''}`,
      color.dim(`  (the same dr failover command, run again once ${loss.from} answers, reads them)`),
    );
    return lines;
  }
  const orders = loss.lost.orders;
  if (orders.length === 0) {
    lines.push(`  lost orders      none (${loss.from}'s cluster holds nothing ${loss.to} lacks)`);
    return lines;
  }
  lines.push(
    `  lost orders      ${color.bold(`${loss.lost.truncated ? 'at least ' : ''}${orders.length}`)} (loss window ${loss.lossWindowMs ?? 0} ms); re-drive them by client_order_id:`,
    ...orders
      .slice(0, MAX_LISTED)
      .map(
        (o) =>
          `    ${o.clientOrderId}  ${o.writtenAt}  ${o.account} ${o.side} ${o.quantity} ${o.symbol} @ ${o.limitPrice}`,
      ),
  );
  if (orders.length > MAX_LISTED)
    lines.push(`    … ${orders.length - MAX_LISTED} more (--json lists them all)`);
  if (loss.lost.truncated) {
    lines.push(color.dim('  (the search stopped at its bounds: more may have been lost than listed)'));
  }
  return lines;
}

/** One stderr line when the CLI's audit record could not be written; undefined when it was. */
export function renderAuditWarning(result: OperationResult): string | undefined {
  const audit = result.audit;
  if (!audit?.error) return undefined;
  return `dr: warning: the audit record was not written to s3://${audit.bucket}/${audit.key} (${audit.region}): ${audit.error}`;
}
