/**
 * The operation lease: one failover, failback or drill at a time. A conditional write on
 * one item of the lease table (a DynamoDB global table), in the replica of the region
 * the operation makes primary — the one region it needs anyway, so the lease works with
 * the other region dark. A second operator is refused with `LockHeldError` (exit 4)
 * naming the holder; an expired lease is taken over and the takeover is recorded in the
 * new item (and in the audit record).
 *
 * Global tables replicate last-writer-wins: two operators writing different replicas in
 * the same second could both win. When the other region answers, `acquireLease` reads
 * its replica too and backs off if someone else holds it there.
 *
 * The lease belongs to an operation run by one process (`session`: host, pid and a
 * nonce), not to an identity: the same identity running the same command twice at once
 * is refused like anyone else. The process proves it still runs with a heartbeat
 * (`heartbeat_at`, every 10 s). A lease whose process is gone (its pid on this host no
 * longer exists, or no heartbeat for 45 s) is held by nothing running: `leaseLiveness`
 * says so, the holder's own re-run resumes the operation, and anyone else takes it over
 * only when asked to (`takeOver`), which the new item records (`taken_over_from`).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DynamoDbApi } from '../../aws/clients.js';
import { errorName } from '../../aws/errors.js';
import { Naming } from '../../contract/naming.js';
import { LockHeldError } from '../../contract/errors.js';
import type { FailoverMode, OperationKind } from '../../contract/steps.js';

/** How often a running operation renews its heartbeat. */
export const LEASE_HEARTBEAT_SECONDS = 10;
/** No heartbeat for this long: the process holding the lease is gone. */
export const LEASE_STALE_SECONDS = 45;

/** This process, as a lease names it: host, pid and a nonce (a pid can be reused). */
export const THIS_SESSION = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

export interface LeaseRecord {
  readonly id: string;
  readonly holder: string;
  readonly operation: OperationKind | 'drill';
  readonly operationId: string;
  /** ISO time the lease was taken. */
  readonly startedAt: string;
  /** Epoch seconds (the table's TTL attribute). */
  readonly expiresAt: number;
  /** The holder of the expired lease this one replaced. */
  readonly takenOverFrom?: string;
  /** The process running the operation (`THIS_SESSION` of the CLI that took it). */
  readonly session?: string;
  /** Failover/failback: the region it makes active, and how. */
  readonly to?: string;
  readonly mode?: FailoverMode;
  /** Epoch seconds of the holder's last heartbeat (absent: it never sent one). */
  readonly heartbeatAt?: number;
}

export type LeaseLiveness =
  { readonly running: true; readonly reason: string } | { readonly running: false; readonly reason: string };

/**
 * Whether the process holding `lease` still runs: gone when it ran on this host and its
 * pid no longer exists, or when it has sent no heartbeat (or, without one, taken the
 * lease) for `LEASE_STALE_SECONDS`. Says nothing about executions: a state machine may
 * still run an operation whose CLI is gone (callers look for those first).
 */
export function leaseLiveness(lease: LeaseRecord, now: Date = new Date(), host = hostname()): LeaseLiveness {
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const [sessionHost, pidText] = (lease.session ?? '').split(':');
  const pid = Number(pidText);
  if (sessionHost === host && Number.isInteger(pid) && pid > 0 && !processExists(pid)) {
    return { running: false, reason: `its process (pid ${pid} on ${host}) is gone` };
  }
  const last = lease.heartbeatAt ?? Math.floor(Date.parse(lease.startedAt) / 1000);
  const age = Number.isFinite(last) ? nowSeconds - last : Number.POSITIVE_INFINITY;
  if (age > LEASE_STALE_SECONDS) {
    return {
      running: false,
      reason: Number.isFinite(age)
        ? `no heartbeat from its process for ${age} s`
        : 'it carries no start time nor heartbeat',
    };
  }
  return {
    running: true,
    reason: `heartbeat ${Math.max(0, age)} s ago${lease.session ? ` from ${lease.session.split(':').slice(0, 2).join(' pid ')}` : ''}`,
  };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const CONDITION_FAILED = 'ConditionalCheckFailedException';

export async function readLease(
  ddb: DynamoDbApi,
  table: string,
  id: string,
): Promise<LeaseRecord | undefined> {
  const out = await ddb.getItem({
    TableName: table,
    Key: { [Naming.leaseTableKey]: { S: id } },
    ConsistentRead: true,
  });
  const item = out.Item;
  if (!item) return undefined;
  return {
    id,
    holder: item.holder?.S ?? 'unknown',
    operation: (item.operation?.S ?? 'failover') as LeaseRecord['operation'],
    operationId: item.operation_id?.S ?? '',
    startedAt: item.started_at?.S ?? '',
    expiresAt: Number(item[Naming.ttlAttribute]?.N ?? '0'),
    ...(item.taken_over_from?.S ? { takenOverFrom: item.taken_over_from.S } : {}),
    ...(item.session?.S ? { session: item.session.S } : {}),
    ...(item.target_region?.S ? { to: item.target_region.S } : {}),
    ...(item.mode?.S ? { mode: item.mode.S as FailoverMode } : {}),
    ...(item.heartbeat_at?.N ? { heartbeatAt: Number(item.heartbeat_at.N) } : {}),
  };
}

function heldError(lease: LeaseRecord, now: Date): LockHeldError {
  const until = new Date(lease.expiresAt * 1000).toISOString();
  const what = `${lease.operation} ${lease.operationId}, since ${lease.startedAt}`;
  const liveness = leaseLiveness(lease, now);
  if (liveness.running) {
    return new LockHeldError(
      `${lease.holder} holds the DR lease (${what}, ${liveness.reason}); wait for it to finish, or ask them`,
      lease.holder,
    );
  }
  return new LockHeldError(
    `${lease.holder} holds the DR lease (${what}, expires ${until}) but nothing runs it: ${liveness.reason}; re-run with --take-over to take it over (recorded in the lease and the audit log)`,
    lease.holder,
  );
}

export interface AcquireOptions {
  readonly ddb: DynamoDbApi;
  readonly table: string;
  readonly id: string;
  readonly holder: string;
  readonly operation: LeaseRecord['operation'];
  readonly operationId: string;
  readonly ttlSeconds: number;
  readonly now?: Date;
  /** The other region's replica, read when it answers (see the module comment). */
  readonly otherReplica?: DynamoDbApi;
  /** The process taking it. @default THIS_SESSION */
  readonly session?: string;
  readonly to?: string;
  readonly mode?: FailoverMode;
  /**
   * Take over a lease that nothing runs any more (`leaseLiveness`): the caller's explicit
   * decision (`--take-over`, or the holder resuming its own operation). A lease whose
   * process still runs is never taken over.
   */
  readonly takeOver?: boolean;
  /** Take over such a lease only when it is `holder`'s own (a re-run after its CLI died). */
  readonly takeOverOwn?: boolean;
}

/**
 * Takes the lease for this process's operation. Refused (`LockHeldError`, exit 4) while
 * another process holds it, also one of the same identity; a lease whose process is gone
 * only with `takeOver`; an expired one always (recorded). This process taking it again
 * (the drill's failovers) renews it.
 */
export async function acquireLease(options: AcquireOptions): Promise<LeaseRecord> {
  const now = options.now ?? new Date();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const session = options.session ?? THIS_SESSION;
  const blocks = (lease: LeaseRecord | undefined): boolean =>
    lease !== undefined &&
    lease.session !== session &&
    lease.expiresAt >= nowSeconds &&
    (leaseLiveness(lease, now).running ||
      !(options.takeOver || (options.takeOverOwn && lease.holder === options.holder)));
  const existing = await readLease(options.ddb, options.table, options.id);
  if (existing && blocks(existing)) throw heldError(existing, now);
  if (options.otherReplica) {
    const there = await readLease(options.otherReplica, options.table, options.id).catch(() => undefined);
    if (there && blocks(there) && there.operationId !== existing?.operationId) throw heldError(there, now);
  }
  const replaced = existing && existing.session !== session ? existing : undefined;
  const takenOverFrom = replaced ? replaced.holder : undefined;
  const record: LeaseRecord = {
    id: options.id,
    holder: options.holder,
    operation: options.operation,
    operationId: options.operationId,
    startedAt: now.toISOString(),
    expiresAt: nowSeconds + options.ttlSeconds,
    session,
    heartbeatAt: nowSeconds,
    ...(options.to ? { to: options.to } : {}),
    ...(options.mode ? { mode: options.mode } : {}),
    ...(takenOverFrom ? { takenOverFrom } : {}),
  };
  // The item this write may replace, and nothing else: none, ours, or the one just read
  // (expired, or taken over) — two processes racing for it cannot both win.
  const condition: { expression: string; values?: Record<string, { S: string }> } = replaced
    ? {
        expression: 'operation_id = :seen AND started_at = :seenAt',
        values: { ':seen': { S: replaced.operationId }, ':seenAt': { S: replaced.startedAt } },
      }
    : existing
      ? { expression: '#session = :session', values: { ':session': { S: session } } }
      : { expression: `attribute_not_exists(${Naming.leaseTableKey})` };
  try {
    await options.ddb.putItem({
      TableName: options.table,
      Item: {
        [Naming.leaseTableKey]: { S: record.id },
        holder: { S: record.holder },
        operation: { S: record.operation },
        operation_id: { S: record.operationId },
        started_at: { S: record.startedAt },
        [Naming.ttlAttribute]: { N: String(record.expiresAt) },
        session: { S: session },
        heartbeat_at: { N: String(nowSeconds) },
        ...(record.to ? { target_region: { S: record.to } } : {}),
        ...(record.mode ? { mode: { S: record.mode } } : {}),
        ...(takenOverFrom ? { taken_over_from: { S: takenOverFrom } } : {}),
      },
      ConditionExpression: condition.expression,
      ...(existing && !replaced ? { ExpressionAttributeNames: { '#session': 'session' } } : {}),
      ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
    });
  } catch (error) {
    if (errorName(error) !== CONDITION_FAILED) throw error;
    const winner = await readLease(options.ddb, options.table, options.id);
    throw heldError(
      winner ?? { ...record, holder: 'another operator', operationId: '?', startedAt: record.startedAt },
      now,
    );
  }
  return record;
}

/**
 * Throws `LockHeldError` (exit 4) when another process that still runs holds the lease:
 * what a check that failed meanwhile is explained by (its operation is changing the platform).
 */
export async function refuseIfHeld(
  ddb: DynamoDbApi,
  table: string,
  id: string,
  now = new Date(),
): Promise<void> {
  const lease = await readLease(ddb, table, id).catch(() => undefined);
  if (
    lease &&
    lease.session !== THIS_SESSION &&
    lease.expiresAt >= Math.floor(now.getTime() / 1000) &&
    leaseLiveness(lease, now).running
  ) {
    throw heldError(lease, now);
  }
}

/**
 * Renews this process's heartbeat on the lease every `LEASE_HEARTBEAT_SECONDS` while an
 * operation runs; the returned function stops it. A failed renewal is not an error (the
 * lease may have been released by the state machine, or the region may be slow).
 */
export function keepLeaseAlive(options: {
  readonly ddb: DynamoDbApi;
  readonly table: string;
  readonly id: string;
  readonly session?: string;
  readonly everyMs?: number;
}): () => void {
  const session = options.session ?? THIS_SESSION;
  const beat = () =>
    options.ddb
      .updateItem({
        TableName: options.table,
        Key: { [Naming.leaseTableKey]: { S: options.id } },
        UpdateExpression: 'SET heartbeat_at = :now',
        ConditionExpression: '#session = :session',
        ExpressionAttributeNames: { '#session': 'session' },
        ExpressionAttributeValues: {
          ':now': { N: String(Math.floor(Date.now() / 1000)) },
          ':session': { S: session },
        },
      })
      .catch(() => undefined);
  const timer = setInterval(() => void beat(), options.everyMs ?? LEASE_HEARTBEAT_SECONDS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Deletes the lease if `holder` still holds it; true when it did. */
export async function releaseLease(
  ddb: DynamoDbApi,
  table: string,
  id: string,
  holder: string,
): Promise<boolean> {
  try {
    await ddb.deleteItem({
      TableName: table,
      Key: { [Naming.leaseTableKey]: { S: id } },
      ConditionExpression: 'holder = :holder',
      ExpressionAttributeValues: { ':holder': { S: holder } },
    });
    return true;
  } catch (error) {
    if (errorName(error) === CONDITION_FAILED) return false;
    throw error;
  }
}
