import type { DeployResult, StackResult } from '../../core/deploy/deploy.js';
import type { PlanSummary } from '../../core/deploy/terraform.js';
import { color } from '../style.js';
import { renderVerifySync } from './verify-sync.js';

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);

function changes(plan: PlanSummary | undefined): string {
  if (!plan) return '—';
  return `${plan.import ? `${plan.import} import, ` : ''}+${plan.add} ~${plan.change} -${plan.destroy}`;
}

function stackTable(stacks: readonly StackResult[], withStatus: boolean): string[] {
  const w = Math.max(5, ...stacks.map((s) => s.name.length));
  const head = `${'STACK'.padEnd(w)}  WAVE  ${withStatus ? 'STATUS       ' : ''}${'CHANGES'.padEnd(16)}  ${'TIME'.padStart(7)}  LOG`;
  return [
    color.bold(head),
    ...stacks.map((s) => {
      const status =
        s.status === 'failed' ? color.red(`failed:${s.failedAt}`.padEnd(13)) : s.status.padEnd(13);
      return `${s.name.padEnd(w)}  ${String(s.wave).padStart(4)}  ${withStatus ? status : ''}${changes(s.plan).padEnd(16)}  ${seconds(s.durations.total).padStart(7)}  ${s.log}`;
    }),
  ];
}

/** The plans of one wave, shown before asking whether to apply them. */
export function renderWavePlans(plans: readonly StackResult[]): string {
  return [
    '',
    ...plans.map((p) => `  ${p.name}: ${p.plan?.line ?? 'no plan summary (see its log)'}  (${p.log})`),
    '',
  ].join('\n');
}

/** One line saying what went wrong, for stderr. Never says "deployed". */
export function deployErrorLine(result: DeployResult): string {
  const f = result.failure;
  switch (result.outcome) {
    case 'stack-failed': {
      if (!f) return 'a stack failed';
      const status = (name: string) => {
        const s = result.stacks.find((r) => r.name === name);
        return s?.status === 'failed' ? `also failed at ${s.failedAt}` : `${s?.status ?? '?'}, not continued`;
      };
      const inFlight = f.finishedInFlight.length
        ? `; in flight, finished: ${f.finishedInFlight.map((n) => `${n} (${status(n)})`).join(', ')}`
        : '';
      const notRun = f.notRun.length ? `; not run: ${f.notRun.join(', ')}` : '';
      const resources = f.resources.length ? ` on ${f.resources.join(', ')}` : '';
      return `stack ${f.stack} failed at terraform ${f.subcommand}${resources} (exit ${f.exitCode ?? 'none'}): see ${f.log}${inFlight}${notRun}`;
    }
    case 'migrations-failed':
      return `stacks applied, but the orders database step failed: ${result.migrations?.reason ?? 'unknown'} (pass --database-url, or --skip-migrations to leave it)`;
    case 'gate-failed': {
      const failed = result.gate?.checks.filter((c) => !c.ok).map((c) => c.name) ?? [];
      return `stacks applied, but the verify-sync gate failed (${failed.join(', ')}): the regions are not in sync; fix them and run \`dr verify-sync\``;
    }
    case 'refused':
      return `refused before any change: ${(result.refusals ?? []).join('; ')}`;
    case 'awaiting-delegation': {
      const d = result.delegation;
      const applied = result.stacks.filter((s) => s.status === 'applied').map((s) => s.name);
      const notRun = result.stacks.filter((s) => s.status === 'not-run').map((s) => s.name);
      const what =
        d && 'domain' in d
          ? `${d.domain} is not delegated to its hosted zone (add its NS records at the parent: ${d.nameServers.join(', ')})`
          : ((d && 'message' in d ? d.message : undefined) ?? 'the hosted zone is not delegated');
      return `waiting for DNS delegation: ${what}; applied: ${applied.join(', ') || 'none'}; not run: ${notRun.join(', ') || 'none'}. Run \`dr deploy\` again once delegated`;
    }
    case 'cancelled':
      return `cancelled; nothing more was applied (applied so far: ${
        result.stacks
          .filter((s) => s.status === 'applied')
          .map((s) => s.name)
          .join(', ') || 'none'
      })`;
    default:
      return result.outcome;
  }
}

export function renderDeploy(result: DeployResult): string {
  const lines: string[] = [];
  if (result.planOnly) {
    lines.push(...stackTable(result.stacks, result.outcome !== 'planned'));
  } else {
    lines.push(...stackTable(result.stacks, true));
  }
  if (result.dependenciesNotSelected.length > 0) {
    lines.push(
      '',
      `Not part of this run (their deployed state is used): ${result.dependenciesNotSelected.join(', ')}`,
    );
  }
  lines.push(
    '',
    `Logs: ${result.logDir}/  (terraform: ${result.terraform.path}, from ${result.terraform.source})`,
  );
  const m = result.migrations;
  if (m) {
    lines.push(
      m.status === 'applied'
        ? `Orders database (${m.writer}): ${m.applied.length ? `applied ${m.applied.join(', ')}` : 'nothing new'}; fence ${m.fence ? `${m.fence.activeRegion} epoch ${m.fence.epoch}` : '—'}`
        : m.status === 'skipped'
          ? color.yellow(`Orders database migrations skipped: ${m.reason}`)
          : color.red(`Orders database step failed: ${m.reason}`),
    );
  }
  const d = result.delegation;
  if (d?.status === 'skipped') lines.push(color.yellow(`DNS delegation check skipped: ${d.reason}`));
  else if (d && d.status !== 'delegated' && 'message' in d && d.message) lines.push('', d.message);
  if (result.gate && !result.gate.ok) lines.push('', renderVerifySync(result.gate));
  lines.push('');
  switch (result.outcome) {
    case 'planned':
      lines.push(color.bold(`Plan only: ${result.stacks.length} stacks planned, nothing was applied.`));
      break;
    case 'deployed':
      lines.push(
        color.green(
          `Deployed: ${result.stacks.length} stacks applied, verify-sync passed (${result.gate?.passed} of ${result.gate?.checks.length} checks) in ${seconds(result.ms)}.`,
        ),
      );
      break;
    default:
      lines.push(color.red(deployErrorLine(result)));
  }
  return lines.join('\n');
}
