/** The drill report as Markdown (`report.md`): verdicts first, then the figures, then how. */
import type { DrillReport, ScenarioReport } from '../drill/model.js';
import { budgetOf, seconds, utc } from './format.js';

const mark = (verdict: 'pass' | 'fail') => (verdict === 'pass' ? '✅ PASS' : '❌ FAIL');

function scenario(s: ScenarioReport): string[] {
  const lines = [
    `## ${s.title}: ${mark(s.verdict)}`,
    '',
    `${s.from} → ${s.to} and back. Cut at ${utc(s.cutAt)}; scenario wall time ${seconds(s.wallMs)}.`,
    `Writer after the failover: **${s.writerAfterFailover ?? 'unknown'}**; after the failback: **${s.writerAfterFailback ?? 'unknown'}** (DescribeGlobalClusters).`,
    '',
  ];
  if (s.error) lines.push(`> **Stopped:** ${s.error}`, '');
  lines.push('| Objective | Target | Measured | Verdict | |', '|---|---|---|---|---|');
  for (const o of s.objectives)
    lines.push(`| ${o.title} | ${o.target} | ${o.measured} | ${mark(o.verdict)} | ${o.detail} |`);
  lines.push(
    '',
    '### RTO per component (from the cut)',
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
    '### RPO and orders',
    '',
    `- Replication lag at the cut: ${s.rpo.lagAtCutMs === null ? 'no datapoint' : `${s.rpo.lagAtCutMs} ms`}${s.rpo.lagAt ? ` (datapoint of ${utc(s.rpo.lagAt)})` : ''}`,
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
    '### Timeline (ms from the cut)',
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
      `Failover ${s.failover.operationId} (${s.failover.mode}, by ${s.failover.startedBy}): ${s.failover.outcome} in ${seconds(s.failover.totalMs)}.`,
    );
  }
  if (s.failback)
    lines.push(
      `Failback ${s.failback.operationId}: ${s.failback.outcome} in ${seconds(s.failback.totalMs)}.`,
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
    '',
    `Objectives: order-intake RTO ≤ ${report.objectives.rtoSeconds} s; replication lag ≤ ${report.objectives.maxReplicationLagMs} ms; writer promotion within the failover's bound (${report.objectives.writerPromotionSeconds} s).`,
    `RTO budget from the config: ${report.budget.items.map((i) => `${i.name} ${i.seconds} s (${i.basis})`).join(' + ')} = **${report.budget.totalSeconds} s** of ${report.budget.objectiveSeconds} s (margin ${report.budget.marginSeconds} s).`,
    `Lease ${report.lease.table} held by ${report.lease.holder}: ${report.lease.notes}.`,
    '',
    ...report.scenarios.flatMap(scenario),
  ];
  if (report.simplifications.length > 0) {
    lines.push('## How the sandbox differs from AWS', '', ...report.simplifications.map((s) => `- ${s}`), '');
  }
  return `${lines.join('\n')}\n`;
}
