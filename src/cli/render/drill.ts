/**
 * What `dr drill` prints for a person (stdout): the plan for `--dry-run`, the verdicts at
 * the end — every time naming the pace it was measured at, and every order the
 * region-outage failover lost by its client_order_id.
 */
import type { DrillReport, ScenarioName, ScenarioReport } from '../../core/drill/model.js';
import { paceSuffix, TIMED_OBJECTIVES } from '../../core/drill/pace.js';
import { stepsFor } from '../../contract/steps.js';
import { color } from '../style.js';

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

export function renderDrillPlan(
  scenarios: readonly ScenarioName[],
  regions: { primary: string; secondary: string },
): string {
  const { primary: from, secondary: to } = regions;
  const lines = [color.bold(`Drill: ${scenarios.join(', then ')} (${from} → ${to} and back)`), ''];
  const steps = (mode: 'planned' | 'unplanned') =>
    stepsFor(mode)
      .map((s) => s.title)
      .join(' → ');
  for (const name of scenarios) {
    lines.push(
      color.bold(`  ${name}`),
      '    take the lease (operation drill) · pre-checks (verify-sync) · canary orders through the active region',
      name === 'planned'
        ? `    planned switchover: ${steps('planned')}`
        : `    ${from} stops answering (its health check fails) · the watchdog in ${to} fires the unplanned failover: ${steps('unplanned')}`,
      `    synthetic orders through ${to}'s intake until processed · measure RTO per component and RPO`,
      `    ${name === 'region-outage' ? `restore ${from}, fence it · ` : ''}failback to ${from} (waits for verify-sync) · post-checks · release the lease`,
    );
  }
  return lines.join('\n');
}

/** Lost orders' ids printed on the console; report.json and report.md list them all. */
const LOST_IDS_SHOWN = 50;

/** What the failover lost, for the console: the count and window, every lost order's id. */
function lostWrites(s: ScenarioReport, paced: string): string[] {
  const loss = s.dataLoss;
  if (!loss || loss.mode === 'planned') return [];
  const lag = `lag at the cut ${loss.lagAtCutMs === null ? 'unknown' : `${loss.lagAtCutMs} ms`}`;
  const last = loss.lastReplicated
    ? `last replicated ${loss.lastReplicated.clientOrderId}`
    : 'nothing replicated';
  if (!loss.lost.known) {
    return [
      `  lost writes: ${color.bold('not known')}: ${loss.lost.reason ?? ''}`,
      color.dim(`  ${lag} · ${last}`),
    ];
  }
  const ids = loss.lost.orders.map((o) => o.clientOrderId);
  const lines = [
    `  lost writes: ${loss.lost.truncated ? 'at least ' : ''}${ids.length} order${ids.length === 1 ? '' : 's'}, loss window ${loss.lossWindowMs ?? 0} ms${paced} · ${lag} · ${last}`,
  ];
  if (ids.length > 0) {
    lines.push(
      `    ${ids.slice(0, LOST_IDS_SHOWN).join(', ')}${ids.length > LOST_IDS_SHOWN ? `, … ${ids.length - LOST_IDS_SHOWN} more in the report` : ''}`,
    );
  }
  return lines;
}

export function renderDrillReport(report: DrillReport, files?: { dir: string; html: string }): string {
  const mark = (v: 'pass' | 'fail') => (v === 'pass' ? color.green('PASS') : color.red('FAIL'));
  const target = report.environment.target;
  const lines = [
    color.bold(`Drill ${report.verdict === 'pass' ? 'passed' : 'FAILED'}`) +
      ` in ${seconds(report.wallMs)}${paceSuffix(report.scenarios[0]?.pace, target)}`,
  ];
  for (const s of report.scenarios) {
    const paced = paceSuffix(s.pace, target);
    lines.push('', `${color.bold(s.title)}  ${mark(s.verdict)}  ${color.dim(`(${seconds(s.wallMs)})`)}`);
    if (s.error) lines.push(`  ${color.red(`stopped: ${s.error}`)}`);
    const measured = s.objectives.map((o) => `${o.measured}${TIMED_OBJECTIVES.has(o.id) ? paced : ''}`);
    const width = Math.max(30, ...measured.map((m) => m.length));
    s.objectives.forEach((o, i) =>
      lines.push(
        `  ${mark(o.verdict)}  ${o.title.padEnd(26)} ${(measured[i] ?? '').padEnd(width)} ${color.dim(`target ${o.target}`)}`,
      ),
    );
    const rto = s.components.map((c) => `${c.title.toLowerCase()} ${seconds(c.measuredMs)}`).join(' · ');
    lines.push(color.dim(`  ${rto}${paced}`));
    lines.push(...lostWrites(s, paced));
  }
  lines.push(
    '',
    color.dim(
      `RTO budget from the config: ${report.budget.totalSeconds} s of ${report.budget.objectiveSeconds} s`,
    ),
  );
  if (files) lines.push(`Report: ${files.html} (also report.md, report.json in ${files.dir})`);
  return lines.join('\n');
}
