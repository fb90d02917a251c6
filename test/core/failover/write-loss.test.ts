/**
 * The lost-write report (src/core/failover/write-loss.ts) against the deployed sandbox and
 * a real PostgreSQL: each region's cluster has its own database through the emulator's
 * RDS Data API, the old primary's holding the last few orders it wrote that never reached
 * the new writer; the unplanned failover is the real state machine (it advances the new
 * writer's fence row); the lag comes from CloudWatch. What the report lists is checked
 * against the two databases' own rows.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import { applyDbCredentials } from '../../../src/core/db-credentials.js';
import { operate } from '../../../src/core/failover/operate.js';
import { promoteStartedAt, readWriteLoss } from '../../../src/core/failover/write-loss.js';
import { configureEmulator, mapDataApi, restoreRegion, setOutage } from '../../../src/sandbox/emulator.js';
import { startPostgres, type RunningPostgres } from '../../../src/sandbox/postgres.js';
import { migratedDatabase } from '../../fixtures/postgres-db.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { config, naming, primary, secondary, unplannedFailover } from './helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint, 3000);

interface Order {
  readonly id: string;
  readonly region: string;
  /** Epoch ms of `received_at`. */
  readonly at: number;
}

const insert = (db: pg.Pool, orders: readonly Order[]) =>
  Promise.all(
    orders.map((o, i) =>
      db.query(
        `INSERT INTO orders (client_order_id, account, symbol, side, quantity, limit_price, ordered_at,
                             written_region, written_epoch, sqs_message_id, received_at)
         VALUES ($1, 'ACME', 'XYZ', $2, $3, '101.25', $4, $5, 1, $1, $4)`,
        [o.id, i % 2 === 0 ? 'buy' : 'sell', 1 + i, new Date(o.at), o.region],
      ),
    ),
  );

describe('readWriteLoss: what the old primary holds that the new writer lacks (emulator, PostgreSQL)', () => {
  let server: RunningPostgres;
  /** The old primary's (us-east-1) and the new writer's (us-east-2) databases. */
  let oldDb: pg.Pool;
  let newDb: pg.Pool;
  let urls: { old: string; new: string };

  before(async () => {
    server = await startPostgres({ database: 'postgres_admin' });
    urls = {
      old: await migratedDatabase('orders_use1', { activeRegion: primary, epoch: 1 }, server.url),
      new: await migratedDatabase('orders_use2', { activeRegion: primary, epoch: 1 }, server.url),
    };
    oldDb = new pg.Pool({ connectionString: urls.old });
    newDb = new pg.Pool({ connectionString: urls.new });
    for (const db of [oldDb, newDb]) db.on('error', () => {});
  });
  after(async () => {
    await Promise.all([oldDb?.end(), newDb?.end()]);
    await server?.stop();
  });

  /** Orders written by us-east-1: replicated (both databases) up to `replicated`, then lost. */
  let replicated: Order[];
  let lost: Order[];
  beforeEach(async () => {
    // Given the deployed platform (restored before each test), each cluster's Data API on its own database
    for (const db of [oldDb, newDb]) {
      await db.query('TRUNCATE orders');
      await db.query(`UPDATE dr_fence SET active_region = $1, epoch = 1`, [primary]);
    }
    const admin = await oldDb.connect();
    try {
      // The Data API runs as the secret's user: the roles' passwords from the deployed secrets.
      await applyDbCredentials({ clients, naming, secretRegion: primary, sql: admin });
    } finally {
      admin.release();
    }
    for (const [region, url] of [
      [primary, urls.old],
      [secondary, urls.new],
    ] as const) {
      const cluster = await clients
        .rds(region)
        .describeDBClusters({ DBClusterIdentifier: naming.dbCluster(region) });
      await mapDataApi(endpoint, cluster.DBClusters?.[0]?.DBClusterArn ?? '', url);
    }
    // And us-east-1's orders: ten replicated, then three its replica never got
    const t0 = Date.now() - 10_000;
    replicated = Array.from({ length: 10 }, (_, i) => ({
      id: `use1-${String(i + 1).padStart(3, '0')}`,
      region: primary,
      at: t0 + i * 100,
    }));
    lost = Array.from({ length: 3 }, (_, i) => ({
      id: `use1-${String(i + 11).padStart(3, '0')}`,
      region: primary,
      at: t0 + 1000 + i * 100,
    }));
    await insert(oldDb, [...replicated, ...lost]);
    await insert(newDb, replicated);
  });

  /** us-east-1 dark, the unplanned failover to us-east-2 (the state machine); its promote step's start. */
  async function failOver(): Promise<Date> {
    const result = await unplannedFailover(clients, endpoint);
    const execution = result.executions.at(-1);
    const cut = execution && (await promoteStartedAt(clients, execution.region, execution.arn));
    assert.ok(cut, 'the promote step ran');
    return cut;
  }

  /**
   * The replication lag us-east-2's cluster reported: `before` at `quietSince` (no datapoint
   * of the emulator's own publisher is newer), and a higher one 10 s after the cut.
   */
  async function lagAround(cut: Date, quietSince: number, before: number, after: number): Promise<void> {
    const datapoint = (value: number, at: number) => ({
      MetricName: 'AuroraGlobalDBReplicationLag',
      Value: value,
      Unit: 'Milliseconds' as const,
      Timestamp: new Date(at),
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: naming.dbCluster(secondary) }],
    });
    assert.ok(quietSince <= cut.getTime(), 'the publisher went quiet before the cut');
    await clients.cloudwatch(secondary).putMetricData({
      Namespace: 'AWS/RDS',
      MetricData: [datapoint(before, quietSince), datapoint(after, cut.getTime() + 10_000)],
    });
  }

  it('lists exactly the orders the new writer lacks, the last replicated point and the lag at the cut', async () => {
    // Given the emulator's own lag publisher off (the deployed sandbox publishes 20 ms, and
    // once on the restore before this test: that datapoint may share the cut's second), the
    // unplanned failover, us-east-2's lag 430 ms after the publisher's last datapoint and
    // before the cut (9 s after it), and us-east-1 answering again
    await configureEmulator(endpoint, { replicationLagMs: null });
    const quietSince = Date.now();
    const cut = await failOver();
    await lagAround(cut, quietSince, 430, 9000);
    await restoreRegion(endpoint, primary);

    // When the loss is read
    const loss = await readWriteLoss({ clients, config, from: primary, to: secondary, cutAt: cut });

    // Then it names the three orders only us-east-1 holds, oldest first, with what re-driving them needs
    assert.equal(loss.lost.known, true, loss.lost.reason);
    assert.equal(loss.lost.truncated, false);
    assert.deepEqual(
      loss.lost.orders.map((o) => [o.clientOrderId, o.writtenAt]),
      lost.map((o) => [o.id, new Date(o.at).toISOString()]),
    );
    assert.deepEqual(
      loss.lost.orders.map(({ account, symbol, side, quantity, limitPrice }) => ({
        account,
        symbol,
        side,
        quantity,
        limitPrice,
      })),
      [10, 11, 12].map((i) => ({
        account: 'ACME',
        symbol: 'XYZ',
        side: i % 2 === 0 ? 'buy' : 'sell',
        quantity: 1 + i,
        limitPrice: '101.25000000',
      })),
    );
    // And they are what the old primary's own rows say it holds beyond the new writer's
    const { rows } = await oldDb.query<{ id: string }>(
      `SELECT client_order_id AS id FROM orders WHERE written_region = $1 ORDER BY received_at`,
      [primary],
    );
    const held = new Set(
      (await newDb.query<{ id: string }>('SELECT client_order_id AS id FROM orders')).rows.map((r) => r.id),
    );
    assert.deepEqual(
      loss.lost.orders.map((o) => o.clientOrderId),
      rows.map((r) => r.id).filter((id) => !held.has(id)),
    );
    // And the last replicated point is the newest order us-east-2 holds from us-east-1
    const last = replicated.at(-1) as Order;
    assert.deepEqual(loss.lastReplicated, { clientOrderId: last.id, at: new Date(last.at).toISOString() });
    // And the lag is CloudWatch's newest datapoint at or before the cut; the window runs from the last replicated point to the cut
    assert.equal(loss.lagAtCutMs, 430);
    assert.equal(loss.cutAt, cut.toISOString());
    assert.equal(loss.lossWindowMs, cut.getTime() - last.at);

    // When it is read again in pages of two, and with at most two orders listed
    const paged = await readWriteLoss({
      clients,
      config,
      from: primary,
      to: secondary,
      cutAt: cut,
      pageSize: 2,
    });
    const bounded = await readWriteLoss({
      clients,
      config,
      from: primary,
      to: secondary,
      cutAt: cut,
      maxOrders: 2,
    });

    // Then paging finds the same orders; the bound lists the newest two and says more were lost
    assert.deepEqual(paged.lost, loss.lost);
    assert.equal(bounded.lost.truncated, true);
    assert.deepEqual(
      bounded.lost.orders.map((o) => o.clientOrderId),
      lost.slice(1).map((o) => o.id),
    );
  });

  it('while us-east-1 is still down, an unplanned failover reports the loss as not known yet, and the same command reads it once us-east-1 answers', async () => {
    // Given us-east-1 dark
    await setOutage(endpoint, primary, 'refuse');

    // When `dr failover --unplanned` runs its flow (operate) from us-east-2
    const outcome = await operate({
      clients,
      config,
      operation: 'failover',
      to: secondary,
      mode: 'unplanned',
      dryRun: false,
      confirm: async () => true,
      pollMs: 100,
    });

    // Then it succeeded, and its result carries the loss: not known, with the reason in one line
    assert.equal(outcome.kind, 'done');
    const { result } = outcome as Extract<typeof outcome, { kind: 'done' }>;
    assert.equal(result.outcome, 'succeeded', JSON.stringify(result.failure));
    const loss = result.dataLoss;
    assert.equal(loss?.mode, 'unplanned');
    if (loss?.mode !== 'unplanned') return;
    assert.equal(loss.lost.known, false);
    assert.deepEqual(loss.lost.orders, []);
    assert.equal(loss.lossWindowMs, null);
    assert.doesNotMatch(loss.lost.reason ?? '', /\n/);
    assert.match(loss.lost.reason ?? '', /^us-east-1 does not answer \(/);
    assert.match(
      loss.lost.reason ?? '',
      /can be read once us-east-1 answers, until Aurora re-syncs it, and after that from the snapshot Aurora takes of it first$/,
    );
    // And what us-east-2 alone can say is there: the last replicated point, the cut (the promote step)
    const last = replicated.at(-1) as Order;
    assert.deepEqual(loss.lastReplicated, { clientOrderId: last.id, at: new Date(last.at).toISOString() });
    const execution = result.executions.at(-1);
    const promote = execution && (await promoteStartedAt(clients, execution.region, execution.arn));
    assert.equal(loss.cutAt, promote?.toISOString());

    // When us-east-1 answers again and the same failover is asked for once more
    await restoreRegion(endpoint, primary);
    const again = await operate({
      clients,
      config,
      operation: 'failover',
      to: secondary,
      mode: 'unplanned',
      dryRun: false,
      confirm: async () => true,
    });

    // Then nothing runs again (already done), and the answer lists what that failover lost, same cut
    assert.equal(again.kind, 'already');
    const read = (again as Extract<typeof again, { kind: 'already' }>).dataLoss;
    assert.equal(read?.mode, 'unplanned');
    if (read?.mode !== 'unplanned') return;
    assert.equal(read.lost.known, true, read.lost.reason);
    assert.deepEqual(
      read.lost.orders.map((o) => o.clientOrderId),
      lost.map((o) => o.id),
    );
    assert.equal(read.cutAt, loss.cutAt);
  });

  it('an old primary already re-synced (it holds the new writer’s data) gives known: false, pointing at Aurora’s snapshot', async () => {
    // Given the failover, then us-east-1 back and re-synced: its database now a copy of us-east-2's (fence row included)
    const cut = await failOver();
    await restoreRegion(endpoint, primary);
    const fence = await newDb.query<{ active_region: string; epoch: string; updated_at: string }>(
      'SELECT active_region, epoch, updated_at::text AS updated_at FROM dr_fence',
    );
    const row = fence.rows[0];
    assert.equal(row?.active_region, secondary, 'the failover advanced the new writer’s fence row');
    await oldDb.query('UPDATE dr_fence SET active_region = $1, epoch = $2, updated_at = $3::timestamptz', [
      row.active_region,
      row.epoch,
      row.updated_at,
    ]);

    // When the loss is read
    const loss = await readWriteLoss({ clients, config, from: primary, to: secondary, cutAt: cut });

    // Then the old primary's rows are not taken for its own: not known, and where they are
    assert.equal(loss.lost.known, false);
    assert.match(loss.lost.reason ?? '', /already holds the new writer's data \(Aurora re-synced it\)/);
    assert.match(loss.lost.reason ?? '', /only in the snapshot Aurora took of it before the re-sync$/);
  });
});
