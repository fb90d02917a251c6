import type { DrConfig } from '../../config/schema.js';
import type {
  DownResult,
  OutageResult,
  ResetResult,
  SandboxDeploySummary,
  UpResult,
  UpRuntime,
} from '../../sandbox/sandbox.js';
import { describePace } from '../../sandbox/runtime/pace.js';
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

/** The runtime's lines: what `up` did with it, its pace, its endpoints and its log. */
function runtimeLines(runtime: UpRuntime, config?: Pick<DrConfig, 'dns'>): string[] {
  const what =
    runtime.action === 'kept'
      ? `${color.bold('Runtime running')} (pid ${runtime.pid}, since ${runtime.startedAt}): kept`
      : runtime.action === 'restarted'
        ? `${color.bold('Runtime restarted')} (pid ${runtime.pid}, ready in ${(runtime.ms / 1000).toFixed(1)} s): ${runtime.reason ?? ''}`
        : `${color.bold('Runtime started')} (pid ${runtime.pid}, ready in ${(runtime.ms / 1000).toFixed(1)} s)`;
  const pace = config ? describePace(config, runtime.pace) : `${runtime.pace.name} ×${runtime.pace.factor}`;
  const regions = Object.entries(runtime.regionApiUrls).map(([region, url]) =>
    color.dim(`  order API ${region.padEnd(10)} ${url}`),
  );
  const databases = Object.entries(runtime.databaseUrls)
    .map(([region, url]) => `${region} ${url}`)
    .join(', ');
  const replicated =
    runtime.shippingDelayMs === undefined
      ? ''
      : ` (one server per region, WAL shipped ${runtime.shippingDelayMs} ms late)`;
  return [
    what,
    `  Pace:     ${pace}`,
    `  Orders:   POST ${runtime.orderApiUrl}/orders   (SigV4 for execute-api, either region: follows Route 53)`,
    ...regions,
    `  Database: ${databases}${replicated}`,
    color.dim(`  log: ${runtime.logFile}; control: ${runtime.control}`),
  ];
}

export function renderUp(result: UpResult, config?: Pick<DrConfig, 'dns'>): string {
  const lines = [
    result.reused
      ? `${color.bold('Sandbox already running')} at ${result.endpoint} (pid ${result.pid}, since ${result.startedAt}): reused`
      : `${color.bold('Sandbox running')} at ${result.endpoint} (pid ${result.pid})`,
    ...deployLines(result.deploy),
    ...(result.runtime
      ? runtimeLines(result.runtime, config)
      : [
          result.runtimeStopped
            ? `No runtime: --no-runtime stopped the one that ran (pid ${result.runtimeStopped.pid})`
            : 'No runtime (--no-runtime): nothing runs the platform; `dr sandbox up` starts it',
        ]),
    '',
    `Use it:   dr status --sandbox      or   export DR_ENDPOINT=${result.endpoint}`,
    ...(result.runtime
      ? ['Load:     eval "$(dr sandbox env)"; then POST $DR_ORDER_API_URL/orders, query $DR_DATABASE_URL']
      : []),
    `Outage:   dr sandbox outage ${result.regions.primary} [--hang]   then   dr sandbox restore ${result.regions.primary}`,
    `Stop it:  dr sandbox down`,
  ];
  return lines.join('\n');
}

export function renderDown(result: DownResult): string {
  const runtime = result.runtime
    ? result.runtime.stopped
      ? [`Runtime stopped (pid ${result.runtime.pid}) with what it started`]
      : result.runtime.leftovers > 0
        ? [`Stopped ${result.runtime.leftovers} PostgreSQL server(s) a killed runtime had left running`]
        : []
    : [];
  return [
    ...runtime,
    result.stopped
      ? `Sandbox stopped (pid ${result.pid}, ${result.endpoint}); .dr/sandbox.json removed`
      : 'No sandbox was running; nothing to stop',
  ].join('\n');
}

export function renderReset(result: ResetResult): string {
  const how =
    result.how === 'snapshot'
      ? `the platform put back as deployed in ${(result.ms / 1000).toFixed(1)} s (\`dr sandbox reset --redeploy\` deploys it again from scratch)`
      : 'emptied and deployed again';
  return [
    `${color.bold('Sandbox reset')} at ${result.endpoint} (pid ${result.pid}): ${how}`,
    ...(result.deploy ? deployLines(result.deploy) : []),
    ...(result.runtime ? runtimeLines(result.runtime) : []),
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
