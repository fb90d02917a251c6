/**
 * `dr failover` and `dr failback` in core: find an execution in flight (re-attach), or
 * take the lease, run the plan's executions one after the other (demote in the region
 * being left, planned only; promote in the target region), follow each, and record the
 * outcome in the target region's audit-log bucket. No printing: progress goes to the
 * reporter, the result is returned.
 */
import { hostname, userInfo } from 'node:os';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { auditKey, type OperationAuditRecord } from '../../contract/audit.js';
import { Naming } from '../../contract/naming.js';
import { describeError } from '../checks/outcome.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { acquireLease, keepLeaseAlive, releaseLease, type LeaseRecord } from './lease.js';
import {
  findRunning,
  followExecution,
  startExecution,
  type ExecutionOutcome,
  type RunningExecution,
  type StepResult,
} from './execution.js';
import type { ExecutionInput } from './input.js';
import {
  planOperation,
  readRegionContext,
  readStateMachineArn,
  type OperationIdentity,
  type OperationPlan,
  type PhasePlan,
} from './plan.js';
import { describePosition, readPosition } from './position.js';
import type { OperationKind } from '../../contract/steps.js';
import type { DataLoss } from './write-loss.js';

export interface OperationResult extends OperationIdentity {
  readonly outcome: 'succeeded' | 'failed';
  /** True when this run attached to an execution already in flight. */
  readonly reattached: boolean;
  readonly executions: ReadonlyArray<{
    readonly region: string;
    readonly arn: string;
    readonly status: string;
  }>;
  readonly steps: readonly StepResult[];
  readonly totalMs: number;
  readonly lease?: { readonly takenOverFrom?: string; readonly released: boolean };
  readonly failure?: { readonly step?: string; readonly error: string; readonly cause: string };
  /**
   * The CLI's audit record: where it was written, or, with `error`, where it should have
   * been and why it was not (the failover's outcome stands; the state machine's own audit
   * object does not depend on it).
   */
  readonly audit?: {
    readonly bucket: string;
    readonly key: string;
    readonly region: string;
    readonly error?: string;
  };
  /**
   * After a promote failed on the planned path (the region being left was already
   * fenced): the operation run back to `to`, so a region consumes again, and where the
   * platform stands after it.
   */
  /** A failed operation without a rollback: where it left the platform (regions that answered). */
  readonly left?: string;
  readonly recovery?: {
    readonly rolledBackTo: string;
    readonly outcome: 'succeeded' | 'failed';
    readonly failure?: { readonly step?: string; readonly error: string; readonly cause: string };
    readonly position: string;
  };
  /**
   * What a succeeded operation lost (`operate` adds it): planned, none (RPO 0 by
   * switchover); unplanned, the lag at the cut, the last replicated point and the orders
   * the old primary holds that the new writer lacks, or why they are not known yet
   * (./write-loss.ts). Information, never a failure of the operation.
   */
  readonly dataLoss?: DataLoss;
}

/** The AWS principal the clients sign as (an assumed role's session ARN), or undefined when STS does not say. */
export async function callerArn(clients: AwsClients, region: string): Promise<string | undefined> {
  try {
    return (await clients.sts(region).getCallerIdentity({})).Arn;
  } catch {
    return undefined;
  }
}

/** Who runs this: `DR_OPERATOR`, else the caller's AWS identity (`principal`), else user@host. */
export function operatorName(principal: string | undefined): string {
  return process.env.DR_OPERATOR?.trim() || principal || `${userInfo().username}@${hostname()}`;
}

/** operatorName, asking STS for the caller only when `DR_OPERATOR` does not name one. */
export async function operatorIdentity(clients: AwsClients, region: string): Promise<string> {
  return process.env.DR_OPERATOR?.trim() || operatorName(await callerArn(clients, region));
}

export interface InFlight {
  readonly phase: 'demote' | 'promote';
  readonly region: string;
  readonly execution: RunningExecution;
}

/**
 * An execution of this operation already running: the target region's (promote), or on
 * the planned path the region being left (demote). The region being left is asked only
 * when `askSource` (it may be dark).
 */
export async function findInFlight(options: {
  clients: AwsClients;
  config: DrConfig;
  operation: OperationKind;
  to: string;
  askSource: boolean;
}): Promise<InFlight | undefined> {
  const naming = new Naming(options.config);
  const { primary, secondary } = options.config.regions;
  const from = options.to === primary ? secondary : primary;
  const arnOf = (region: string) => readStateMachineArn(options.clients, naming, region, options.operation);
  const promote = await findRunning(options.clients.sfn(options.to), await arnOf(options.to));
  if (promote) return { phase: 'promote', region: options.to, execution: promote };
  if (!options.askSource) return undefined;
  const demote = await findRunning(options.clients.sfn(from), await arnOf(from));
  return demote ? { phase: 'demote', region: from, execution: demote } : undefined;
}

export interface ExecuteOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly plan: OperationPlan;
  readonly reporter?: Reporter;
  readonly pollMs?: number;
  /** Take over a lease whose process is gone (`--take-over`, or the holder resuming). */
  readonly takeOver?: boolean;
  /** This run goes on with an interrupted operation (its result says `reattached`). */
  readonly resumed?: boolean;
  /** Roll back when the promote fails after the demote (default true; false for the rollback itself). */
  readonly rollBack?: boolean;
}

export interface AttachOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly inFlight: InFlight;
  readonly reporter?: Reporter;
  readonly pollMs?: number;
}

interface Progress {
  outcomes: ExecutionOutcome[];
  started: number;
}

async function runPhase(
  clients: AwsClients,
  phase: Pick<PhasePlan, 'region' | 'stateMachineArn' | 'executionName' | 'input'>,
  reporter: Reporter,
  pollMs: number | undefined,
  progress: Progress,
): Promise<ExecutionOutcome> {
  const sfn = clients.sfn(phase.region);
  const arn = await startExecution(sfn, phase.stateMachineArn, phase.executionName, phase.input);
  return follow(clients, phase.region, arn, reporter, pollMs, progress);
}

async function follow(
  clients: AwsClients,
  region: string,
  executionArn: string,
  reporter: Reporter,
  pollMs: number | undefined,
  progress: Progress,
): Promise<ExecutionOutcome> {
  const outcome = await followExecution({
    sfn: clients.sfn(region),
    executionArn,
    region,
    reporter,
    ...(pollMs ? { pollMs } : {}),
  });
  progress.outcomes.push(outcome);
  return outcome;
}

/** Starts the plan's executions under the lease and follows them to the end. */
export async function executePlan(options: ExecuteOptions): Promise<OperationResult> {
  const { clients, plan } = options;
  const reporter = options.reporter ?? silentReporter;
  const progress: Progress = { outcomes: [], started: Date.now() };
  const leaseStep = reporter.step(`Lease for ${plan.startedBy} (${plan.lease.region})`);
  let lease: LeaseRecord;
  try {
    lease = await acquireLease({
      ddb: clients.dynamodb(plan.lease.region),
      table: plan.lease.table,
      id: plan.lease.id,
      holder: plan.startedBy,
      operation: plan.operation,
      operationId: plan.operationId,
      ttlSeconds: plan.lease.ttlSeconds,
      to: plan.to,
      mode: plan.mode,
      takeOver: options.takeOver === true,
      // The planned path may read the other replica (that region is up); never the unplanned one.
      ...(plan.mode === 'planned' ? { otherReplica: clients.dynamodb(plan.from) } : {}),
    });
  } catch (error) {
    leaseStep.fail((error as Error).message);
    throw error;
  }
  leaseStep.succeed(
    lease.takenOverFrom ? `taken over from ${lease.takenOverFrom} (its process is gone)` : plan.startedBy,
  );
  // While this process runs the operation, its heartbeat says so (`leaseLiveness`).
  const stopHeartbeat = keepLeaseAlive({
    ddb: clients.dynamodb(plan.lease.region),
    table: plan.lease.table,
    id: plan.lease.id,
  });
  let released = false;
  try {
    for (const phase of plan.phases) {
      const outcome = await runPhase(clients, phase, reporter, options.pollMs, progress);
      if (outcome.status !== 'SUCCEEDED') break;
    }
  } finally {
    stopHeartbeat();
    const last = progress.outcomes.at(-1);
    // The promote execution releases the lease itself (also when it fails); anything
    // else that stops the operation releases it here.
    const machineReleased = last?.region === plan.to && last.executionArn.includes('-promote');
    if (!machineReleased) {
      released = await releaseLease(
        clients.dynamodb(plan.lease.region),
        plan.lease.table,
        plan.lease.id,
        plan.startedBy,
      ).catch(() => false);
    } else {
      released = true;
    }
  }
  const recovery =
    options.rollBack !== false ? await rollBackAfterFailedPromote(options, progress) : undefined;
  return finish(
    options.clients,
    options.config,
    plan.phases.at(-1)?.input ?? (plan.phases[0]?.input as ExecutionInput),
    progress,
    {
      reattached: options.resumed === true,
      lease: { ...(lease.takenOverFrom ? { takenOverFrom: lease.takenOverFrom } : {}), released },
      ...(recovery ? { recovery } : {}),
    },
  );
}

/**
 * A promote that failed after the demote succeeded leaves no region consuming (the
 * region being left is fenced, the target never enabled). The region being left is up
 * (planned path), so the operation is run back to it — fence the target, promote the
 * old primary again (an Aurora switchover back if the writer had moved), enable its
 * mapping — without the gate: a consumer now matters more than the checks. Its outcome
 * and where the platform stands go into the result, which the CLI's error line names.
 */
async function rollBackAfterFailedPromote(
  options: ExecuteOptions,
  progress: Progress,
): Promise<OperationResult['recovery']> {
  const { clients, config, plan } = options;
  const demoted = progress.outcomes.some(
    (o) => o.region === plan.from && o.status === 'SUCCEEDED' && o.executionArn.includes('-demote'),
  );
  const last = progress.outcomes.at(-1);
  if (
    plan.mode !== 'planned' ||
    !demoted ||
    !last ||
    last.region !== plan.to ||
    last.status === 'SUCCEEDED'
  ) {
    return undefined;
  }
  const reporter = options.reporter ?? silentReporter;
  reporter.warn(
    `${plan.operation} to ${plan.to} failed after ${plan.from} was fenced: rolling back to ${plan.from} so a region consumes`,
  );
  let outcome: OperationResult['outcome'] = 'failed';
  let failure: OperationResult['failure'];
  try {
    const back = await planOperation({
      clients,
      config,
      operation: plan.operation,
      to: plan.from,
      mode: 'planned',
      startedBy: plan.startedBy,
      repair: true,
      timing: plan.timing,
    });
    const result = await executePlan({ ...options, plan: back, rollBack: false, resumed: false });
    outcome = result.outcome;
    failure = result.failure;
  } catch (error) {
    failure = { error: (error as Error).name, cause: (error as Error).message };
  }
  const position = await readPosition(clients, config, [plan.from, plan.to])
    .then(describePosition)
    .catch((error: Error) => `unknown (${error.message})`);
  return { rolledBackTo: plan.from, outcome, ...(failure ? { failure } : {}), position };
}

/** Re-attaches to an execution in flight; after a demote it goes on with the promote. */
export async function attachInFlight(options: AttachOptions): Promise<OperationResult> {
  const { clients, inFlight } = options;
  const reporter = options.reporter ?? silentReporter;
  const progress: Progress = { outcomes: [], started: Date.now() };
  reporter.info(`Re-attaching to ${inFlight.execution.name} in ${inFlight.region} (already running)`);
  const first = await follow(
    clients,
    inFlight.region,
    inFlight.execution.executionArn,
    reporter,
    options.pollMs,
    progress,
  );
  let input = inFlight.execution.input;
  if (inFlight.phase === 'demote') {
    if (first.status === 'SUCCEEDED') {
      const target = await readRegionContext(clients, new Naming(options.config), input.to);
      input = { ...input, phase: 'promote', mapping: { uuid: target.mappingUuid } };
      await runPhase(
        clients,
        {
          region: input.to,
          stateMachineArn: target.stateMachineArns[input.operation],
          executionName: `${input.operationId}-promote`,
          input,
        },
        reporter,
        options.pollMs,
        progress,
      );
    } else {
      await releaseLease(
        clients.dynamodb(input.to),
        input.lease.table,
        input.lease.id,
        input.lease.holder,
      ).catch(() => false);
    }
  }
  return finish(clients, options.config, input, progress, { reattached: true });
}

async function finish(
  clients: AwsClients,
  config: DrConfig,
  input: ExecutionInput,
  progress: Progress,
  extra: { reattached: boolean; lease?: OperationResult['lease']; recovery?: OperationResult['recovery'] },
): Promise<OperationResult> {
  const last = progress.outcomes.at(-1);
  const ok = last?.status === 'SUCCEEDED' && last.region === input.to;
  const failure = progress.outcomes.find((o) => o.status !== 'SUCCEEDED')?.failure;
  const result: OperationResult = {
    operation: input.operation,
    mode: input.mode,
    operationId: input.operationId,
    from: input.from,
    to: input.to,
    epoch: input.epochNumber,
    startedBy: input.startedBy,
    outcome: ok ? 'succeeded' : 'failed',
    reattached: extra.reattached,
    executions: progress.outcomes.map((o) => ({ region: o.region, arn: o.executionArn, status: o.status })),
    steps: progress.outcomes.flatMap((o) => o.steps),
    totalMs: Date.now() - progress.started,
    ...(extra.lease ? { lease: extra.lease } : {}),
    ...(failure ? { failure } : {}),
    ...(extra.recovery ? { recovery: extra.recovery } : {}),
  };
  if (!ok && !extra.recovery) {
    // The unplanned path reads nothing outside the target region (the other may be dark).
    const regions = input.mode === 'planned' ? [input.from, input.to] : [input.to];
    const left = await readPosition(clients, config, regions)
      .then(describePosition)
      .catch((error: Error) => `unknown (${error.message})`);
    return { ...result, left, audit: await writeAudit(clients, input, { ...result, left }) };
  }
  return { ...result, audit: await writeAudit(clients, input, result) };
}

/**
 * The CLI's audit record of an operation (src/contract/audit.ts says why the state machine
 * writes its own beside it): pure, so what is recorded is read in one place.
 */
export function auditRecord(input: ExecutionInput, result: OperationResult, now: Date): OperationAuditRecord {
  return {
    who: input.startedBy,
    what: {
      operation: input.operation,
      mode: input.mode,
      from: input.from,
      to: input.to,
      epoch: input.epochNumber,
    },
    when: { recordedAt: now.toISOString(), totalMs: result.totalMs },
    operationId: input.operationId,
    outcome: result.outcome,
    reattached: result.reattached,
    lease: result.lease,
    failure: result.failure,
    recovery: result.recovery,
    left: result.left,
    executions: result.executions,
    steps: result.steps.map((s) => ({
      step: s.id,
      region: s.region,
      outcome: s.outcome,
      ms: s.ms,
      awsMs: s.awsMs,
    })),
  };
}

/** Appends the operation's record (who, what, when, each step) to the target region's audit bucket. */
export async function writeAudit(
  clients: AwsClients,
  input: ExecutionInput,
  result: OperationResult,
): Promise<OperationResult['audit']> {
  const now = new Date();
  const key = auditKey(input.operation, input.operationId, String(now.getTime()));
  try {
    await clients.s3(input.to).putObject({
      Bucket: input.auditBucket,
      Key: key,
      Body: JSON.stringify(auditRecord(input, result, now), null, 2),
      ContentType: 'application/json',
    });
    return { bucket: input.auditBucket, key, region: input.to };
  } catch (error) {
    // Not a failed failover (the state machine wrote its own audit object), but never silent.
    return { bucket: input.auditBucket, key, region: input.to, error: describeError(error) };
  }
}
