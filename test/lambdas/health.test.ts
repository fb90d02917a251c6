/**
 * /health in every state that decides where DNS points. The database probe runs against
 * a real PostgreSQL server; SSM, the RDS writer lookup and SQS are stand-ins (plain
 * functions): the local emulator cannot demote a cluster or make a call hang.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { advanceFence } from '../../src/contract/database.js';
import type { WriterRole } from '../../src/lambdas/health/decide.js';
import { createHealthHandler, type HealthHandlerDeps } from '../../src/lambdas/health/handler.js';
import { writerRoleOf } from '../../src/lambdas/health/probes.js';
import { DbPool, urlDbSettings } from '../../src/lambdas/shared/db.js';
import { memoryLogger } from '../../src/lambdas/shared/log.js';
import type { SsmFence } from '../../src/lambdas/shared/params.js';
import { migratedDatabase } from '../fixtures/postgres-db.js';
import { useFencedDatabase } from './helpers.js';

const db = useFencedDatabase('dr_health');

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const never = () => new Promise<never>(() => {});

interface World {
  region?: string;
  record?: 'primary' | 'secondary';
  ssm?: SsmFence | (() => Promise<SsmFence>);
  writer?: WriterRole | (() => Promise<WriterRole>);
  queue?: () => Promise<{ visibleMessages?: number }>;
  db?: DbPool;
}

async function health(world: World) {
  const lift =
    <T>(v: T | (() => Promise<T>)) =>
    () =>
      typeof v === 'function' ? (v as () => Promise<T>)() : Promise.resolve(v);
  const deps: HealthHandlerDeps = {
    region: world.region ?? 'us-east-1',
    record: world.record ?? 'primary',
    log: memoryLogger(),
    ssmFence: lift(world.ssm ?? { activeRegion: 'us-east-1', epoch: 1 }),
    writer: lift(world.writer ?? { member: true, isWriter: true }),
    queue: world.queue ?? (async () => ({ visibleMessages: 0 })),
    db: world.db ?? db.pool,
  };
  const started = performance.now();
  const response = await createHealthHandler(deps)({
    httpMethod: 'GET',
    path: '/health',
    requestContext: { apiId: 'abc123' },
  });
  const body = JSON.parse(response.body) as {
    status: string;
    failed: Array<{ check: string; reason: string }>;
    checks: Record<string, { ok: boolean }>;
  };
  return { status: response.statusCode, body, ms: performance.now() - started, headers: response.headers };
}

const failedChecks = (body: { failed: Array<{ check: string }> }) => body.failed.map((f) => f.check).sort();

beforeEach(async () => {
  // Given the database fence naming us-east-1 at epoch 1
  await db.admin.query(`UPDATE dr_fence SET active_region = 'us-east-1', epoch = 1`);
});

describe('health behind the PRIMARY record', () => {
  test('the writer region with a fast database answers 200 with JSON naming every check', async () => {
    // Given us-east-1 active in SSM, writer in Aurora, fence row naming it (the defaults)
    // When Route 53 asks
    const r = await health({});

    // Then it is healthy
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body.status, 'healthy');
    assert.deepEqual(r.body.failed, []);
    assert.deepEqual(Object.keys(r.body.checks).sort(), ['db', 'db-fence', 'fence', 'writer']);
  });

  test('not the Aurora writer (after a switchover): 503 naming the writer check', async () => {
    // Given SSM still saying us-east-1 but its cluster no longer the writer
    // When Route 53 asks
    const r = await health({ writer: { member: true, isWriter: false } });

    // Then it is unhealthy and says why
    assert.equal(r.status, 503);
    assert.deepEqual(failedChecks(r.body), ['writer']);
    assert.match(r.body.failed[0]?.reason ?? '', /not the global cluster's writer/);
  });

  test('SSM naming the other region (planned failover fenced it): 503 naming the fence', async () => {
    // Given SSM here says us-east-2 is active
    const r = await health({ ssm: { activeRegion: 'us-east-2', epoch: 2 } });

    // Then 503 with the fence named
    assert.equal(r.status, 503);
    assert.ok(failedChecks(r.body).includes('fence'));
  });

  test('the region returning after an unplanned failover answers 503 although its own SSM still says active', async () => {
    // Given us-east-1 back online: its SSM is stale ("us-east-1, epoch 1"), Aurora made
    // us-east-2 the writer, and the fence row replicated from us-east-2 names it at epoch 2
    await advanceFence(db.admin, { activeRegion: 'us-east-2', epoch: 2 });

    // When Route 53 asks us-east-1
    const r = await health({
      ssm: { activeRegion: 'us-east-1', epoch: 1 },
      writer: { member: true, isWriter: false },
    });

    // Then it stays unhealthy, naming the writer role and the database fence
    assert.equal(r.status, 503);
    assert.deepEqual(failedChecks(r.body), ['db-fence', 'writer']);
    assert.match(
      r.body.failed.find((f) => f.check === 'db-fence')?.reason ?? '',
      /names us-east-2.*until failback/,
    );
  });

  test('returning region whose RDS lookup still claims the writer: the database fence alone keeps it at 503', async () => {
    // Given the stale SSM and a (lagging) RDS answer both saying us-east-1, but the fence row at us-east-2
    await advanceFence(db.admin, { activeRegion: 'us-east-2', epoch: 2 });

    // When Route 53 asks
    const r = await health({});

    // Then 503, named db-fence
    assert.equal(r.status, 503);
    assert.deepEqual(failedChecks(r.body), ['db-fence']);
  });

  test('a read-only (demoted) database fails the write-path probe: 503', async () => {
    // Given a database that accepts only read-only transactions
    const roUrl = await migratedDatabase('dr_health_ro', { activeRegion: 'us-east-1', epoch: 1 });
    const ro = new pg.Client({ connectionString: roUrl });
    await ro.connect();
    await ro.query('ALTER DATABASE dr_health_ro SET default_transaction_read_only = on');
    await ro.end();
    const roPool = new DbPool(urlDbSettings(roUrl));

    // When Route 53 asks
    const r = await health({ db: roPool });

    // Then 503 because the database is read-only
    assert.equal(r.status, 503);
    assert.deepEqual(failedChecks(r.body), ['db']);
    assert.match(r.body.failed[0]?.reason ?? '', /read-only/);
    await roPool.end();
  });

  test('a database answering too slowly: 503 after about 1 s, naming the database', async () => {
    // Given another session holding the fence row locked (the write path must wait)
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT * FROM dr_fence FOR UPDATE');

    // When Route 53 asks
    const r = await health({});
    await blocker.query('ROLLBACK');
    await blocker.end();

    // Then it answers 503 in about a second, and the body names the slow database
    assert.equal(r.status, 503);
    assert.deepEqual(failedChecks(r.body), ['db']);
    assert.match(r.body.failed[0]?.reason ?? '', /did not answer within 1000 ms/);
    assert.ok(r.ms >= 950 && r.ms < 1_800, `answered after ${Math.round(r.ms)} ms`);

    // And the pool is usable again afterwards (the stuck connection was dropped)
    assert.equal((await health({})).status, 200);
  });

  test('probes run concurrently: two 700 ms answers still give one answer under 1 s', async () => {
    // Given SSM and RDS each taking 700 ms
    const r = await health({
      ssm: async () => (await wait(700), { activeRegion: 'us-east-1', epoch: 1 }),
      writer: async () => (await wait(700), { member: true, isWriter: true }),
    });

    // Then healthy, in well under the 1.4 s a sequential run would need
    assert.equal(r.status, 200);
    assert.ok(r.ms < 1_000, `answered after ${Math.round(r.ms)} ms`);
  });

  test('an SSM call that hangs: 503 after about 1 s naming the fence', async () => {
    // Given SSM never answering
    const r = await health({ ssm: never });

    // Then 503 within the time limit
    assert.equal(r.status, 503);
    assert.deepEqual(failedChecks(r.body), ['fence']);
    assert.ok(r.ms < 1_500);
  });
});

describe('health behind the SECONDARY record', () => {
  test('a fit standby answers 200 although it is neither active nor the writer', async () => {
    // Given us-east-2 as standby: SSM names us-east-1, its cluster is a reader
    // When Route 53 asks us-east-2
    const r = await health({
      region: 'us-east-2',
      record: 'secondary',
      ssm: { activeRegion: 'us-east-1', epoch: 1 },
      writer: { member: true, isWriter: false },
    });

    // Then it is healthy: fit to take over
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys(r.body.checks).sort(), ['api', 'db', 'queue']);
  });

  test('a standby whose database is unreachable: 503 naming the database', async () => {
    // Given a database nobody listens for
    const down = new DbPool(urlDbSettings('postgres://postgres@127.0.0.1:1/none'));

    // When Route 53 asks
    const r = await health({ region: 'us-east-2', record: 'secondary', db: down });

    // Then 503 with the db named
    assert.equal(r.status, 503);
    assert.deepEqual(failedChecks(r.body), ['db']);
    await down.end();
  });

  test('a standby whose queue does not answer: 503 after about 1 s naming the queue', async () => {
    // Given SQS hanging
    const r = await health({ region: 'us-east-2', record: 'secondary', queue: never });

    // Then 503, queue named
    assert.equal(r.status, 503);
    assert.deepEqual(failedChecks(r.body), ['queue']);
  });

  test('the secondary serving after a failover stays 200', async () => {
    // Given us-east-2 active and the writer after failover (fence row moved too)
    await advanceFence(db.admin, { activeRegion: 'us-east-2', epoch: 2 });

    // When Route 53 asks us-east-2
    const r = await health({
      region: 'us-east-2',
      record: 'secondary',
      ssm: { activeRegion: 'us-east-2', epoch: 2 },
    });

    // Then healthy
    assert.equal(r.status, 200);
  });
});

test('writer lookup: the member ARN of this region and cluster decides', () => {
  // Given DescribeGlobalClusters members after a failover to us-east-2
  const members = [
    { DBClusterArn: 'arn:aws:rds:us-east-1:123456789012:cluster:dr-test-use1-orders-db', IsWriter: false },
    { DBClusterArn: 'arn:aws:rds:us-east-2:123456789012:cluster:dr-test-use2-orders-db', IsWriter: true },
  ];

  // When each region looks itself up / Then only us-east-2 is the writer; a stranger is no member
  assert.deepEqual(writerRoleOf(members, 'us-east-1', 'dr-test-use1-orders-db'), {
    member: true,
    isWriter: false,
  });
  assert.deepEqual(writerRoleOf(members, 'us-east-2', 'dr-test-use2-orders-db'), {
    member: true,
    isWriter: true,
  });
  assert.deepEqual(writerRoleOf(members, 'us-east-1', 'other-db'), { member: false, isWriter: false });
});
