/**
 * Trade-processor write throughput: orders/second for batches of 10 and 100, the
 * multi-row insert (what the handler does) against one INSERT per message, on the same
 * PostgreSQL in one run. Starts its own PostgreSQL (the test fixture). Everything goes
 * through processBatch: same validation and fence checks.
 *
 * - multi-row: one transaction per batch, fence read + one INSERT for the batch.
 * - INSERT/message (the budget's baseline): a processor writing one message at a time;
 *   each message is its own fenced transaction with its own INSERT (fencing must hold in
 *   the transaction that writes, so per-message writing pays the fence each time).
 * - INSERT/message, one txn: a hybrid, the batch's transaction and fence with one INSERT
 *   per message. Shown for transparency: on loopback it is round-trip bound and cannot
 *   pass (3 + n) / 4 × at batch n.
 *
 *   npm run bench:trade-processor            # ORDERS=20000 to change the volume
 *
 * Budget (DESIGN.md): multi-row ≥ 5× one INSERT per message at batch 10.
 */
import pg from 'pg';
import { seedFence } from '../src/contract/database.js';
import { applyMigrations, loadMigrations } from '../src/core/db-migrations.js';
import { Naming } from '../src/contract/naming.js';
import { DbPool, urlDbSettings } from '../src/lambdas/shared/db.js';
import type { SqsRecord } from '../src/lambdas/shared/events.js';
import type { Logger } from '../src/lambdas/shared/log.js';
import { readSsmFence, staticParameterStore } from '../src/lambdas/shared/params.js';
import { insertOrdersOneByOne } from '../src/lambdas/trade-processor/orders-store.js';
import { processBatch, type ProcessBatchDeps } from '../src/lambdas/trade-processor/process-batch.js';
import { startPostgres } from '../src/sandbox/postgres.js';

const ORDERS = Number(process.env.ORDERS ?? 20_000);
const BUDGET = 5;

const naming = new Naming({
  app: 'dr',
  environment: 'bench',
  regions: { primary: 'us-east-1', secondary: 'us-east-2' },
});
const ssm = staticParameterStore({ [naming.ssmActiveRegion()]: 'us-east-1', [naming.ssmEpoch()]: '1' });
const quiet: Logger = () => {};

let seq = 0;
function batches(size: number, count: number): SqsRecord[][] {
  return Array.from({ length: count }, () =>
    Array.from({ length: size }, () => {
      const n = seq++;
      return {
        messageId: `m-${n}`,
        body: JSON.stringify({
          clientOrderId: `B-${n}`,
          account: `ACC-${n % 97}`,
          symbol: 'AAPL',
          side: n % 2 ? 'buy' : 'sell',
          quantity: 1 + (n % 500),
          limitPrice: `${100 + (n % 50)}.${String(n % 100).padStart(2, '0')}`,
          timestamp: new Date(1_770_000_000_000 + n).toISOString(),
        }),
      };
    }),
  );
}

type Variant = 'multi-row' | 'txn-per-message' | 'insert-per-message';

async function run(deps: ProcessBatchDeps, variant: Variant, work: SqsRecord[][]): Promise<number> {
  const perMessage: Partial<ProcessBatchDeps> =
    variant === 'insert-per-message' ? { write: insertOrdersOneByOne } : {};
  const started = performance.now();
  let orders = 0;
  for (const batch of work) {
    if (variant === 'txn-per-message') {
      for (const record of batch) orders += (await processBatch([record], deps)).inserted;
    } else {
      orders += (await processBatch(batch, { ...deps, ...perMessage })).inserted;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  if (orders !== work.length * (work[0]?.length ?? 0)) throw new Error(`${variant}: wrote ${orders} orders`);
  return orders / seconds;
}

const server = await startPostgres({ database: 'dr_bench' });
const pool = new DbPool(urlDbSettings(server.url), { max: 1 });
const admin = new pg.Client({ connectionString: server.url });
try {
  await admin.connect();
  await applyMigrations(admin, loadMigrations());
  await seedFence(admin, { activeRegion: 'us-east-1', epoch: 1 });
  const deps: ProcessBatchDeps = {
    region: 'us-east-1',
    ssmFence: () => readSsmFence(ssm, naming),
    db: pool,
    log: quiet,
  };
  const variants: Variant[] = ['multi-row', 'txn-per-message', 'insert-per-message'];
  // Warm-up: connections, plans, JIT.
  for (const v of variants) await run(deps, v, batches(10, 50));

  const rows: Array<{ size: number; rates: Record<Variant, number> }> = [];
  for (const size of [10, 100]) {
    const rates = {} as Record<Variant, number>;
    for (const v of variants) {
      await admin.query('TRUNCATE orders');
      rates[v] = await run(deps, v, batches(size, Math.ceil(ORDERS / size)));
    }
    rows.push({ size, rates });
  }

  const fmt = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);
  console.log(
    `trade-processor write throughput (orders/s), ${ORDERS} orders per cell, PostgreSQL on loopback\n`,
  );
  console.log('batch  multi-row  INSERT/message  ratio   INSERT/message, one txn  ratio');
  for (const { size, rates } of rows) {
    const r1 = rates['multi-row'] / rates['txn-per-message'];
    const r2 = rates['multi-row'] / rates['insert-per-message'];
    console.log(
      `${String(size).padStart(5)} ${fmt(rates['multi-row'])} ${fmt(rates['txn-per-message'])}     ${r1.toFixed(1).padStart(5)}×            ${fmt(rates['insert-per-message'])}  ${r2.toFixed(1).padStart(5)}×`,
    );
  }
  const at10 = rows[0] ? rows[0].rates['multi-row'] / rows[0].rates['txn-per-message'] : 0;
  console.log(
    `\nbudget: multi-row ≥ ${BUDGET}× one INSERT per message at batch 10: ${at10.toFixed(1)}× ${at10 >= BUDGET ? 'OK' : 'BELOW BUDGET'}`,
  );
  if (at10 < BUDGET) process.exitCode = 1;
} finally {
  await admin.end().catch(() => {});
  await pool.end();
  await server.stop();
}
