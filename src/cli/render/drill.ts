/** What `dr drill` prints for a person (stdout): the plan for `--dry-run`, the verdicts at the end. */
import type { DrillReport, ScenarioName } from '../../core/drill/model.js';
import { stepsFor } from '../../core/failover/steps.js';
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

export function renderDrillReport(report: DrillReport, files?: { dir: string; html: string }): string {
  const mark = (v: 'pass' | 'fail') => (v === 'pass' ? color.green('PASS') : color.red('FAIL'));
  const lines = [
    color.bold(`Drill ${report.verdict === 'pass' ? 'passed' : 'FAILED'}`) + ` in ${seconds(report.wallMs)}`,
  ];
  for (const s of report.scenarios) {
    lines.push('', `${color.bold(s.title)}  ${mark(s.verdict)}  ${color.dim(`(${seconds(s.wallMs)})`)}`);
    if (s.error) lines.push(`  ${color.red(`stopped: ${s.error}`)}`);
    for (const o of s.objectives)
      lines.push(
        `  ${mark(o.verdict)}  ${o.title.padEnd(26)} ${o.measured.padEnd(30)} ${color.dim(`target ${o.target}`)}`,
      );
    const rto = s.components.map((c) => `${c.title.toLowerCase()} ${seconds(c.measuredMs)}`).join(' · ');
    lines.push(color.dim(`  ${rto}`));
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
