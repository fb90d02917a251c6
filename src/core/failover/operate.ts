/**
 * The flow both commands share: re-attach to an execution in flight, or plan, show the
 * plan, confirm, gate on sync (planned), execute, and say what a succeeded operation lost
 * (`dataLoss`: none by switchover; after an unplanned failover, the lost-write report of
 * ./write-loss.ts). The UI parts (showing, confirming) are injected; core prints nothing.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { UsageError } from '../../contract/errors.js';
import {
  LEASE_ID,
  planOperation,
  planResume,
  readStateMachineArn,
  type OperationPlan,
  type Timing,
} from './plan.js';
import { newestExecution } from './execution.js';
import { refuseIfHeld } from './lease.js';
import { Naming } from '../../contract/naming.js';
import { describePosition, isDone, readPosition, type Position } from './position.js';
import { findInterrupted } from './resume.js';
import { attachInFlight, executePlan, findInFlight, operatorIdentity, type OperationResult } from './run.js';
import type { FailoverMode, OperationKind } from '../../contract/steps.js';
import { awaitFailbackReady } from './failback-ready.js';
import { fenceIfStale } from './fence-returned.js';
import {
  describeWriteLoss,
  promoteStartedAt,
  readWriteLoss,
  switchoverLoss,
  type DataLoss,
} from './write-loss.js';

export interface OperateOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly operation: OperationKind;
  readonly to: string;
  readonly mode: FailoverMode;
  readonly dryRun: boolean;
  readonly reporter?: Reporter;
  /** Shown the plan before anything changes; false stops (nothing changed). */
  readonly confirm?: (plan: OperationPlan) => Promise<boolean>;
  /** The planned path's gate (verify-sync); throws to stop. */
  readonly gate?: () => Promise<void>;
  readonly timing?: Timing;
  readonly pollMs?: number;
  /** Failback: how long to wait for the old primary to re-join and for the gate to pass. */
  readonly syncTimeoutMs?: number;
  /** Failback: between those checks. @default 15 s (1 s against the emulator) */
  readonly syncPollMs?: number;
  /** Take over a lease that nothing runs any more, held by someone else (recorded). */
  readonly takeOver?: boolean;
}

export type OperateResult =
  | { readonly kind: 'dry-run'; readonly plan: OperationPlan }
  | { readonly kind: 'cancelled'; readonly plan: OperationPlan }
  | { readonly kind: 'done'; readonly plan?: OperationPlan; readonly result: OperationResult }
  /**
   * `to` already writes, consumes and is named active everywhere: nothing to do (exit 0).
   * For a failover, `dataLoss` is what the failover that made `to` active lost (its newest
   * succeeded execution there): run again once the old region answers, the same command
   * reads the lost orders the first run could not.
   */
  | {
      readonly kind: 'already';
      readonly to: string;
      readonly message: string;
      readonly position: Position;
      readonly dataLoss?: DataLoss;
    };

export async function operate(options: OperateOptions): Promise<OperateResult> {
  const { clients, config, operation, to, mode } = options;
  const reporter = options.reporter ?? silentReporter;
  if (!options.dryRun) {
    const inFlight = await findInFlight({ clients, config, operation, to, askSource: mode === 'planned' });
    if (inFlight) {
      const result = await attachInFlight({
        clients,
        config,
        inFlight,
        reporter,
        ...(options.pollMs ? { pollMs: options.pollMs } : {}),
      });
      return { kind: 'done', result: await withDataLoss(clients, config, result, reporter) };
    }
  }
  const startedBy = await operatorIdentity(clients, to);
  // An operation of the same kind and target whose CLI died: the holder's re-run (or a
  // --take-over) goes on with it rather than starting another.
  const interrupted = options.dryRun ? undefined : await findInterrupted({ clients, config, operation, to });
  const takeOver = options.takeOver === true || interrupted?.lease.holder === startedBy;
  if (interrupted?.stage === 'demoted' && takeOver) {
    const plan = await planResume({
      clients,
      config,
      demoteInput: interrupted.demote.input,
      holder: startedBy,
    });
    reporter.info(
      `Resuming ${plan.operationId}: ${plan.from} was fenced, then its CLI stopped (${interrupted.why}); going on with the promote in ${plan.to}`,
    );
    const result = await executePlan({
      clients,
      config,
      plan,
      reporter,
      takeOver: true,
      resumed: true,
      ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    });
    return { kind: 'done', plan, result: await withDataLoss(clients, config, result, reporter) };
  }
  const { primary, secondary } = config.regions;
  const from = to === primary ? secondary : primary;
  const position = await readPosition(clients, config, mode === 'planned' ? [to, from] : [to]);
  if (isDone(position, to)) {
    const epoch = position.regions.find((r) => r.region === to)?.epoch ?? 0;
    const dataLoss =
      operation === 'failover' && !options.dryRun
        ? await lossOfLastFailover(clients, config, to, reporter).catch(() => undefined)
        : undefined;
    return {
      kind: 'already',
      to,
      position,
      message: `${to} is already the active region (epoch ${epoch}): it writes, consumes, and every region names it; nothing to ${operation === 'failback' ? 'fail back' : 'fail over'}`,
      ...(dataLoss ? { dataLoss } : {}),
    };
  }
  // Nothing consumes (an earlier operation stopped half-way): the gate would only say so.
  const stranded = position.regions.every((r) => !r.consuming);
  if (stranded) {
    reporter.info(`No region consumes orders (${describePosition(position)}): completing the move to ${to}`);
  }
  const plan = await planOperation({
    clients,
    config,
    operation,
    to,
    mode,
    startedBy,
    repair: stranded,
    ...(options.timing ? { timing: options.timing } : {}),
  });
  if (options.dryRun) return { kind: 'dry-run', plan };
  if (options.confirm && !(await options.confirm(plan))) return { kind: 'cancelled', plan };
  if (operation === 'failback') {
    // A region back from an unplanned failover learns it was failed away from first.
    await fenceIfStale({ clients, config, reporter, ...(options.pollMs ? { pollMs: options.pollMs } : {}) });
  }
  if (operation === 'failback' && options.gate && !stranded) {
    // The old primary must re-join and catch up first: wait for both, bounded.
    await awaitFailbackReady({
      clients,
      config,
      gate: options.gate,
      reporter,
      ...(options.syncTimeoutMs !== undefined ? { timeoutMs: options.syncTimeoutMs } : {}),
      pollMs: options.syncPollMs ?? (clients.endpoint !== undefined ? 1000 : 15_000),
    });
  } else if (mode === 'planned' && options.gate && !stranded) {
    const step = reporter.step('Gate: verify-sync');
    try {
      await options.gate();
      step.succeed('in sync');
    } catch (error) {
      step.fail((error as Error).message);
      // Another run of an operation (a runbook fired twice) changing the platform right now
      // is why the checks fail: say that (exit 4), not "not in sync".
      const naming = new Naming(config);
      await refuseIfHeld(clients.dynamodb(to), naming.leaseTable(), LEASE_ID);
      throw error;
    }
  }
  const result = await executePlan({
    clients,
    config,
    plan,
    reporter,
    takeOver,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
  });
  return { kind: 'done', plan, result: await withDataLoss(clients, config, result, reporter) };
}

/**
 * A succeeded operation with what it lost: a planned one nothing (switchover); an
 * unplanned one what the old primary holds beyond the new writer's copy, the cut being
 * the promote step of the execution in the target region. A failed one is left as it is.
 */
async function withDataLoss(
  clients: AwsClients,
  config: DrConfig,
  result: OperationResult,
  reporter: Reporter,
): Promise<OperationResult> {
  if (result.outcome !== 'succeeded') return result;
  if (result.mode === 'planned') return { ...result, dataLoss: switchoverLoss() };
  const step = reporter.step(`Lost writes: what ${result.from} holds beyond ${result.to}'s copy`);
  const promote = result.executions.filter((e) => e.region === result.to).at(-1);
  const cutAt =
    (promote
      ? await promoteStartedAt(clients, promote.region, promote.arn).catch(() => undefined)
      : undefined) ?? new Date(Date.now() - result.totalMs);
  const dataLoss = await readWriteLoss({ clients, config, from: result.from, to: result.to, cutAt });
  step.succeed(describeWriteLoss(dataLoss));
  return { ...result, dataLoss };
}

/**
 * What the failover that made `to` active lost: the newest succeeded execution of the
 * failover machine in `to` (a planned one: nothing; an unplanned one: the lost-write report,
 * its promote step the cut). Undefined when there is none.
 */
async function lossOfLastFailover(
  clients: AwsClients,
  config: DrConfig,
  to: string,
  reporter: Reporter,
): Promise<DataLoss | undefined> {
  const sfn = clients.sfn(to);
  const stateMachineArn = await readStateMachineArn(clients, new Naming(config), to, 'failover');
  if (!stateMachineArn) return undefined;
  const newest = await newestExecution(sfn, stateMachineArn, 'SUCCEEDED', 20);
  if (!newest) return undefined;
  const { input } = newest;
  if (input.operation !== 'failover' || input.to !== to || !input.from) return undefined;
  if (input.mode !== 'unplanned') return switchoverLoss();
  const step = reporter.step(
    `Lost writes of ${input.operationId ?? 'the last failover'}: what ${input.from} holds beyond ${to}'s copy`,
  );
  const cutAt =
    (await promoteStartedAt(clients, to, newest.executionArn).catch(() => undefined)) ??
    newest.startDate ??
    new Date();
  const loss = await readWriteLoss({ clients, config, from: input.from, to, cutAt });
  step.succeed(describeWriteLoss(loss));
  return loss;
}

/** The target of a failback: the configured primary. */
export function failbackTarget(config: DrConfig): string {
  return config.regions.primary;
}

export function requireRegion(config: DrConfig, region: string): string {
  const { primary, secondary } = config.regions;
  if (region !== primary && region !== secondary) {
    throw new UsageError(
      `--to ${region} is neither the primary (${primary}) nor the secondary (${secondary}) region`,
    );
  }
  return region;
}
