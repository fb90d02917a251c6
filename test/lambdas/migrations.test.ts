/** The migration runner `dr deploy` uses, against a real PostgreSQL server. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { applyMigrations, loadMigrations, MigrationError } from '../../src/core/db-migrations.js';
import { freshDatabase } from '../fixtures/postgres-db.js';

const clients: pg.Client[] = [];
const dirs: string[] = [];

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  clients.push(client);
  return client;
}

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dr-migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

after(async () => {
  for (const c of clients) await c.end();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('the shipped migrations apply once, in order, and a second run applies nothing', async () => {
  // Given an empty database and the trade processor's migration files
  const client = await connect(await freshDatabase('dr_migrations_shipped'));
  const migrations = loadMigrations();
  assert.deepEqual(
    migrations.map((m) => m.version),
    [1, 2, 3, 4],
  );

  // When the runner runs twice
  const first = await applyMigrations(client, migrations);
  const second = await applyMigrations(client, migrations);

  // Then the first run applied both, the second none, and the tables exist
  assert.deepEqual(first, { applied: [1, 2, 3, 4], alreadyApplied: [] });
  assert.deepEqual(second, { applied: [], alreadyApplied: [1, 2, 3, 4] });
  const tables = await client.query(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
  );
  assert.deepEqual(
    tables.rows.map((r) => r.table_name),
    ['dr_fence', 'orders', 'schema_migrations'],
  );
});

test('the application role may insert and read orders and lock the fence, and nothing more', async () => {
  // Given the shipped migrations applied by the owner, and a session as trade_processor
  const url = await freshDatabase('dr_migrations_app_role');
  const owner = await connect(url);
  await applyMigrations(owner, loadMigrations());
  await owner.query(`INSERT INTO dr_fence (active_region, epoch) VALUES ('us-east-1', 1)`);
  await owner.query('BEGIN');
  await owner.query('SET LOCAL ROLE trade_processor');
  const denied = async (sql: string) =>
    assert.rejects(
      owner.query(`SAVEPOINT s; ${sql}`).finally(() => owner.query('ROLLBACK TO SAVEPOINT s')),
      /permission denied/,
      sql,
    );
  // When it does what the trade processor does, Then it may
  await owner.query('SELECT active_region, epoch FROM dr_fence FOR SHARE');
  await owner.query(
    `INSERT INTO orders (client_order_id, account, symbol, side, quantity, limit_price, ordered_at,
       written_region, written_epoch, sqs_message_id)
     VALUES ('o-1', 'acct', 'AAPL', 'buy', 1, 1.5, now(), 'us-east-1', 1, 'm-1')`,
  );
  assert.equal((await owner.query('SELECT count(*)::int AS n FROM orders')).rows[0].n, 1);
  // And it may not rewrite history, move the fence, or change the schema
  await denied(`UPDATE orders SET quantity = 2`);
  await denied(`DELETE FROM orders`);
  await denied(`UPDATE dr_fence SET epoch = 9`);
  await denied(`CREATE TABLE sneaky (x int)`);
  await owner.query('ROLLBACK');
});

test('two deploys running at once take turns: every migration is applied exactly once', async () => {
  // Given an empty database and two sessions
  const url = await freshDatabase('dr_migrations_concurrent');
  const [a, b] = [await connect(url), await connect(url)];

  // When both run the runner concurrently
  const [ra, rb] = await Promise.all([
    applyMigrations(a, loadMigrations()),
    applyMigrations(b, loadMigrations()),
  ]);

  // Then between them each version was applied once
  assert.deepEqual([...ra.applied, ...rb.applied].sort(), [1, 2, 3, 4]);
  const recorded = await a.query('SELECT count(*)::int AS n FROM schema_migrations');
  assert.equal(recorded.rows[0].n, 4);
});

test('a failing migration is rolled back and not recorded; the fixed file applies on the next run', async () => {
  // Given a good first migration and a broken second one
  const client = await connect(await freshDatabase('dr_migrations_failing'));
  const dir = migrationsDir({
    '001_a.sql': 'CREATE TABLE a (id int);',
    '002_b.sql': 'CREATE TABLE b (id int); INSERT INTO missing_table VALUES (1);',
  });

  // When the runner runs
  await assert.rejects(applyMigrations(client, loadMigrations(dir)), (e: unknown) => {
    return e instanceof MigrationError && /002_b.sql failed and was rolled back/.test(e.message);
  });

  // Then 001 is recorded, 002 left no table behind
  const applied = await client.query('SELECT version FROM schema_migrations');
  assert.deepEqual(
    applied.rows.map((r) => r.version),
    [1],
  );
  assert.equal((await client.query(`SELECT to_regclass('b') AS t`)).rows[0].t, null);

  // And after the file is fixed, the next run applies just 002
  writeFileSync(join(dir, '002_b.sql'), 'CREATE TABLE b (id int);');
  assert.deepEqual((await applyMigrations(client, loadMigrations(dir))).applied, [2]);
});

test('an applied migration whose file was edited stops the run', async () => {
  // Given a database where 001 was applied
  const client = await connect(await freshDatabase('dr_migrations_edited'));
  const dir = migrationsDir({ '001_a.sql': 'CREATE TABLE a (id int);' });
  await applyMigrations(client, loadMigrations(dir));

  // When 001 is edited and a new 002 added
  writeFileSync(join(dir, '001_a.sql'), 'CREATE TABLE a (id bigint);');
  writeFileSync(join(dir, '002_b.sql'), 'CREATE TABLE b (id int);');

  // Then the runner refuses before applying anything
  await assert.rejects(
    applyMigrations(client, loadMigrations(dir)),
    /001_a.sql was changed after it was applied/,
  );
  assert.equal((await client.query(`SELECT to_regclass('b') AS t`)).rows[0].t, null);
});

test('misnamed or duplicate-version files are rejected when loading', () => {
  // Given folders with a badly named file, and with two files of the same version
  const misnamed = migrationsDir({ 'add_table.sql': 'SELECT 1;' });
  const duplicate = migrationsDir({ '001_a.sql': 'SELECT 1;', '001_b.sql': 'SELECT 2;' });

  // When they are loaded / Then each is refused with the reason
  assert.throws(() => loadMigrations(misnamed), /must be named NNN_name\.sql/);
  assert.throws(() => loadMigrations(duplicate), /two migrations have version 1/);
});
