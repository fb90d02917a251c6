import type {
  DownResult,
  OutageResult,
  ResetResult,
  SandboxDeploySummary,
  UpResult,
} from '../../sandbox/sandbox.js';
import { color } from '../style.js';

function deployLines(deploy: SandboxDeploySummary): string[] {
  if (deploy.unchangedSince) {
    const gate = deploy.gate
      ? `; verify-sync ${deploy.gate.passed} passed, ${deploy.gate.failed} failed`
      : '';
    return [
      `The stacks are unchanged since their apply at ${deploy.unchangedSince}: not planned again (\`dr deploy --sandbox\` plans them)${gate}`,
    ];
  }
  const stacks = deploy.stacks.map((stack) => {
    const plan = stack.plan;
    const changed = plan ? plan.add + plan.change + plan.destroy + plan.import : undefined;
    const what =
      changed === 0
        ? 'no changes'
        : plan
          ? `${plan.add} added, ${plan.change} changed, ${plan.destroy} destroyed`
          : stack.status;
    return `  ${stack.name.padEnd(24)} ${String(stack.resources).padStart(4)} resources  ${what}  ${(stack.durations.total / 1000).toFixed(1)} s`;
  });
  const gate = deploy.gate ? `; verify-sync ${deploy.gate.passed} passed, ${deploy.gate.failed} failed` : '';
  return [
    `Deployed the synthesized stacks with ${deploy.terraform} and hashicorp/aws ${deploy.provider.version} (${deploy.provider.source}) in ${(deploy.ms / 1000).toFixed(1)} s${gate}`,
    ...stacks.map((line) => color.dim(line)),
    color.dim(`  logs: ${deploy.logDir}`),
  ];
}

export function renderUp(result: UpResult): string {
  const lines = [
    result.reused
      ? `${color.bold('Sandbox already running')} at ${result.endpoint} (pid ${result.pid}, since ${result.startedAt}): reused`
      : `${color.bold('Sandbox running')} at ${result.endpoint} (pid ${result.pid})`,
    ...deployLines(result.deploy),
    '',
    `Use it:   dr status --sandbox      or   export DR_ENDPOINT=${result.endpoint}`,
    `Outage:   dr sandbox outage ${result.regions.primary} [--hang]   then   dr sandbox restore ${result.regions.primary}`,
    `Stop it:  dr sandbox down`,
  ];
  return lines.join('\n');
}

export function renderDown(result: DownResult): string {
  return result.stopped
    ? `Sandbox stopped (pid ${result.pid}, ${result.endpoint}); .dr/sandbox.json removed`
    : 'No sandbox was running; nothing to stop';
}

export function renderReset(result: ResetResult): string {
  const how =
    result.how === 'snapshot'
      ? `the platform put back as deployed in ${(result.ms / 1000).toFixed(1)} s (\`dr sandbox reset --redeploy\` deploys it again from scratch)`
      : 'emptied and deployed again';
  return [
    `${color.bold('Sandbox reset')} at ${result.endpoint} (pid ${result.pid}): ${how}`,
    ...(result.deploy ? deployLines(result.deploy) : []),
  ].join('\n');
}

export function renderOutages(result: OutageResult): string {
  const down = Object.entries(result.outages);
  if (down.length === 0) return `Every region of the sandbox at ${result.endpoint} is up`;
  return down
    .map(
      ([region, mode]) =>
        `${color.bold(region)} is down (${mode === 'hang' ? 'requests held without an answer' : 'requests refused'}); bring it back with \`dr sandbox restore ${region}\``,
    )
    .join('\n');
}
