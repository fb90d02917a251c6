/**
 * `dr deploy`'s database step on AWS reaches the writer the way the rest of `dr` does:
 * the RDS Data API on the writer cluster, as the master secret's user (the secret whose
 * ARN each region publishes in SSM), never a direct connection to the private endpoint.
 * Against the emulator over HTTP, its Data API mapped to a real PostgreSQL, running each
 * statement as the secret's user as AWS does: the migrations (each file in one Data API
 * transaction), the fence seed and the application roles' passwords from their secrets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { configSchema } from '../../../src/config/schema.js';
import { applyDbCredentials } from '../../../src/core/db-credentials.js';
import { awsTarget, migrateOrders } from '../../../src/core/deploy/migrate.js';
import { Naming } from '../../../src/contract/naming.js';
import { mapDataApi } from '../../../src/sandbox/emulator.js';
import { useEmulator } from '../../emulator/client.js';
import { freshDatabase } from '../../fixtures/postgres-db.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const endpoint = useEmulator();
const config = configSchema.parse({ app: 'trading', dns: { domain: 'trading.example.com' } });
const naming = new Naming(config);
const primary = 'us-east-1';
const secondary = 'us-east-2';
const clients = useEmulatorClients(endpoint, 10_000);

/** The platform as the stacks leave it: a global database, its secrets and SSM parameters. */
async function givenDeployedDatabase(dbName: string) {
  const rds = clients.rds(primary);
  await rds.createGlobalCluster({
    GlobalClusterIdentifier: naming.globalCluster(),
    Engine: 'aurora-postgresql',
    EngineVersion: '16.6',
  });
  // The master password as the apply generates it (write-only in Terraform).
  const masterPassword = `Gen${Math.random().toString(36).slice(2)}Xy9`;
  const cluster = await rds.createDBCluster({
    DBClusterIdentifier: naming.dbCluster(primary),
    Engine: 'aurora-postgresql',
    EngineVersion: '16.6',
    GlobalClusterIdentifier: naming.globalCluster(),
    DatabaseName: config.database.databaseName,
    MasterUsername: Naming.dbMasterUser,
    MasterUserPassword: masterPassword,
    EnableHttpEndpoint: true,
  });
  const clusterArn = cluster.DBCluster?.DBClusterArn;
  assert.ok(clusterArn);
  const secrets = clients.secretsManager(primary);
  const secret = async (name: string, value?: object) =>
    (
      await secrets.createSecret({
        Name: name,
        ...(value ? { SecretString: JSON.stringify(value) } : {}),
      })
    ).ARN as string;
  const masterArn = await secret(naming.dbMasterSecret(), {
    username: Naming.dbMasterUser,
    password: masterPassword,
  });
  const ssm = clients.ssm(primary);
  const put = (Name: string, Value: string) =>
    ssm.putParameter({ Name, Value, Type: 'SecureString', Overwrite: true });
  await put(naming.ssmDbMasterSecretArn(), masterArn);
  await put(naming.ssmDbSecretArn(), await secret(naming.dbAppSecret()));
  await put(naming.ssmDbFenceSecretArn(), await secret(naming.dbFenceSecret()));
  // The private writer endpoint: unreachable from here, as from an operator's laptop.
  await put(naming.ssmDbEndpoint(), 'orders.cluster-abc.us-east-1.rds.amazonaws.com:5432');
  await put(naming.ssmActiveRegion(), primary);
  await put(naming.ssmEpoch(), '1');
  const url = await freshDatabase(dbName);
  await mapDataApi(endpoint, clusterArn, url);
  return { url, clusterArn };
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql)).rows;
  } finally {
    await client.end();
  }
}

const step = () =>
  migrateOrders({
    target: awsTarget({ clients, naming, database: config.database.databaseName }),
    writer: async () => ({ activeRegion: primary, epoch: 1 }),
    credentials: (sql) => applyDbCredentials({ clients, naming, secretRegion: primary, sql }),
  });

describe('deploy: the orders database step through the RDS Data API (emulator, real PostgreSQL)', () => {
  it('migrates as the master secret’s user, seeds the fence and sets the roles’ passwords; a second run changes nothing', async () => {
    // Given the deployed database, its private endpoint unreachable, its Data API on
    const { url } = await givenDeployedDatabase('dr_deploy_data_api');

    // When the deploy's database step runs twice
    const first = await step();
    const second = await step();

    // Then the first applied every migration through the Data API on the writer
    assert.equal(first.status, 'applied', first.reason);
    assert.deepEqual(first.applied, [1, 2, 3, 4]);
    assert.match(first.target ?? '', /Data API/);
    assert.deepEqual(first.fence, { activeRegion: primary, epoch: 1 });
    assert.deepEqual(first.credentialsSet, [Naming.dbAppUser, Naming.dbFenceUser]);
    // ...as the master user, who owns what it made
    const owners = await query<{ tablename: string; tableowner: string }>(
      url,
      "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    assert.deepEqual(
      owners.map((o) => [o.tablename, o.tableowner]),
      ['dr_fence', 'orders', 'schema_migrations'].map((t) => [t, Naming.dbMasterUser]),
    );
    // ...and the trade processor logs in with the password its secret holds
    const appSecret = await clients
      .secretsManager(primary)
      .getSecretValue({ SecretId: naming.dbAppSecret() });
    const { username, password } = JSON.parse(appSecret.SecretString ?? '{}') as Record<string, string>;
    const app = new URL(url);
    app.username = username as string;
    app.password = password as string;
    const fence = await query<{ active_region: string }>(
      app.toString(),
      'SELECT active_region FROM dr_fence',
    );
    assert.deepEqual(fence, [{ active_region: primary }]);
    // ...and the second run found everything applied
    assert.equal(second.status, 'applied', second.reason);
    assert.deepEqual(second.applied, []);
    assert.deepEqual(second.alreadyApplied, [1, 2, 3, 4]);
  });

  it('a failover stopped half-way (the fence names us-east-2, RDS’s writer is still us-east-1): runs on the writer cluster, seeds the fence’s value', async () => {
    // Given the deployed database whose fence already names the secondary (a killed CLI
    // or drill left the switchover there) while RDS still answers the primary as writer
    await givenDeployedDatabase('dr_deploy_data_api_half_way');
    // When the deploy's database step runs with the fence's writer
    const result = await migrateOrders({
      target: awsTarget({ clients, naming, database: config.database.databaseName }),
      writer: async () => ({ activeRegion: secondary, epoch: 2 }),
    });
    // Then the statements ran through the writer cluster's Data API (the secondary has
    // none to take them), and the fence holds the value the fence named
    assert.equal(result.status, 'applied', result.reason);
    assert.deepEqual(result.applied, [1, 2, 3, 4]);
    assert.deepEqual(result.fence, { activeRegion: secondary, epoch: 2 });
  });

  it('rolls a failing migration file back as a whole (one Data API transaction per file)', async () => {
    // Given the deployed database, and a migration of two statements whose second fails
    const { url } = await givenDeployedDatabase('dr_deploy_data_api_rollback');
    const broken = {
      version: 1,
      name: 'broken',
      file: '001_broken.sql',
      sql: "CREATE TABLE half_done (id int);\n-- a comment; with a semicolon\nINSERT INTO missing_table VALUES ('x;y');\n",
      checksum: 'c0ffee',
    };

    // When the step runs it
    const result = await migrateOrders({
      target: awsTarget({ clients, naming, database: config.database.databaseName }),
      writer: async () => ({ activeRegion: primary, epoch: 1 }),
      migrations: [broken],
    });

    // Then it failed naming the file and PostgreSQL's error, and nothing of it remains
    assert.equal(result.status, 'failed');
    assert.match(result.reason ?? '', /001_broken\.sql failed and was rolled back: .*missing_table/);
    const left = await query<{ tablename: string }>(
      url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = 'half_done'",
    );
    assert.deepEqual(left, []);
  });

  it('fails with one line naming the SSM parameter when the master secret ARN is missing', async () => {
    // Given a writer region whose SSM has no master secret ARN
    await clients
      .ssm(secondary)
      .putParameter({ Name: naming.ssmActiveRegion(), Value: secondary, Type: 'String' });

    // When the step runs against it
    const result = await migrateOrders({
      target: awsTarget({ clients, naming, database: config.database.databaseName }),
      writer: async () => ({ activeRegion: secondary, epoch: 2 }),
    });

    // Then it failed, naming the parameter and the region
    assert.equal(result.status, 'failed');
    assert.match(result.reason ?? '', new RegExp(`${naming.ssmDbMasterSecretArn()}.*${secondary}`));
  });
});
