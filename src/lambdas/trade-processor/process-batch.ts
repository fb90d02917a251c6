/**
 * One SQS batch → one transaction: validate every message, check both fences, insert
 * the valid orders with one multi-row statement, commit.
 *
 * - A malformed message is reported in `batchItemFailures` (SQS retries it, then moves
 *   it to the DLQ after maxReceiveCount) and never holds back the good ones.
 * - Fenced, or the database unreachable or failing mid-write: the whole batch fails
 *   (typed error, the handler rethrows) and the transaction is rolled back, so nothing
 *   is half-written and every message stays queued.
 */
import type pg from 'pg';
import type { Logger } from '../shared/log.js';
import type { SsmFence } from '../shared/params.js';
import type { SqsRecord } from '../shared/events.js';
import { checkDbFence, checkSsmFence, FencedError, isReadOnlyError } from './fencing.js';
import { parseOrderMessage } from './order.js';
import { insertOrders, type OrderToWrite, type WriteStamp } from './orders-store.js';

export interface ProcessBatchDeps {
  /** The region this function runs in. */
  readonly region: string;
  /** SSM fence, already cached by the caller. */
  readonly ssmFence: () => Promise<SsmFence>;
  readonly db: { connect(): Promise<pg.PoolClient> };
  readonly log: Logger;
  /** How the orders are written. @default - insertOrders (one multi-row statement) */
  readonly write?: (
    client: pg.PoolClient,
    orders: readonly OrderToWrite[],
    stamp: WriteStamp,
  ) => Promise<string[]>;
}

export interface BatchResult {
  readonly batchItemFailures: Array<{ itemIdentifier: string }>;
  /** Orders inserted by this batch. */
  readonly inserted: number;
  /** Valid orders already stored or repeated within the batch. */
  readonly duplicates: number;
  readonly malformed: number;
}

/** The database could not be reached or failed the transaction; nothing was written. */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** The fencing state could not be read, so this region cannot prove it may write. */
export class FenceUnavailableError extends Error {
  override readonly name = 'FenceUnavailableError';
}

export async function processBatch(
  records: readonly SqsRecord[],
  deps: ProcessBatchDeps,
): Promise<BatchResult> {
  const failures: Array<{ itemIdentifier: string }> = [];
  const valid: OrderToWrite[] = [];
  const seen = new Set<string>();
  let repeatedInBatch = 0;
  for (const record of records) {
    const parsed = parseOrderMessage(record.body);
    if (!parsed.ok) {
      failures.push({ itemIdentifier: record.messageId });
      deps.log('warn', 'malformed order message', {
        messageId: record.messageId,
        receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1),
        reason: parsed.reason,
      });
      continue;
    }
    if (seen.has(parsed.order.clientOrderId)) {
      repeatedInBatch++;
      continue;
    }
    seen.add(parsed.order.clientOrderId);
    valid.push({ order: parsed.order, messageId: record.messageId });
  }
  if (valid.length === 0) {
    return {
      batchItemFailures: failures,
      inserted: 0,
      duplicates: repeatedInBatch,
      malformed: failures.length,
    };
  }

  let fence: SsmFence;
  try {
    fence = await deps.ssmFence();
  } catch (error) {
    throw new FenceUnavailableError(`cannot read the SSM fence: ${(error as Error).message}`, {
      cause: error,
    });
  }
  checkSsmFence(fence, deps.region);

  let client: pg.PoolClient;
  try {
    client = await deps.db.connect();
  } catch (error) {
    throw new DatabaseUnavailableError(`cannot connect to the database: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const row = await checkDbFence(client, deps.region, fence);
    const inserted = await (deps.write ?? insertOrders)(client, valid, {
      region: deps.region,
      epoch: row.epoch,
    });
    await client.query('COMMIT');
    const result = {
      batchItemFailures: failures,
      inserted: inserted.length,
      duplicates: repeatedInBatch + valid.length - inserted.length,
      malformed: failures.length,
    };
    deps.log('info', 'batch written', {
      messages: records.length,
      inserted: result.inserted,
      duplicates: result.duplicates,
      malformed: result.malformed,
      epoch: row.epoch,
    });
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      broken = rollbackError; // the connection is gone: do not return it to the pool
    });
    if (error instanceof FencedError) throw error;
    if (isReadOnlyError(error)) {
      throw new FencedError(
        `the database in ${deps.region} is read-only (not the writer): not writing`,
        'read-only',
        {
          cause: error,
        },
      );
    }
    broken ??= error as Error;
    throw new DatabaseUnavailableError(`the batch was rolled back: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    client.release(broken);
  }
}
