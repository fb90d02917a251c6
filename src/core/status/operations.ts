/**
 * The DR operation lease (read from both replicas) and the failover/failback executions
 * that run. The lease and the state machine ARNs are level 1; the RUNNING executions need
 * the ARNs (level 2). The steps of each RUNNING execution need its ARN in turn: one more
 * level, and only while an execution runs (usually none), so a quiet platform still
 * reads in two.
 */
import type { OperationKind } from '../../contract/steps.js';
import { errorOf, settle, valueOf, type Outcome } from '../checks/outcome.js';
import { leaseLiveness, readLease, type LeaseRecord } from '../failover/lease.js';
import { LEASE_ID, readStateMachineArn } from '../failover/plan.js';
import type { ExecutionInFlight, LeaseStatus, OperationsStatus } from './model.js';
import { outcomeIn, type Regional, type StatusContext } from './context.js';
import { readInFlightSteps } from './steps.js';

type Machine = { operation: OperationKind; arn: string | undefined };
export type LeasesRead = Array<Regional<LeaseRecord | undefined>>;
export type MachinesRead = Array<Regional<Machine[]>>;
export type ExecutionsRead = Array<Regional<ExecutionInFlight[]>>;

const OPERATIONS: readonly OperationKind[] = ['failover', 'failback'];

/** Level 1: the lease item in each replica. */
export function readLeases(ctx: StatusContext): Promise<LeasesRead> {
  return ctx.perRegion((r) => readLease(ctx.clients.dynamodb(r), ctx.naming.leaseTable(), LEASE_ID));
}

/** Level 1: each region's failover and failback state machine ARNs. */
export function readMachines(ctx: StatusContext): Promise<MachinesRead> {
  return ctx.perRegion((r) =>
    Promise.all(
      OPERATIONS.map(async (operation) => ({
        operation,
        arn: await readStateMachineArn(ctx.clients, ctx.naming, r, operation),
      })),
    ),
  );
}

/**
 * The execution with its steps. A step read that fails leaves the execution listed
 * (with `stepsError`): it neither hides what runs nor marks the region unreachable.
 */
async function withSteps(
  ctx: StatusContext,
  execution: Omit<ExecutionInFlight, 'steps' | 'stepsError'>,
): Promise<ExecutionInFlight> {
  const steps = await settle(readInFlightSteps(ctx.clients.sfn(execution.region), execution.executionArn));
  return steps.ok
    ? { ...execution, steps: steps.value }
    : { ...execution, steps: [], stepsError: steps.error };
}

async function listRunning(
  ctx: StatusContext,
  region: string,
  machine: Machine,
): Promise<ExecutionInFlight[]> {
  const out = await ctx.clients
    .sfn(region)
    .listExecutions({ stateMachineArn: machine.arn, statusFilter: 'RUNNING', maxResults: 10 });
  return Promise.all(
    (out.executions ?? []).map((e) =>
      withSteps(ctx, {
        region,
        operation: machine.operation,
        execution: e.name ?? '',
        executionArn: e.executionArn ?? '',
        startedAt: e.startDate ? new Date(e.startDate).toISOString() : null,
      }),
    ),
  );
}

/** Level 2: the RUNNING executions of each region's state machines (and, level 3, their steps). */
export function readExecutions(ctx: StatusContext, machines: MachinesRead): Promise<ExecutionsRead> {
  return Promise.all(
    machines.map(async ({ region, outcome }): Promise<Regional<ExecutionInFlight[]>> => {
      if (!outcome.ok) return { region, outcome };
      const listed = await ctx.settle(
        Promise.all(outcome.value.filter((m) => m.arn).map((m) => listRunning(ctx, region, m))),
      );
      return { region, outcome: listed.ok ? { ok: true as const, value: listed.value.flat() } : listed };
    }),
  );
}

/** How recent an item is: its last heartbeat, else when it was taken. */
const freshness = (l: LeaseRecord) => l.heartbeatAt ?? Math.floor(Date.parse(l.startedAt) / 1000);

function leaseStatus(ctx: StatusContext, newest: LeaseRecord, readFrom: string[]): LeaseStatus {
  const liveness = leaseLiveness(newest, ctx.now);
  return {
    holder: newest.holder,
    operation: newest.operation,
    operationId: newest.operationId,
    startedAt: newest.startedAt,
    expiresAt: new Date(newest.expiresAt * 1000).toISOString(),
    expired: newest.expiresAt < Math.floor(ctx.now.getTime() / 1000),
    ...(newest.to ? { to: newest.to } : {}),
    ...(newest.mode ? { mode: newest.mode } : {}),
    ...(newest.session ? { session: newest.session } : {}),
    ...(newest.heartbeatAt !== undefined
      ? { heartbeatAt: new Date(newest.heartbeatAt * 1000).toISOString() }
      : {}),
    running: liveness.running,
    reason: liveness.reason,
    readFrom,
  };
}

/** The most recent item of the replicas that answered; null when none holds one. */
export function leaseView(ctx: StatusContext, read: LeasesRead): LeaseStatus | null {
  const seen = read.flatMap(({ region, outcome }) => {
    const lease = valueOf(outcome);
    return lease ? [{ region, lease }] : [];
  });
  const newest = [...seen].sort((a, b) => freshness(b.lease) - freshness(a.lease))[0]?.lease;
  if (!newest) return null;
  const readFrom = seen
    .filter((l) => l.lease.operationId === newest.operationId && l.lease.startedAt === newest.startedAt)
    .map((l) => l.region);
  return leaseStatus(ctx, newest, readFrom);
}

/** Per region, the first of its lease, state machine and execution reads that failed. */
function operationErrors(
  ctx: StatusContext,
  leases: LeasesRead,
  machines: MachinesRead,
  executions: ExecutionsRead,
): OperationsStatus['errors'] {
  return ctx.regions.flatMap((region) => {
    const outcomes: Array<Outcome<unknown> | undefined> = [
      outcomeIn(leases, region),
      outcomeIn(machines, region),
      outcomeIn(executions, region),
    ];
    const found = outcomes.map((o) => errorOf(o)).find((e) => e !== undefined);
    return found ? [{ region, error: found }] : [];
  });
}

export function operationsView(
  ctx: StatusContext,
  leases: LeasesRead,
  machines: MachinesRead,
  executions: ExecutionsRead,
): OperationsStatus {
  return {
    lease: leaseView(ctx, leases),
    inFlight: executions.flatMap(({ outcome }) => valueOf(outcome) ?? []),
    errors: operationErrors(ctx, leases, machines, executions),
  };
}
