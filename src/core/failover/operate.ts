/**
 * The flow both commands share: re-attach to an execution in flight, or plan, show the
 * plan, confirm, gate on sync (planned), execute. The UI parts (showing, confirming) are
 * injected; core prints nothing.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { UsageError } from '../errors.js';
import { planOperation, type OperationPlan, type Timing } from './plan.js';
import { attachInFlight, executePlan, findInFlight, operatorIdentity, type OperationResult } from './run.js';
import type { FailoverMode, OperationKind } from './steps.js';
import { awaitFailbackReady } from './failback-ready.js';
import { fenceIfStale } from './fence-returned.js';

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
}

export type OperateResult =
  | { readonly kind: 'dry-run'; readonly plan: OperationPlan }
  | { readonly kind: 'cancelled'; readonly plan: OperationPlan }
  | { readonly kind: 'done'; readonly plan?: OperationPlan; readonly result: OperationResult };

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
      return { kind: 'done', result };
    }
  }
  const startedBy = await operatorIdentity(clients, to);
  const plan = await planOperation({
    clients,
    config,
    operation,
    to,
    mode,
    startedBy,
    ...(options.timing ? { timing: options.timing } : {}),
  });
  if (options.dryRun) return { kind: 'dry-run', plan };
  if (options.confirm && !(await options.confirm(plan))) return { kind: 'cancelled', plan };
  if (operation === 'failback') {
    // A region back from an unplanned failover learns it was failed away from first.
    await fenceIfStale({ clients, config, reporter, ...(options.pollMs ? { pollMs: options.pollMs } : {}) });
  }
  if (operation === 'failback' && options.gate) {
    // The old primary must re-join and catch up first: wait for both, bounded.
    await awaitFailbackReady({
      clients,
      config,
      gate: options.gate,
      reporter,
      ...(options.syncTimeoutMs !== undefined ? { timeoutMs: options.syncTimeoutMs } : {}),
      pollMs: options.syncPollMs ?? (clients.endpoint !== undefined ? 1000 : 15_000),
    });
  } else if (mode === 'planned' && options.gate) {
    const step = reporter.step('Gate: verify-sync');
    try {
      await options.gate();
      step.succeed('in sync');
    } catch (error) {
      step.fail((error as Error).message);
      throw error;
    }
  }
  const result = await executePlan({
    clients,
    config,
    plan,
    reporter,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
  });
  return { kind: 'done', plan, result };
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
