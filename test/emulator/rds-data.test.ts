/**
 * RDS Data API ExecuteStatement in the emulator: for a DB cluster mapped to a PostgreSQL
 * (`mapDataApi`), the SQL really runs there and the answer has the Data API's shape;
 * a global-cluster member that is not the writer refuses writes; the outage switch cuts
 * the call; a Step Functions aws-sdk:rdsdata task goes through the same path;
 * BeginTransaction/CommitTransaction/RollbackTransaction; the cluster's master user.
 * Needs the harness's PostgreSQL (test/fixtures/postgres-service.ts).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CreateDBClusterCommand,
  ModifyDBClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import {
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
  type SqlParameter,
} from '@aws-sdk/client-rds-data';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { configureEmulator, mapDataApi, setOutage } from '../../src/sandbox/emulator.js';
import { freshDatabase } from '../fixtures/postgres-db.js';
import { scramVerifier } from '../../src/core/db-credentials.js';
import { givenRole, testClient, trustPolicy, useEmulator } from './client.js';
import { GLOBAL, givenGlobalCluster } from './global-cluster.js';

const endpoint = useEmulator();
/** The database user's secret the statements name (the Data API runs them as its user). */
let SECRET: string;

let dbUrl: string;
let db: pg.Client;

before(async () => {
  dbUrl = await freshDatabase('emulator_rds_data');
  db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
});

/** A secret holding `{username, password}`, as the Data API reads it; returns its ARN. */
async function givenSecret(name: string, username: string, password = 'not-a-secret-2'): Promise<string> {
  const out = await testClient(SecretsManagerClient, 'us-east-1').send(
    new CreateSecretCommand({ Name: name, SecretString: JSON.stringify({ username, password }) }),
  );
  return out.ARN!;
}

// After useEmulator's reset: the superuser of the test database, as the statements' user.
beforeEach(async () => {
  SECRET = await givenSecret('trading-db', decodeURIComponent(new URL(dbUrl).username));
});

after(async () => {
  await db?.end();
});

/** A fresh `trades` table, written and read around the Data API with a plain client. */
async function givenTradesTable(): Promise<void> {
  await db.query('DROP TABLE IF EXISTS trades');
  await db.query(`CREATE TABLE trades (
    id serial PRIMARY KEY,
    symbol text NOT NULL,
    qty bigint,
    price numeric(12, 2),
    ratio double precision,
    settled boolean,
    traded_at timestamp,
    note text
  )`);
}

async function givenStandaloneCluster(region = 'us-east-1'): Promise<string> {
  const rds = testClient(RDSClient, region);
  const out = await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: `trading-${region}`,
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      MasterUsername: 'trading',
      MasterUserPassword: 'not-a-secret-1',
    }),
  );
  const arn = out.DBCluster!.DBClusterArn!;
  await mapDataApi(endpoint, arn, dbUrl);
  return arn;
}

/** A global cluster written in us-east-1, read in us-east-2, both mapped to the same database. */
async function givenMappedGlobalCluster() {
  const { east2, primaryArn, secondaryArn } = await givenGlobalCluster();
  await mapDataApi(endpoint, primaryArn, dbUrl);
  await mapDataApi(endpoint, secondaryArn, dbUrl);
  return { east2, primaryArn, secondaryArn };
}

function dataApi(region: string, options?: { timeoutMs?: number }) {
  return testClient(RDSDataClient, region, options);
}

const insertTrade = (symbol: string): SqlParameter[] => [{ name: 'symbol', value: { stringValue: symbol } }];
const INSERT_SQL = 'INSERT INTO trades (symbol) VALUES (:symbol)';

async function symbols(): Promise<string[]> {
  const { rows } = await db.query<{ symbol: string }>('SELECT symbol FROM trades ORDER BY id');
  return rows.map((r) => r.symbol);
}

describe('emulator: RDS Data API ExecuteStatement on PostgreSQL', () => {
  it('runs a statement with named parameters of every Field type on the mapped database', async () => {
    // Given a cluster mapped to the test database
    await givenTradesTable();
    const arn = await givenStandaloneCluster();

    // When a row is inserted with string, long, decimal, double, boolean, timestamp and null values
    const out = await dataApi('us-east-1').send(
      new ExecuteStatementCommand({
        resourceArn: arn,
        secretArn: SECRET,
        database: 'trading',
        sql: `INSERT INTO trades (symbol, qty, price, ratio, settled, traded_at, note)
              VALUES (:symbol, :qty, :price, :ratio, :settled, :tradedAt, :note)`,
        parameters: [
          { name: 'symbol', value: { stringValue: 'ACME' } },
          { name: 'qty', value: { longValue: 9007199254740991 } },
          { name: 'price', value: { stringValue: '101.25' }, typeHint: 'DECIMAL' },
          { name: 'ratio', value: { doubleValue: 0.5 } },
          { name: 'settled', value: { booleanValue: true } },
          { name: 'tradedAt', value: { stringValue: '2026-03-04 05:06:07.25' }, typeHint: 'TIMESTAMP' },
          { name: 'note', value: { isNull: true } },
        ],
      }),
    );

    // Then one record was updated, and PostgreSQL holds exactly those values
    assert.equal(out.numberOfRecordsUpdated, 1);
    assert.equal(out.records, undefined);
    const { rows } = await db.query(
      `SELECT symbol, qty::text, price::text, ratio, settled, to_char(traded_at, 'YYYY-MM-DD HH24:MI:SS.MS') AS traded_at, note FROM trades`,
    );
    assert.deepEqual(rows, [
      {
        symbol: 'ACME',
        qty: '9007199254740991',
        price: '101.25',
        ratio: 0.5,
        settled: true,
        traded_at: '2026-03-04 05:06:07.250',
        note: null,
      },
    ]);
  });

  it('answers records as Fields, as the Data API renders each type, with column metadata', async () => {
    // Given a row of every type
    await givenTradesTable();
    await db.query(
      `INSERT INTO trades (symbol, qty, price, ratio, settled, traded_at, note)
       VALUES ('ACME', 42, 101.25, 0.5, false, '2026-03-04 05:06:07.25', NULL),
              ('INIT', 1, 7, 1, true, '2026-03-04 05:06:07', 'x')`,
    );
    const arn = await givenStandaloneCluster();

    // When it is read with result metadata
    const out = await dataApi('us-east-1').send(
      new ExecuteStatementCommand({
        resourceArn: arn,
        secretArn: SECRET,
        sql: 'SELECT id, symbol, qty, price, ratio, settled, traded_at, note FROM trades WHERE qty >= :min ORDER BY id',
        parameters: [{ name: 'min', value: { longValue: 1 } }],
        includeResultMetadata: true,
      }),
    );

    // Then every value is the Field the Data API uses for it; a SELECT updates nothing
    assert.equal(out.numberOfRecordsUpdated, 0);
    assert.equal(out.formattedRecords, undefined);
    assert.deepEqual(out.records, [
      [
        { longValue: 1 },
        { stringValue: 'ACME' },
        { longValue: 42 },
        { stringValue: '101.25' },
        { doubleValue: 0.5 },
        { booleanValue: false },
        { stringValue: '2026-03-04 05:06:07.25' },
        { isNull: true },
      ],
      [
        { longValue: 2 },
        { stringValue: 'INIT' },
        { longValue: 1 },
        { stringValue: '7.00' },
        { doubleValue: 1 },
        { booleanValue: true },
        { stringValue: '2026-03-04 05:06:07' },
        { stringValue: 'x' },
      ],
    ]);
    const metadata = (out.columnMetadata ?? []).map((c) => [c.name, c.typeName, c.type, c.nullable]);
    assert.deepEqual(metadata, [
      ['id', 'serial', 4, 0],
      ['symbol', 'text', 12, 0],
      ['qty', 'int8', -5, 1],
      ['price', 'numeric', 2, 1],
      ['ratio', 'float8', 8, 1],
      ['settled', 'bool', -7, 1],
      ['traded_at', 'timestamp', 93, 1],
      ['note', 'text', 12, 1],
    ]);
    assert.deepEqual(
      [
        out.columnMetadata?.[3]?.precision,
        out.columnMetadata?.[3]?.scale,
        out.columnMetadata?.[3]?.tableName,
      ],
      [12, 2, 'trades'],
    );
  });

  it('answers formattedRecords, a JSON array of objects keyed by column, with formatRecordsAs JSON', async () => {
    // Given two rows
    await givenTradesTable();
    await db.query(
      `INSERT INTO trades (symbol, qty, price, settled, traded_at) VALUES
       ('ACME', 42, 101.25, true, '2026-03-04 05:06:07'), ('INIT', NULL, NULL, NULL, NULL)`,
    );
    const arn = await givenStandaloneCluster();

    // When they are read as JSON
    const out = await dataApi('us-east-1').send(
      new ExecuteStatementCommand({
        resourceArn: arn,
        secretArn: SECRET,
        sql: 'SELECT symbol, qty, price, settled, traded_at AS "tradedAt" FROM trades ORDER BY id',
        formatRecordsAs: 'JSON',
      }),
    );

    // Then there are no records, and the JSON has one object per row (numeric as a string)
    assert.equal(out.records, undefined);
    assert.deepEqual(JSON.parse(out.formattedRecords ?? 'null'), [
      { symbol: 'ACME', qty: 42, price: '101.25', settled: true, tradedAt: '2026-03-04 05:06:07' },
      { symbol: 'INIT', qty: null, price: null, settled: null, tradedAt: null },
    ]);
  });

  it("a SQL error is a BadRequestException carrying PostgreSQL's message", async () => {
    // Given a mapped cluster and a trades table
    await givenTradesTable();
    const arn = await givenStandaloneCluster();
    const client = dataApi('us-east-1');

    // When a statement names a missing table, and another passes a timestamp as a plain string
    const missing = () =>
      client.send(
        new ExecuteStatementCommand({
          resourceArn: arn,
          secretArn: SECRET,
          sql: 'SELECT * FROM no_such_table',
        }),
      );
    const untyped = () =>
      client.send(
        new ExecuteStatementCommand({
          resourceArn: arn,
          secretArn: SECRET,
          sql: 'INSERT INTO trades (symbol, traded_at) VALUES (:symbol, :tradedAt)',
          parameters: [
            ...insertTrade('ACME'),
            { name: 'tradedAt', value: { stringValue: '2026-03-04 05:06:07' } },
          ],
        }),
      );

    // Then both fail with HTTP 400 and PostgreSQL's words (a string is varchar without its typeHint, as on AWS)
    await assert.rejects(missing, (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.name, 'BadRequestException');
      assert.equal(error.$metadata?.httpStatusCode, 400);
      assert.match(error.message, /relation "no_such_table" does not exist/);
      assert.match(error.message, /SQLState: 42P01/);
      return true;
    });
    await assert.rejects(untyped, {
      name: 'BadRequestException',
      message:
        /column "traded_at" is of type timestamp without time zone but expression is of type character varying/,
    });
    assert.deepEqual(await symbols(), []);
  });

  it("runs each statement as the database user of the secret named by secretArn, with that user's rights", async () => {
    // Given a mapped cluster, a trades table, and a role that may only read it, with its secret
    await givenTradesTable();
    await db.query(`INSERT INTO trades (symbol) VALUES ('ACME')`);
    await db.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'trades_reader') THEN CREATE ROLE trades_reader LOGIN; END IF;
    END $$`);
    await db.query('GRANT SELECT ON trades TO trades_reader');
    const readerSecret = await givenSecret('trades-reader', 'trades_reader');
    const arn = await givenStandaloneCluster();
    const client = dataApi('us-east-1');
    const run = (secretArn: string, sql: string, parameters?: SqlParameter[]) =>
      client.send(
        new ExecuteStatementCommand({
          resourceArn: arn,
          secretArn,
          sql,
          ...(parameters ? { parameters } : {}),
        }),
      );

    // When each secret's user asks who it is, reads, and writes
    const asReader = await run(readerSecret, 'SELECT current_user AS who, count(*) AS n FROM trades');
    const asOwner = await run(SECRET, 'SELECT current_user AS who');

    // Then each ran as its secret's user: the reader reads, and PostgreSQL refuses its write
    assert.deepEqual(asReader.records, [[{ stringValue: 'trades_reader' }, { longValue: 1 }]]);
    assert.deepEqual(asOwner.records, [[{ stringValue: decodeURIComponent(new URL(dbUrl).username) }]]);
    await assert.rejects(() => run(readerSecret, INSERT_SQL, insertTrade('NOPE')), {
      name: 'BadRequestException',
      message: /permission denied for table trades; SQLState: 42501/,
    });
    await run(SECRET, INSERT_SQL, insertTrade('OWNED'));
    assert.deepEqual(await symbols(), ['ACME', 'OWNED']);
  });

  it('refuses a statement whose secret is missing, has no value, or holds no username/password', async () => {
    // Given a mapped cluster, a secret without a value and one that is not the Data API's JSON
    await givenTradesTable();
    const arn = await givenStandaloneCluster();
    const secrets = testClient(SecretsManagerClient, 'us-east-1');
    const empty = (await secrets.send(new CreateSecretCommand({ Name: 'no-value' }))).ARN!;
    const plain = (await secrets.send(new CreateSecretCommand({ Name: 'plain', SecretString: 'hunter2' })))
      .ARN!;
    const missing = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:no-such-secret-AbCdEf';
    const client = dataApi('us-east-1');

    // When a write names each of them
    // Then each is a BadRequestException about the secret, and nothing ran
    for (const secretArn of [missing, empty, plain]) {
      await assert.rejects(
        () =>
          client.send(
            new ExecuteStatementCommand({
              resourceArn: arn,
              secretArn,
              sql: INSERT_SQL,
              parameters: insertTrade('X'),
            }),
          ),
        { name: 'BadRequestException', message: /^Error fetching secret/ },
        secretArn,
      );
    }
    assert.deepEqual(await symbols(), []);
  });

  it("an unmapped cluster keeps moto's answer, and null removes a mapping", async () => {
    // Given a mapped cluster with a table that has a row
    await givenTradesTable();
    await db.query(`INSERT INTO trades (symbol) VALUES ('ACME')`);
    const arn = await givenStandaloneCluster();
    const client = dataApi('us-east-1');
    const select = () =>
      client.send(
        new ExecuteStatementCommand({
          resourceArn: arn,
          secretArn: SECRET,
          sql: 'SELECT symbol FROM trades',
        }),
      );
    assert.deepEqual((await select()).records, [[{ stringValue: 'ACME' }]]);

    // When the mapping is removed
    await mapDataApi(endpoint, arn, null);

    // Then the call gets moto's canned empty answer again (no SQL runs)
    assert.deepEqual((await select()).records, []);
  });

  it('lists the mapped clusters without their passwords, and forgets them on reset', async () => {
    // Given a cluster mapped with a password in its URL
    const arn = 'arn:aws:rds:us-east-2:123456789012:cluster:trading-use2';
    await mapDataApi(endpoint, arn, 'postgresql://trading:s3cret@127.0.0.1:5432/trading');

    // When the mappings are listed, before and after a reset
    const listed = await (await fetch(new URL('/dr-emulator/rds-data', endpoint))).json();
    await fetch(new URL('/moto-api/reset', endpoint), { method: 'POST' });
    const afterReset = await (await fetch(new URL('/dr-emulator/rds-data', endpoint))).json();

    // Then the listing names the cluster and its database but not the password
    assert.deepEqual(listed, { clusters: { [arn]: 'postgresql://trading@127.0.0.1:5432/trading' } });
    assert.doesNotMatch(JSON.stringify(listed), /s3cret/);
    assert.deepEqual(afterReset, { clusters: {} });
  });

  it('refuses a malformed mapping', async () => {
    await assert.rejects(mapDataApi(endpoint, 'trading-use1', dbUrl), /clusterArn must look like/);
    await assert.rejects(
      mapDataApi(endpoint, 'arn:aws:rds:us-east-1:123456789012:cluster:trading-use1', 'mysql://x@h/db'),
      /url must be postgresql/,
    );
  });

  it('a PostgreSQL that does not answer is a DatabaseUnavailableException', async () => {
    // Given a cluster mapped to a port nobody listens on
    const arn = await givenStandaloneCluster();
    const closed = new URL(dbUrl);
    closed.port = '1';
    await mapDataApi(endpoint, arn, closed.toString());

    // When a statement is sent, then it fails as the Data API fails for an unavailable writer
    await assert.rejects(
      dataApi('us-east-1').send(
        new ExecuteStatementCommand({ resourceArn: arn, secretArn: SECRET, sql: 'SELECT 1' }),
      ),
      { name: 'DatabaseUnavailableException' },
    );
  });

  it('reconnects when its cached connection was dropped by PostgreSQL', async () => {
    // Given a cluster whose connection has been used once, then killed by the server
    const arn = await givenStandaloneCluster();
    const client = dataApi('us-east-1');
    const select = () =>
      client.send(
        new ExecuteStatementCommand({ resourceArn: arn, secretArn: SECRET, sql: 'SELECT 1 AS one' }),
      );
    await select();
    const killed = await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dr-emulator-rds-data'`,
    );
    assert.ok(killed.rowCount && killed.rowCount > 0, 'the emulator should hold a connection');

    // When the next statement comes, then it is answered on a fresh connection
    assert.deepEqual((await select()).records, [[{ longValue: 1 }]]);
  });

  it('the secondary of a global cluster is read-only: PostgreSQL refuses its writes, reads work', async () => {
    // Given a global cluster written in us-east-1, read in us-east-2
    await givenTradesTable();
    const { primaryArn, secondaryArn } = await givenMappedGlobalCluster();
    const east1 = dataApi('us-east-1');
    const east2 = dataApi('us-east-2');

    // When each region writes, and the secondary reads
    const written = await east1.send(
      new ExecuteStatementCommand({
        resourceArn: primaryArn,
        secretArn: SECRET,
        sql: INSERT_SQL,
        parameters: insertTrade('ACME'),
      }),
    );
    const refused = () =>
      east2.send(
        new ExecuteStatementCommand({
          resourceArn: secondaryArn,
          secretArn: SECRET,
          sql: INSERT_SQL,
          parameters: insertTrade('INIT'),
        }),
      );

    // Then the writer's insert landed; the secondary's failed inside PostgreSQL
    assert.equal(written.numberOfRecordsUpdated, 1);
    await assert.rejects(refused, {
      name: 'BadRequestException',
      message: /cannot execute INSERT in a read-only transaction/,
    });
    const read = await east2.send(
      new ExecuteStatementCommand({
        resourceArn: secondaryArn,
        secretArn: SECRET,
        sql: 'SELECT symbol FROM trades',
      }),
    );
    assert.deepEqual(read.records, [[{ stringValue: 'ACME' }]]);
    assert.deepEqual(await symbols(), ['ACME']);
  });

  it('after a switchover the new writer takes writes and the old primary refuses them', async () => {
    // Given a global cluster switched over to us-east-2
    await givenTradesTable();
    const { east2: rds2, primaryArn, secondaryArn } = await givenMappedGlobalCluster();
    await rds2.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );

    // When both regions write
    const written = await dataApi('us-east-2').send(
      new ExecuteStatementCommand({
        resourceArn: secondaryArn,
        secretArn: SECRET,
        sql: INSERT_SQL,
        parameters: insertTrade('USE2'),
      }),
    );
    const refused = () =>
      dataApi('us-east-1').send(
        new ExecuteStatementCommand({
          resourceArn: primaryArn,
          secretArn: SECRET,
          sql: INSERT_SQL,
          parameters: insertTrade('USE1'),
        }),
      );

    // Then only the new writer's row exists
    assert.equal(written.numberOfRecordsUpdated, 1);
    await assert.rejects(refused, { name: 'BadRequestException', message: /read-only transaction/ });
    assert.deepEqual(await symbols(), ['USE2']);
  });

  it('no member takes writes while the global cluster is switching over', async () => {
    // Given a switchover that takes a while
    await givenTradesTable();
    const { east2: rds2, primaryArn, secondaryArn } = await givenMappedGlobalCluster();
    await configureEmulator(endpoint, { switchoverSeconds: 5 });
    await rds2.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );

    // When the old writer writes during the switchover, then PostgreSQL refuses it
    await assert.rejects(
      dataApi('us-east-1').send(
        new ExecuteStatementCommand({
          resourceArn: primaryArn,
          secretArn: SECRET,
          sql: INSERT_SQL,
          parameters: insertTrade('LATE'),
        }),
      ),
      { name: 'BadRequestException', message: /read-only transaction/ },
    );
    assert.deepEqual(await symbols(), []);
  });

  it('the outage switch cuts Data API calls signed for a region that is down', async () => {
    // Given a global cluster, and us-east-1 refused
    await givenTradesTable();
    const { primaryArn, secondaryArn } = await givenMappedGlobalCluster();
    await setOutage(endpoint, 'us-east-1', 'refuse');

    // When each region's Data API is called
    const lost = await dataApi('us-east-1')
      .send(
        new ExecuteStatementCommand({
          resourceArn: primaryArn,
          secretArn: SECRET,
          sql: INSERT_SQL,
          parameters: insertTrade('LOST'),
        }),
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    const alive = await dataApi('us-east-2').send(
      new ExecuteStatementCommand({
        resourceArn: secondaryArn,
        secretArn: SECRET,
        sql: 'SELECT count(*) AS n FROM trades',
      }),
    );

    // Then us-east-1 got no HTTP answer and wrote nothing; us-east-2 answered
    assert.ok(lost, 'the us-east-1 call should fail');
    assert.equal((lost as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, undefined);
    assert.deepEqual(alive.records, [[{ longValue: 0 }]]);
    assert.deepEqual(await symbols(), []);
  });

  it('a Step Functions aws-sdk:rdsdata:executeStatement task runs its SQL on the database', async () => {
    // Given a us-east-2 state machine whose task inserts through the Data API (PascalCase, as AWS takes it)
    await givenTradesTable();
    const arn = await givenStandaloneCluster('us-east-2');
    const sfn = testClient(SFNClient, 'us-east-2');
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: 'trading-fence',
        // Trusted by Step Functions and allowed this one statement on this cluster
        roleArn: await givenRole('trading-failover', trustPolicy({ Service: 'states.amazonaws.com' }), [
          { Effect: 'Allow', Action: 'rds-data:ExecuteStatement', Resource: arn },
          { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: SECRET },
        ]),
        definition: JSON.stringify({
          StartAt: 'Insert',
          States: {
            Insert: {
              Type: 'Task',
              Resource: 'arn:aws:states:::aws-sdk:rdsdata:executeStatement',
              Parameters: {
                ResourceArn: arn,
                SecretArn: SECRET,
                Database: 'trading',
                Sql: 'INSERT INTO trades (symbol, qty) VALUES (:symbol, :qty)',
                Parameters: [
                  { Name: 'symbol', Value: { 'StringValue.$': '$.symbol' } },
                  { Name: 'qty', Value: { 'LongValue.$': '$.qty' } },
                ],
              },
              End: true,
            },
          },
        }),
      }),
    );

    // When it is executed
    const run = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: machine.stateMachineArn,
        input: JSON.stringify({ symbol: 'SFN', qty: 3 }),
      }),
    );
    const out = await finished(sfn, run.executionArn!);

    // Then it succeeded with the Data API's answer, and the row is in PostgreSQL
    assert.equal(out.status, 'SUCCEEDED', `${out.error}: ${out.cause}`);
    assert.deepEqual(JSON.parse(out.output ?? '{}'), { numberOfRecordsUpdated: 1 });
    const { rows } = await db.query('SELECT symbol, qty::int AS qty FROM trades');
    assert.deepEqual(rows, [{ symbol: 'SFN', qty: 3 }]);
  });
});

async function finished(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (out.status !== 'RUNNING' || Date.now() > deadline) return out;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** True when `role`'s stored SCRAM verifier is the one for `password`. */
async function storedPasswordIs(role: string, password: string): Promise<boolean> {
  const { rows } = await db.query<{ p: string }>(
    'SELECT rolpassword AS p FROM pg_authid WHERE rolname = $1',
    [role],
  );
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(rows[0]?.p ?? '');
  if (!match) return false;
  return scramVerifier(password, Buffer.from(match[2] as string, 'base64'), Number(match[1])) === rows[0]?.p;
}

describe('emulator: RDS Data API transactions and the master user', () => {
  const data = () => testClient(RDSDataClient, 'us-east-1');
  const run = (resourceArn: string, secretArn: string, sql: string, transactionId?: string) =>
    data().send(
      new ExecuteStatementCommand({
        resourceArn,
        secretArn,
        database: 'emulator_rds_data',
        sql,
        formatRecordsAs: 'JSON',
        ...(transactionId ? { transactionId } : {}),
      }),
    );

  it('runs the statements of a transaction in one session: committed they stay, rolled back they are gone', async () => {
    // Given a mapped cluster and a table
    const arn = await givenStandaloneCluster();
    await mapDataApi(endpoint, arn, dbUrl);
    await db.query('DROP TABLE IF EXISTS tx_rows');
    await db.query('CREATE TABLE tx_rows (v text)');

    // When one transaction inserts and commits, another inserts and rolls back
    const begin = () =>
      data().send(
        new BeginTransactionCommand({ resourceArn: arn, secretArn: SECRET, database: 'emulator_rds_data' }),
      );
    const kept = (await begin()).transactionId!;
    await run(arn, SECRET, "INSERT INTO tx_rows VALUES ('kept')", kept);
    // (not visible outside the transaction before its commit)
    assert.deepEqual((await db.query('SELECT v FROM tx_rows')).rows, []);
    const committed = await data().send(
      new CommitTransactionCommand({ resourceArn: arn, secretArn: SECRET, transactionId: kept }),
    );
    const dropped = (await begin()).transactionId!;
    await run(arn, SECRET, "INSERT INTO tx_rows VALUES ('dropped')", dropped);
    const rolledBack = await data().send(
      new RollbackTransactionCommand({ resourceArn: arn, secretArn: SECRET, transactionId: dropped }),
    );

    // Then only the committed row is there, and each end answered as the Data API does
    assert.equal(committed.transactionStatus, 'Transaction Committed');
    assert.equal(rolledBack.transactionStatus, 'Rollback Complete');
    assert.deepEqual((await db.query('SELECT v FROM tx_rows')).rows, [{ v: 'kept' }]);
    // And an ended transaction is not found
    await assert.rejects(() => run(arn, SECRET, 'SELECT 1', kept), { name: 'TransactionNotFoundException' });
  });

  it("creates the cluster's master user with its MasterUserPassword, and a new password replaces it", async () => {
    // Given a cluster created with master `trading` / not-a-secret-1, mapped to the database
    const arn = await givenStandaloneCluster();
    await mapDataApi(endpoint, arn, dbUrl);
    const master = await givenSecret('trading-master', 'trading', 'not-a-secret-1');

    // When a statement runs with the master secret
    const who = await run(arn, master, 'SELECT current_user AS u');
    // Then it runs as the master user, whose stored password is the cluster's
    assert.deepEqual(JSON.parse(who.formattedRecords ?? '[]'), [{ u: 'trading' }]);
    assert.equal(await storedPasswordIs('trading', 'not-a-secret-1'), true);

    // When the cluster's master password is changed
    await testClient(RDSClient, 'us-east-1').send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: 'trading-us-east-1',
        MasterUserPassword: 'not-a-secret-3',
        ApplyImmediately: true,
      }),
    );
    // Then statements with a secret holding the new password run as the master user, and the
    // role's stored password is the new one (the test server trusts local logins, so the
    // check is on the SCRAM verifier PostgreSQL stores)
    const renewed = await givenSecret('trading-master-2', 'trading', 'not-a-secret-3');
    const again = await run(arn, renewed, 'SELECT current_user AS u');
    assert.deepEqual(JSON.parse(again.formattedRecords ?? '[]'), [{ u: 'trading' }]);
    assert.equal(await storedPasswordIs('trading', 'not-a-secret-3'), true);
    assert.equal(await storedPasswordIs('trading', 'not-a-secret-1'), false);
  });
});
