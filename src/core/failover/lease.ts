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
 */
import type { DynamoDbApi } from '../../aws/clients.js';
import { errorName } from '../../aws/errors.js';
import { Naming } from '../../infra/naming.js';
import { LockHeldError } from '../errors.js';
import type { OperationKind } from './steps.js';

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
  };
}

function heldError(lease: LeaseRecord): LockHeldError {
  const until = new Date(lease.expiresAt * 1000).toISOString();
  return new LockHeldError(
    `${lease.holder} holds the DR lease (${lease.operation} ${lease.operationId}, since ${lease.startedAt}, expires ${until}); wait for it to finish, or ask them`,
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
}

export async function acquireLease(options: AcquireOptions): Promise<LeaseRecord> {
  const now = options.now ?? new Date();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const existing = await readLease(options.ddb, options.table, options.id);
  if (existing && existing.holder !== options.holder && existing.expiresAt >= nowSeconds)
    throw heldError(existing);
  if (options.otherReplica) {
    const there = await readLease(options.otherReplica, options.table, options.id).catch(() => undefined);
    if (there && there.holder !== options.holder && there.expiresAt >= nowSeconds) throw heldError(there);
  }
  const takenOverFrom =
    existing && existing.holder !== options.holder && existing.expiresAt < nowSeconds
      ? existing.holder
      : undefined;
  const record: LeaseRecord = {
    id: options.id,
    holder: options.holder,
    operation: options.operation,
    operationId: options.operationId,
    startedAt: now.toISOString(),
    expiresAt: nowSeconds + options.ttlSeconds,
    ...(takenOverFrom ? { takenOverFrom } : {}),
  };
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
        ...(takenOverFrom ? { taken_over_from: { S: takenOverFrom } } : {}),
      },
      ConditionExpression: `attribute_not_exists(${Naming.leaseTableKey}) OR holder = :holder OR #expires < :now`,
      ExpressionAttributeNames: { '#expires': Naming.ttlAttribute },
      ExpressionAttributeValues: { ':holder': { S: options.holder }, ':now': { N: String(nowSeconds) } },
    });
  } catch (error) {
    if (errorName(error) !== CONDITION_FAILED) throw error;
    const winner = await readLease(options.ddb, options.table, options.id);
    throw heldError(
      winner ?? { ...record, holder: 'another operator', operationId: '?', startedAt: record.startedAt },
    );
  }
  return record;
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
