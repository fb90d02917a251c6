/**
 * An operation whose CLI died (SIGKILL, a laptop that closed, a runbook host lost) left
 * its lease behind, held by a process that no longer runs. Its executions ran on in AWS
 * without it; what is missing is whatever the CLI would have started next. Between the
 * demote (the region being left is fenced: no consumer there) and the promote nothing
 * consumes orders, so this is the one gap that must be closed by the re-run.
 *
 * `findInterrupted` reads the lease and the operation's executions (by their names,
 * `<operationId>-demote` / `-promote`) and says where the operation stopped. Running
 * executions are not its business: `findInFlight` re-attaches to those first.
 */
import type { AwsClients } from '../../aws/clients.js';
import { errorName } from '../../aws/errors.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import type { ExecutionStatus } from './execution.js';
import type { ExecutionInput } from './input.js';
import { leaseLiveness, readLease, THIS_SESSION, type LeaseRecord } from './lease.js';
import { LEASE_ID, readStateMachineArn } from './plan.js';
import type { OperationKind } from '../../contract/steps.js';

export interface FinishedExecution {
  readonly region: string;
  readonly executionArn: string;
  readonly status: ExecutionStatus;
  readonly input: ExecutionInput;
}

export type Interrupted =
  /** Its CLI died before it started anything (or its demote failed): nothing changed. */
  | { readonly stage: 'not-started'; readonly lease: LeaseRecord; readonly why: string }
  /** The region being left is fenced and nothing promoted the target: go on with the promote. */
  | {
      readonly stage: 'demoted';
      readonly lease: LeaseRecord;
      readonly why: string;
      readonly demote: FinishedExecution;
    };

/** The region an operation makes active: the lease says so, or its id (`<op>-<region>-…`). */
export function leaseTarget(lease: LeaseRecord): string | undefined {
  if (lease.to) return lease.to;
  const match = /^(?:failover|failback)-([a-z]{2}(?:-[a-z]+)+-\d+)-/.exec(lease.operationId);
  return match?.[1];
}

/** The ARN Step Functions gives execution `name` of `stateMachineArn`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

async function describeByName(
  clients: AwsClients,
  region: string,
  stateMachineArn: string,
  name: string,
): Promise<FinishedExecution | undefined> {
  const executionArn = executionArnOf(stateMachineArn, name);
  try {
    const out = await clients.sfn(region).describeExecution({ executionArn });
    return {
      region,
      executionArn,
      status: (out.status ?? 'RUNNING') as ExecutionStatus,
      input: JSON.parse(out.input ?? '{}') as ExecutionInput,
    };
  } catch (error) {
    if (errorName(error) === 'ExecutionDoesNotExist') return undefined;
    throw error;
  }
}

/**
 * The same operation (kind and target region), interrupted: its lease is still held, by a
 * process that is gone, and no execution of it runs. Undefined when there is none — also
 * when the lease's process still runs (acquiring the lease then refuses, exit 4).
 */
export async function findInterrupted(options: {
  clients: AwsClients;
  config: DrConfig;
  operation: OperationKind;
  to: string;
  now?: Date;
}): Promise<Interrupted | undefined> {
  const { clients, config, operation, to } = options;
  const naming = new Naming(config);
  const now = options.now ?? new Date();
  const lease = await readLease(clients.dynamodb(to), naming.leaseTable(), LEASE_ID);
  if (!lease || lease.session === THIS_SESSION) return undefined;
  if (lease.expiresAt < Math.floor(now.getTime() / 1000)) return undefined;
  if (lease.operation !== operation || leaseTarget(lease) !== to) return undefined;
  const liveness = leaseLiveness(lease, now);
  if (liveness.running) return undefined;
  const { primary, secondary } = config.regions;
  const from = to === primary ? secondary : primary;
  const arnOf = (region: string) => readStateMachineArn(clients, naming, region, operation);
  const promote = await describeByName(clients, to, await arnOf(to), `${lease.operationId}-promote`);
  // A promote that ran released the lease itself; one still held means it never started.
  if (promote) return undefined;
  const why = liveness.reason;
  if (lease.mode === 'unplanned') return { stage: 'not-started', lease, why };
  const demote = await describeByName(clients, from, await arnOf(from), `${lease.operationId}-demote`);
  if (demote?.status === 'SUCCEEDED') return { stage: 'demoted', lease, why, demote };
  return { stage: 'not-started', lease, why };
}
