/**
 * The drill report as Markdown (`report.md`): verdicts first, then the figures (each table
 * of times says the pace it was measured at), what the failover lost, then how.
 */
import type { DataLoss } from '../failover/write-loss.js';
import type { DrillReport, ScenarioReport } from '../drill/model.js';
import { paceLabel, paceSuffix } from '../drill/pace.js';
import { budgetOf, LOST_ORDERS_SHOWN, seconds, utc, utcMs } from './format.js';

const mark = (verdict: 'pass' | 'fail') => (verdict === 'pass' ? '✅ PASS' : '❌ FAIL');

/** A table cell from data (an order's fields): a `|` would end the cell. */
const cellText = (text: string | number) => String(text).replaceAll('|', '\\|');

/** What the failover lost: none by switchover, or the lost-write report (every lost order's id). */
function dataLossLines(loss: DataLoss | null): string[] {
  if (!loss) return ['- Lost writes: not read (the scenario stopped before)'];
  if (loss.mode === 'planned') return [`- Lost writes: none (${loss.reason})`];
  const lines = [
    `- Lost writes (read from ${loss.from}'s cluster after it answered again, against ${loss.to}'s): ${
      loss.lost.known
        ? `**${loss.lost.truncated ? 'at least ' : ''}${loss.lost.orders.length}**, loss window ${loss.lossWindowMs ?? 0} ms (last replicated point → cut)`
        : `**not known**: ${loss.lost.reason ?? ''}`
    }`,
    `- Replication lag at the cut (${utc(loss.cutAt)}): ${loss.lagAtCutMs === null ? 'no datapoint' : `${loss.lagAtCutMs} ms`}${loss.lagAt ? ` (highest AuroraGlobalDBReplicationLag in the minute from ${utc(loss.lagAt)})` : ''}`,
    `- Last replicated point: ${loss.lastReplicated ? `${loss.lastReplicated.clientOrderId} written at ${utcMs(loss.lastReplicated.at)}` : `none (${loss.to} holds no order ${loss.from} wrote)`}`,
  ];
  const orders = loss.lost.orders;
  if (orders.length > 0) {
    lines.push(
      '',
      '| client_order_id | written at | account | side | quantity | symbol | limit price |',
      '|---|---|---|---|---:|---|---:|',
      ...orders
        .slice(0, LOST_ORDERS_SHOWN)
        .map(
          (o) =>
            `| ${[o.clientOrderId, utcMs(o.writtenAt), o.account, o.side, o.quantity, o.symbol, o.limitPrice].map(cellText).join(' | ')} |`,
        ),
    );
    if (orders.length > LOST_ORDERS_SHOWN)
      lines.push('', `${orders.length - LOST_ORDERS_SHOWN} more in report.json (\`dataLoss.lost.orders\`).`);
    if (loss.lost.truncated) lines.push('', '_The search stopped at its bounds: more may have been lost._');
    lines.push('');
  }
  return lines;
}

function scenario(s: ScenarioReport, target: 'sandbox' | 'aws'): string[] {
  const paced = paceSuffix(s.pace, target);
  const lines = [
    `## ${s.title}: ${mark(s.verdict)}`,
    '',
    `${s.from} → ${s.to} and back. Cut at ${utc(s.cutAt)}; scenario wall time ${seconds(s.wallMs)}.`,
    `Writer after the failover: **${s.writerAfterFailover ?? 'unknown'}**; after the failback: **${s.writerAfterFailback ?? 'unknown'}** (DescribeGlobalClusters).`,
    '',
  ];
  if (s.error) lines.push(`> **Stopped:** ${s.error}`, '');
  lines.push(`| Objective | Target | Measured${paced} | Verdict | |`, '|---|---|---|---|---|');
  for (const o of s.objectives)
    lines.push(`| ${o.title} | ${o.target} | ${o.measured} | ${mark(o.verdict)} | ${o.detail} |`);
  lines.push(
    '',
    `### RTO per component (from the cut${paced ? `, ${paceLabel(s.pace, target) ?? ''}` : ''})`,
    '',
    '| Component | Measured | Budget | Budget basis | How it was observed |',
    '|---|---|---|---|---|',
  );
  for (const c of s.components)
    lines.push(`| ${c.title} | ${seconds(c.measuredMs)} | ${budgetOf(c)} | ${c.basis} | ${c.how} |`);
  const accepted =
    Object.entries(s.orders.accepted)
      .map(([r, n]) => `${n} by ${r}`)
      .join(', ') || 'none';
  const processedBy =
    Object.entries(s.orders.processedBy)
      .map(([r, n]) => `${n} by ${r}`)
      .join(', ') || 'none';
  lines.push(
    '',
    `### RPO and orders${paced}`,
    '',
    ...dataLossLines(s.dataLoss),
    `- Replication lag read before the cut: ${s.rpo.lagAtCutMs === null ? 'no datapoint' : `${s.rpo.lagAtCutMs} ms`}${s.rpo.lagAt ? ` (datapoint of ${utc(s.rpo.lagAt)})` : ''}`,
    `- Canary orders committed before the cut: ${s.rpo.canariesWritten}; missing on the new writer: ${s.rpo.canariesMissing}`,
    `- Accepted orders still queued in the old primary at the cut: ${s.rpo.strandedAtCut}`,
    `- Synthetic orders: ${s.orders.sent} sent, accepted ${accepted}, ${s.orders.rejected} refused; processed ${s.orders.processed} (${processedBy}); unprocessed ${s.orders.unprocessed}; duplicates ${s.orders.duplicates}`,
  );
  if (s.detection)
    lines.push(`- Detection by ${s.detection.by} after ${s.detection.probes} probes: ${s.detection.reason}`);
  if (s.preChecks)
    lines.push(
      `- Pre-checks: ${s.preChecks.passed}/${s.preChecks.passed + s.preChecks.failed} sync checks passed`,
    );
  if (s.postChecks)
    lines.push(
      `- Post-checks: ${s.postChecks.passed}/${s.postChecks.passed + s.postChecks.failed} sync checks passed`,
    );
  lines.push(
    '',
    `### Timeline (ms from the cut${paced ? `, ${paceLabel(s.pace, target) ?? ''}` : ''})`,
    '',
    '| Lane | Step | Start | End | Duration |',
    '|---|---|---:|---:|---:|',
  );
  for (const t of s.timeline) {
    lines.push(
      `| ${t.lane} | ${t.outcome === 'failed' ? '✗ ' : ''}${t.title} | ${t.startMs} | ${t.endMs} | ${t.endMs - t.startMs} |`,
    );
  }
  if (s.failover) {
    lines.push(
      '',
      `Failover ${s.failover.operationId} (${s.failover.mode}, by ${s.failover.startedBy}): ${s.failover.outcome} in ${seconds(s.failover.totalMs)}${paced}.`,
    );
  }
  if (s.failback)
    lines.push(
      `Failback ${s.failback.operationId}: ${s.failback.outcome} in ${seconds(s.failback.totalMs)}${paced}.`,
    );
  for (const n of s.notes) lines.push('', `_${n}_`);
  lines.push('');
  return lines;
}

/** The banner of a partial report: where SIGINT/SIGTERM stopped the drill, what it put back. */
function interruptedLines(report: DrillReport): string[] {
  const i = report.interrupted;
  if (!i) return [];
  return [
    `> **Partial report: interrupted (${i.signal}) at ${i.atStep}** (${utc(i.at)}).`,
    `> Put back: ${i.restored.join('; ') || 'nothing to put back'}.`,
    ...(i.left.length > 0 ? [`> Left for the operator: ${i.left.join('; ')}.`] : []),
    '',
  ];
}

export function renderMarkdown(report: DrillReport): string {
  const env = report.environment;
  const pace = paceLabel(report.scenarios[0]?.pace, env.target);
  const lines = [
    `# DR drill: ${mark(report.verdict)}`,
    '',
    `${env.app}-${env.stage}, ${env.regions.primary} (primary) ↔ ${env.regions.secondary} (secondary), on **${env.target === 'sandbox' ? `the local sandbox (${env.endpoint ?? ''})` : 'AWS'}**.`,
    `Started ${utc(report.startedAt)}, finished ${utc(report.finishedAt)} (${seconds(report.wallMs)}), by ${env.operator}${env.principal && env.principal !== env.operator ? ` as ${env.principal}` : ''} on ${env.host}, Node ${env.node}.`,
    '',
    ...interruptedLines(report),
    '| Scenario | Verdict | Order intake | Writer promotion | RPO | Post-checks |',
    '|---|---|---|---|---|---|',
    ...report.scenarios.map((s) => {
      const o = (id: string) => s.objectives.find((x) => x.id === id);
      const cell = (id: string) => `${o(id)?.measured ?? '—'} ${o(id)?.verdict === 'pass' ? '✅' : '❌'}`;
      return `| ${s.title} | ${mark(s.verdict)} | ${cell('order-intake-rto')} | ${cell('writer-promotion')} | ${cell('rpo')} | ${cell('post-checks')} |`;
    }),
    ...(pace ? ['', `Times measured at ${pace}.`] : []),
    '',
    `Objectives: order-intake RTO ≤ ${report.objectives.rtoSeconds} s; replication lag ≤ ${report.objectives.maxReplicationLagMs} ms; writer promotion within the failover's bound (${report.objectives.writerPromotionSeconds} s).`,
    `RTO budget from the config: ${report.budget.items.map((i) => `${i.name} ${i.seconds} s (${i.basis})`).join(' + ')} = **${report.budget.totalSeconds} s** of ${report.budget.objectiveSeconds} s (margin ${report.budget.marginSeconds} s).`,
    `Lease ${report.lease.table} held by ${report.lease.holder}: ${report.lease.notes}.`,
    '',
    ...report.scenarios.flatMap((s) => scenario(s, env.target)),
  ];
  if (report.simplifications.length > 0) {
    lines.push('## How the sandbox differs from AWS', '', ...report.simplifications.map((s) => `- ${s}`), '');
  }
  return `${lines.join('\n')}\n`;
}
