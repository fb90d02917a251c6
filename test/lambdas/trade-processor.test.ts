/**
 * The trade processor against a real PostgreSQL server (started by the test harness).
 * SSM is a plain object here: the AWS emulator is not needed to decide what a fence says.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { advanceFence } from '../../src/contract/database.js';
import { Naming } from '../../src/contract/naming.js';
import { DbPool, urlDbSettings } from '../../src/lambdas/shared/db.js';
import type { SqsRecord } from '../../src/lambdas/shared/events.js';
import { memoryLogger } from '../../src/lambdas/shared/log.js';
import { readSsmFence, staticParameterStore } from '../../src/lambdas/shared/params.js';
import { cachedSsmFence, FencedError } from '../../src/lambdas/trade-processor/fencing.js';
import { insertOrders } from '../../src/lambdas/trade-processor/orders-store.js';
import { createHandler } from '../../src/lambdas/trade-processor/handler.js';
import {
  DatabaseUnavailableError,
  processBatch,
  type ProcessBatchDeps,
} from '../../src/lambdas/trade-processor/process-batch.js';
import { migratedDatabase } from '../fixtures/postgres-db.js';
import { useFencedDatabase } from './helpers.js';

const naming = new Naming({
  app: 'dr',
  environment: 'test',
  regions: { primary: 'us-east-1', secondary: 'us-east-2' },
});
const ssm = staticParameterStore({});

const db = useFencedDatabase('dr_trade_processor');

function order(id: string, overrides: Record<string, unknown> = {}) {
  return {
    clientOrderId: id,
    account: 'ACC-1',
    symbol: 'AAPL',
    side: 'buy',
    quantity: 100,
    limitPrice: '187.12345678',
    timestamp: '2026-03-02T14:30:00.125Z',
    ...overrides,
  };
}

function record(messageId: string, body: unknown): SqsRecord {
  return { messageId, body: typeof body === 'string' ? body : JSON.stringify(body) };
}

function deps(
  overrides: Partial<ProcessBatchDeps> = {},
): ProcessBatchDeps & { log: ReturnType<typeof memoryLogger> } {
  return {
    region: 'us-east-1',
    ssmFence: () => readSsmFence(ssm, naming),
    db: db.pool,
    log: memoryLogger(),
    ...overrides,
  } as ProcessBatchDeps & { log: ReturnType<typeof memoryLogger> };
}

async function rows(): Promise<Array<Record<string, unknown>>> {
  const result = await db.admin.query(
    `SELECT client_order_id, account, symbol, side, quantity::text, limit_price::text,
            ordered_at, written_region, written_epoch::int, sqs_message_id
     FROM orders ORDER BY client_order_id`,
  );
  return result.rows;
}

beforeEach(async () => {
  // Given us-east-1 active at epoch 1 in SSM and in the database, and no orders yet
  ssm.values[naming.ssmActiveRegion()] = 'us-east-1';
  ssm.values[naming.ssmEpoch()] = '1';
  await db.admin.query('TRUNCATE orders');
  await db.admin.query(`UPDATE dr_fence SET active_region = 'us-east-1', epoch = 1`);
  await db.admin.query('DROP TRIGGER IF EXISTS kill_connection ON orders');
});

describe('trade processor: writing a batch', () => {
  test('a good batch is written in full, with the limit price kept exact', async () => {
    // Given three valid orders
    const batch = [
      record('m1', order('O-1')),
      record('m2', order('O-2', { side: 'sell' })),
      record('m3', order('O-3')),
    ];

    // When the batch is processed
    const result = await processBatch(batch, deps());

    // Then every order is one row, stamped with the writing region and epoch
    assert.deepEqual(result.batchItemFailures, []);
    assert.equal(result.inserted, 3);
    const stored = await rows();
    assert.deepEqual(
      stored.map((r) => r.client_order_id),
      ['O-1', 'O-2', 'O-3'],
    );
    assert.equal(stored[1]?.side, 'sell');
    assert.equal(stored[0]?.limit_price, '187.12345678');
    assert.equal(stored[0]?.quantity, '100');
    assert.equal((stored[0]?.ordered_at as Date).toISOString(), '2026-03-02T14:30:00.125Z');
    assert.equal(stored[0]?.written_region, 'us-east-1');
    assert.equal(stored[0]?.written_epoch, 1);
    assert.equal(stored[0]?.sqs_message_id, 'm1');
  });

  test('duplicates within a batch and redelivered messages yield one row per client order id', async () => {
    // Given a batch that carries O-1 twice
    const first = [record('m1', order('O-1')), record('m2', order('O-1')), record('m3', order('O-2'))];

    // When it is processed, and then O-1 and O-2 are delivered again (SQS at-least-once)
    const r1 = await processBatch(first, deps());
    const r2 = await processBatch([record('m4', order('O-1')), record('m5', order('O-2'))], deps());

    // Then there is one row per order, and the redelivery succeeded without writing
    assert.equal(r1.inserted, 2);
    assert.equal(r1.duplicates, 1);
    assert.deepEqual(r2.batchItemFailures, []);
    assert.equal(r2.inserted, 0);
    assert.equal(r2.duplicates, 2);
    assert.deepEqual(
      (await rows()).map((r) => [r.client_order_id, r.sqs_message_id]),
      [
        ['O-1', 'm1'],
        ['O-2', 'm3'],
      ],
    );
  });

  test('malformed messages are reported as item failures without holding back the good ones or logging their body', async () => {
    // Given good orders mixed with a non-JSON body holding a secret and an invalid order
    const log = memoryLogger();
    const batch = [
      record('good-1', order('O-1')),
      record('not-json', '{"password": "hunter2", '),
      record('bad-order', order('O-2', { quantity: -5, limitPrice: 12.5, apiKey: 'sk-live-secret' })),
      record('good-2', order('O-3')),
    ];

    // When the batch is processed
    const result = await processBatch(batch, deps({ log }));

    // Then only the malformed ones fail, the good ones are written
    assert.deepEqual(result.batchItemFailures, [
      { itemIdentifier: 'not-json' },
      { itemIdentifier: 'bad-order' },
    ]);
    assert.deepEqual(
      (await rows()).map((r) => r.client_order_id),
      ['O-1', 'O-3'],
    );
    // And each reason is logged as structured fields, never the body
    const warnings = log.entries.filter((e) => e.message === 'malformed order message');
    assert.deepEqual(
      warnings.map((w) => w.fields.messageId),
      ['not-json', 'bad-order'],
    );
    assert.match(String(warnings[1]?.fields.reason), /quantity/);
    assert.match(String(warnings[1]?.fields.reason), /limitPrice/);
    const logged = JSON.stringify(log.entries);
    assert.doesNotMatch(logged, /hunter2|sk-live-secret/);
  });
});

describe('trade processor: failures fail the whole batch', () => {
  test('the database down: the batch fails with nothing written', async () => {
    // Given a pool pointing at a port where no database listens
    const down = new DbPool(urlDbSettings('postgres://postgres@127.0.0.1:1/none'), {
      connectionTimeoutMillis: 2_000,
    });

    // When a good batch is processed
    const attempt = processBatch(
      [record('m1', order('O-1')), record('m2', order('O-2'))],
      deps({ db: down }),
    );

    // Then the whole batch fails with a typed error, and no row exists
    await assert.rejects(attempt, DatabaseUnavailableError);
    assert.equal((await rows()).length, 0);
    await down.end();
  });

  test('the connection dying in the middle of the insert: rolled back, nothing half-written, the pool recovers', async () => {
    // Given a trigger that kills the database session once the third row has been inserted
    await db.admin.query(`CREATE OR REPLACE FUNCTION kill_connection() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$`);
    await db.admin.query(`CREATE TRIGGER kill_connection AFTER INSERT ON orders FOR EACH ROW
      WHEN (NEW.client_order_id = 'O-3') EXECUTE FUNCTION kill_connection()`);
    const batch = ['O-1', 'O-2', 'O-3', 'O-4'].map((id, i) => record(`m${i}`, order(id)));

    // When the batch is processed
    await assert.rejects(processBatch(batch, deps()), DatabaseUnavailableError);

    // Then not one of the four rows exists
    assert.equal((await rows()).length, 0);
    // And once the database is fine again, the redelivered batch is written in full
    await db.admin.query('DROP TRIGGER kill_connection ON orders');
    const retry = await processBatch(batch, deps());
    assert.equal(retry.inserted, 4);
  });

  test('SSM says another region is active: nothing is written and the batch fails', async () => {
    // Given SSM naming us-east-2 as the active region
    ssm.values[naming.ssmActiveRegion()] = 'us-east-2';
    ssm.values[naming.ssmEpoch()] = '2';

    // When us-east-1 processes a batch
    const attempt = processBatch([record('m1', order('O-1'))], deps());

    // Then it is refused by the SSM fence and nothing is written
    await assert.rejects(attempt, (e: unknown) => e instanceof FencedError && e.signal === 'ssm');
    assert.equal((await rows()).length, 0);
  });

  test('returning region: its SSM is stale but the database fence names the other region, so nothing is written', async () => {
    // Given us-east-1's own SSM still says "us-east-1, epoch 1" (it was dark during the
    // unplanned failover) while the failover moved the database fence to us-east-2, epoch 2
    assert.equal(await advanceFence(db.admin, { activeRegion: 'us-east-2', epoch: 2 }), true);

    // When us-east-1 processes a batch
    const attempt = processBatch([record('m1', order('O-1')), record('m2', order('O-2'))], deps());

    // Then the database fence refuses it and nothing is written
    await assert.rejects(attempt, (e: unknown) => e instanceof FencedError && e.signal === 'db-fence');
    assert.equal((await rows()).length, 0);
  });

  test('the database fence holding a higher epoch than SSM here refuses the write', async () => {
    // Given the fence row still names us-east-1 but at an epoch SSM here has not seen
    await advanceFence(db.admin, { activeRegion: 'us-east-1', epoch: 3 });

    // When a batch is processed
    const attempt = processBatch([record('m1', order('O-1'))], deps());

    // Then it is refused as stale
    await assert.rejects(attempt, (e: unknown) => e instanceof FencedError && /epoch 3/.test(e.message));
    assert.equal((await rows()).length, 0);
  });

  test('a fence change waits for the batch in flight, and every later batch sees it', async () => {
    // Given a batch paused inside its transaction, after the fence check, before its insert
    let paused!: () => void;
    const reachedInsert = new Promise<void>((r) => (paused = r));
    let resume!: () => void;
    const gate = new Promise<void>((r) => (resume = r));
    const inFlight = processBatch(
      [record('m1', order('O-1'))],
      deps({
        write: async (client, orders, stamp) => {
          paused();
          await gate;
          return insertOrders(client, orders, stamp);
        },
      }),
    );
    await reachedInsert;

    // When a planned failover moves the fence to us-east-2 meanwhile
    let moved = false;
    const fenceMove = advanceFence(db.admin, { activeRegion: 'us-east-2', epoch: 2 }).then(
      () => (moved = true),
    );
    await new Promise((r) => setTimeout(r, 200));

    // Then the fence change waits for the in-flight batch, which commits in full
    assert.equal(moved, false);
    resume();
    assert.equal((await inFlight).inserted, 1);
    await fenceMove;
    // And the next batch (SSM here not yet updated) is refused by the database fence
    await assert.rejects(processBatch([record('m2', order('O-2'))], deps()), FencedError);
    assert.deepEqual(
      (await rows()).map((r) => r.client_order_id),
      ['O-1'],
    );
  });

  test('a read-only database (a demoted Aurora cluster) is treated as fenced', async () => {
    // Given a database that only allows read-only transactions, as a demoted cluster does
    const roUrl = await migratedDatabase('dr_trade_processor_ro', { activeRegion: 'us-east-1', epoch: 1 });
    const roAdmin = new pg.Client({ connectionString: roUrl });
    await roAdmin.connect();
    await roAdmin.query('ALTER DATABASE dr_trade_processor_ro SET default_transaction_read_only = on');
    const roPool = new DbPool(urlDbSettings(roUrl));

    // When a batch is processed against it
    const attempt = processBatch([record('m1', order('O-1'))], deps({ db: roPool }));

    // Then it is refused as fenced (read-only), and nothing is written
    await assert.rejects(attempt, (e: unknown) => e instanceof FencedError && e.signal === 'read-only');
    assert.equal((await roAdmin.query('SELECT count(*)::int AS n FROM orders')).rows[0].n, 0);
    await roPool.end();
    await roAdmin.end();
  });
});

describe('trade processor: handler and fence cache', () => {
  test('the handler returns item failures for malformed messages and throws when fenced', async () => {
    // Given the handler wired to the test database
    const handler = createHandler(deps());

    // When a batch with one malformed message arrives, then one while fenced
    const ok = await handler({ Records: [record('m1', order('O-1')), record('m2', 'nope')] });
    ssm.values[naming.ssmActiveRegion()] = 'us-east-2';
    const fenced = handler({ Records: [record('m3', order('O-3'))] });

    // Then the first reports just the malformed one, the second fails as a whole
    assert.deepEqual(ok, { batchItemFailures: [{ itemIdentifier: 'm2' }] });
    await assert.rejects(fenced, FencedError);
  });

  test('the SSM fence is cached for at most 5 s, even when asked for longer', async () => {
    // Given a cached fence reader with a 60 s TTL requested and a controllable clock
    let now = 0;
    let reads = 0;
    const fence = cachedSsmFence(
      async () => {
        reads++;
        return readSsmFence(ssm, naming);
      },
      60_000,
      () => now,
    );

    // When it is read at 0 s, 4.9 s and 5 s
    await fence();
    now = 4_900;
    await fence();
    now = 5_000;
    await fence();

    // Then SSM was asked twice: the cache held for < 5 s only
    assert.equal(reads, 2);
  });
});
