/**
 * The scenario's building blocks that know nothing of its progress: polling, the writer
 * as DescribeGlobalClusters says, verify-sync as a summary, and one failover/failback
 * through the same core `dr failover` uses.
 */
import type { AwsClients } from '../../../aws/clients.js';
import type { DrConfig } from '../../../config/schema.js';
import { Naming } from '../../../contract/naming.js';
import { operate, type OperateResult } from '../../failover/operate.js';
import type { OperationPlan } from '../../failover/plan.js';
import type { OperationResult } from '../../failover/run.js';
import { silentReporter } from '../../reporter.js';
import { verifySync } from '../../verify-sync.js';
import { abortable, sleep, throwIfInterrupted } from '../interrupt.js';
import type { ChecksSummary } from '../model.js';
import type { ScenarioContext } from './context.js';

/** `arn:…:stateMachine:NAME` + execution name → `arn:…:execution:NAME:EXEC`. */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/**
 * Polls `cond` every `everyMs` until true or `timeoutMs`; true when it held. Rejects with
 * the Interrupt as soon as `signal` aborts.
 */
export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await abortable(Promise.resolve(cond()), signal)) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs, signal);
  }
}

/** The region whose cluster is the global writer, as DescribeGlobalClusters in `askRegion` says. */
export async function writerRegion(
  clients: AwsClients,
  config: DrConfig,
  askRegion: string,
): Promise<string | null> {
  const naming = new Naming(config);
  const out = await clients
    .rds(askRegion)
    .describeGlobalClusters({ GlobalClusterIdentifier: naming.globalCluster() });
  const arn = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  return (
    [config.regions.primary, config.regions.secondary].find((r) =>
      arn?.endsWith(`:cluster:${naming.dbCluster(r)}`),
    ) ?? null
  );
}

/** verify-sync, as the report lists it. */
export async function runChecks(ctx: ScenarioContext): Promise<ChecksSummary> {
  const result = await verifySync({ clients: ctx.clients, config: ctx.config });
  return {
    ok: result.ok,
    passed: result.passed,
    failed: result.failed,
    failedChecks: result.checks.filter((c) => !c.ok).map((c) => c.name),
    ms: result.ms,
  };
}

/** Runs `operate`, telling the target when the plan's promote execution starts. */
export async function runOperation(
  ctx: ScenarioContext,
  operation: 'failover' | 'failback',
  to: string,
  inFlight: Array<Promise<unknown>>,
  gate?: () => Promise<void>,
): Promise<OperationResult> {
  const running: Promise<OperateResult> = operate({
    clients: ctx.clients,
    config: ctx.config,
    operation,
    to,
    mode: 'planned',
    dryRun: false,
    reporter: ctx.reporter ?? silentReporter,
    timing: ctx.timing,
    pollMs: 100,
    syncTimeoutMs: ctx.target.tuning.settleTimeoutMs,
    syncPollMs: 250,
    // Interrupted before anything changed: the operation does not start.
    confirm: async (plan: OperationPlan) => {
      if (ctx.signal?.aborted) return false;
      const promote = plan.phases.find((p) => p.phase === 'promote');
      if (promote) {
        ctx.target.promoteStarted(
          promote.region,
          executionArnOf(promote.stateMachineArn, promote.executionName),
          { activeRegion: plan.to, epoch: plan.epoch },
        );
      }
      return true;
    },
    // An interrupt while the failback waits for sync ends the wait (nothing started yet).
    ...(gate
      ? {
          gate: async () => {
            throwIfInterrupted(ctx.signal);
            await gate();
          },
        }
      : {}),
  });
  // An interrupt does not stop the operation midway (its executions run server-side and
  // the CLI starts the next phase): the scenario waits for it on the way out.
  inFlight.push(running);
  const outcome = await abortable(running, ctx.signal);
  if (outcome.kind !== 'done') {
    throwIfInterrupted(ctx.signal);
    throw new Error(`the ${operation} did not run (${outcome.kind})`);
  }
  return outcome.result;
}
