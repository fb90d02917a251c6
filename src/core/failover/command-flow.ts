/**
 * What `dr failover` and `dr failback` do around `operate`: confirm through the port the
 * command provides, gate a planned operation on verify-sync, stop following when the
 * operator interrupts (the executions run on in AWS), and say in one line what a failed
 * operation left and the command that goes on from there. Core prints nothing: the
 * command shows the plan and the result.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { FailedError, InterruptedError } from '../../contract/errors.js';
import type { FailoverMode, OperationKind } from '../../contract/steps.js';
import type { Reporter } from '../reporter.js';
import type { Confirm } from './confirm.js';
import { operate, type OperateResult } from './operate.js';
import type { OperationPlan } from './plan.js';
import type { OperationResult } from './run.js';

/** What the operator asked for. */
export interface OperationRequest {
  readonly operation: OperationKind;
  readonly to: string;
  readonly mode: FailoverMode;
  /** What is confirmed and named in messages ("planned failover to us-east-2"). */
  readonly what: string;
  readonly dryRun: boolean;
  readonly takeOver: boolean;
  /** Against the sandbox: the commands a message names carry `--sandbox`. */
  readonly sandbox: boolean;
  readonly syncTimeoutMs?: number;
}

export interface OperationPorts {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly reporter: Reporter;
  /** Asked once the plan was shown; false cancels (nothing changed). */
  readonly confirm: Confirm;
  /** Shows the plan before the confirmation. */
  readonly showPlan: (plan: OperationPlan) => void;
  /** Aborted (reason: the signal's name) when the operator interrupts: stop following, never the operation. */
  readonly interrupt: AbortSignal;
}

/** Rejects with `InterruptedError` once `signal` aborts; never resolves. */
function interrupted(signal: AbortSignal, what: string): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const stop = () =>
      reject(
        new InterruptedError(
          `${what} interrupted (${String(signal.reason)}): what was started goes on in AWS; run the same command again to follow it to the end, or to go on from where it stopped`,
        ),
      );
    if (signal.aborted) stop();
    else signal.addEventListener('abort', stop, { once: true });
  });
}

/**
 * Runs the operation until it ends, or until the operator interrupts (`InterruptedError`:
 * what was started goes on in AWS, and the same command run again follows it).
 */
export async function runOperation(request: OperationRequest, ports: OperationPorts): Promise<OperateResult> {
  const { clients, config } = ports;
  const stopped = interrupted(ports.interrupt, request.what);
  stopped.catch(() => undefined);
  return Promise.race([
    stopped,
    operate({
      clients,
      config,
      operation: request.operation,
      to: request.to,
      mode: request.mode,
      dryRun: request.dryRun,
      reporter: ports.reporter,
      ...(request.syncTimeoutMs !== undefined ? { syncTimeoutMs: request.syncTimeoutMs } : {}),
      confirm: async (plan) => {
        ports.showPlan(plan);
        return ports.confirm(request.what);
      },
      takeOver: request.takeOver,
      gate: async () => {
        const { verifySync, requireInSync } = await import('../verify-sync.js');
        requireInSync(await verifySync({ clients, config }));
      },
    }),
  ]);
}

/** The command that runs `request` again (to complete it), as the operator typed it. */
function againCommand(request: OperationRequest): string {
  const sandbox = request.sandbox ? ' --sandbox' : '';
  const what =
    request.operation === 'failback' ? 'failback' : `failover --to ${request.to} --${request.mode}`;
  return `dr ${what}${sandbox} --yes`;
}

/**
 * The error a failed operation ends with (exit 1): where it failed, what was left (rolled
 * back, or the position a failed rollback left), the command that goes on, the audit record.
 */
export function operationFailure(request: OperationRequest, result: OperationResult): FailedError {
  const f = result.failure;
  const failed = `${request.operation} to ${request.to} failed${f?.step ? ` at step ${f.step}` : ''}: ${f?.error ?? 'unknown'}${f?.cause ? ` (${f.cause.split('\n')[0]})` : ''}`;
  const audit =
    result.audit && !result.audit.error ? `; audit s3://${result.audit.bucket}/${result.audit.key}` : '';
  const r = result.recovery;
  const again = againCommand(request);
  const back = `dr failover --to ${r?.rolledBackTo ?? ''} --planned${request.sandbox ? ' --sandbox' : ''} --yes`;
  const left = !r
    ? `; the lease was released; left: ${result.left ?? 'unknown'}; fix the cause and run \`${again}\` to complete it`
    : r.outcome === 'succeeded'
      ? `; rolled back: ${r.rolledBackTo} consumes again (${r.position}); fix the cause and run \`${again}\` again`
      : `; the rollback to ${r.rolledBackTo} failed too${r.failure?.step ? ` at step ${r.failure.step}` : ''} (${r.failure?.error ?? 'unknown'}), leaving ${r.position}: run \`${back}\` to restore a consumer`;
  return new FailedError(`${failed}${left}${audit}`);
}
