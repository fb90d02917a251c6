/**
 * The database step of `dr deploy`, after the stacks are applied: the orders migrations
 * (src/core/db-migrations.ts) and the `dr_fence` seed (src/core/db-fence.ts), once, on
 * the writer. Aurora replicates both to the other region.
 *
 * Where the connection comes from:
 * - `--database-url` / `DR_DATABASE_URL`: a PostgreSQL URL, e.g. through a tunnel to the
 *   writer (Aurora lives in private subnets) or a local PostgreSQL in the sandbox;
 * - otherwise (AWS, or an emulator whose Data API is mapped to a database): the RDS Data
 *   API on the writer region's cluster, the way the rest of `dr` reaches the database (no
 *   network path to the private endpoint needed), as the user of the master secret whose
 *   ARN that region publishes in SSM `db-master-secret-arn` (DDL needs the schema's owner,
 *   not the DML-only application user). Each migration file runs in one Data API
 *   transaction, statement by statement (src/core/deploy/data-api-sql.ts);
 * - `--skip-migrations`: skipped, with a note.
 *
 * Then the login roles' passwords are set from their Secrets Manager secrets (a secret
 * without a value gets a generated one first): src/core/db-credentials.ts.
 *
 * The writer and the fence's first value come from SSM `active-region`/`epoch` (the
 * copy with the highest epoch): after a failover the writer is no longer the primary,
 * and the seed never overwrites an existing row.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { Naming } from '../../contract/naming.js';
import { seedFence, readFence, type FenceRow } from '../../contract/database.js';
import type { SqlClient } from '../../contract/database.js';
import { applyMigrations, loadMigrations, type Migration } from '../db-migrations.js';
import { readGlobalCluster } from '../checks/read.js';
import { DataApiSqlClient } from './data-api-sql.js';

export interface DbConnection extends SqlClient {
  end(): Promise<void>;
}

/** How the database step runs: skipped with a reason, or against a connection. */
export type MigrationTarget =
  | { readonly kind: 'skip'; readonly reason: string }
  | {
      readonly kind: 'run';
      /** Where, for people (no password). */
      readonly describe: string;
      readonly connect: (writer: string) => Promise<DbConnection>;
    };

export interface MigrationOutcome {
  readonly status: 'applied' | 'skipped' | 'failed';
  /** Why it was skipped, or what failed. */
  readonly reason?: string;
  readonly target?: string;
  /** The writer region it ran against. */
  readonly writer?: string;
  readonly applied: number[];
  readonly alreadyApplied: number[];
  /** The fence row after the seed. */
  readonly fence?: FenceRow;
  /** The database users whose passwords were set from their secrets. */
  readonly credentialsSet?: string[];
  readonly ms: number;
}

/** A PostgreSQL URL with its password masked, for output. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

/** Opens a `pg` client (imported only when a database step runs). */
export async function pgConnect(config: import('pg').ClientConfig): Promise<DbConnection> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionTimeoutMillis: 10_000, ...config });
  client.on('error', () => {});
  await client.connect();
  return client as unknown as DbConnection;
}

export function urlTarget(url: string): MigrationTarget {
  return { kind: 'run', describe: redactUrl(url), connect: () => pgConnect({ connectionString: url }) };
}

/** The writer region and its fence value, by SSM: the copy with the highest epoch wins. */
export async function readWriter(
  clients: AwsClients,
  naming: Naming,
  regions: { readonly primary: string; readonly secondary: string },
): Promise<FenceRow> {
  const read = async (region: string) => {
    const get = async (name: string) =>
      (await clients.ssm(region).getParameter({ Name: name, WithDecryption: true })).Parameter?.Value;
    const [activeRegion, epoch] = await Promise.all([get(naming.ssmActiveRegion()), get(naming.ssmEpoch())]);
    return activeRegion && Number.isInteger(Number(epoch))
      ? { activeRegion, epoch: Number(epoch) }
      : undefined;
  };
  const copies = await Promise.allSettled([read(regions.primary), read(regions.secondary)]);
  const found = copies.flatMap((c) => (c.status === 'fulfilled' && c.value ? [c.value] : []));
  const best = found.sort((a, b) => b.epoch - a.epoch)[0];
  if (best) return best;
  const reason = copies.find((c): c is PromiseRejectedResult => c.status === 'rejected')?.reason as
    Error | undefined;
  throw new Error(
    `cannot tell the writer region: SSM ${naming.ssmActiveRegion()}/${naming.ssmEpoch()} unreadable in both regions${reason ? ` (${reason.message})` : ''}`,
  );
}

/**
 * The region of the global database's writer cluster, as RDS says (asked in `ask`);
 * undefined when RDS cannot say (a region that does not answer, no writer member).
 */
export async function writerClusterRegion(
  clients: AwsClients,
  naming: Naming,
  ask: string,
): Promise<string | undefined> {
  try {
    const global = await readGlobalCluster(clients.rds(ask), naming.globalCluster());
    return global?.members.find((m) => m.isWriter)?.region || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The writer through the RDS Data API: its region's cluster (by name), as the user of the
 * master secret named by that region's SSM `db-master-secret-arn` (the replica's ARN in
 * the secondary, so a promoted secondary needs nothing from us-east-1).
 */
export function awsTarget(options: {
  readonly clients: AwsClients;
  readonly naming: Naming;
  readonly database: string;
}): MigrationTarget {
  const { clients, naming } = options;
  return {
    kind: 'run',
    describe: `the RDS Data API on the writer cluster, as the master secret's user (SSM ${naming.ssmDbMasterSecretArn()})`,
    connect: async (fenceWriter) => {
      // The Data API takes writes on the global database's writer cluster only. The fence
      // names it too, except while a failover is stopped half-way (a killed CLI or drill):
      // then RDS's own answer decides where the statements can run.
      const writer = (await writerClusterRegion(clients, naming, fenceWriter)) ?? fenceWriter;
      const secretParam = await clients
        .ssm(writer)
        .getParameter({ Name: naming.ssmDbMasterSecretArn(), WithDecryption: true })
        .catch((error: Error) => {
          throw new Error(
            `cannot read SSM ${naming.ssmDbMasterSecretArn()} in ${writer} (the master secret's ARN, written by the global stack): ${error.message}`,
          );
        });
      const secretArn = secretParam.Parameter?.Value;
      if (!secretArn) throw new Error(`SSM ${naming.ssmDbMasterSecretArn()} in ${writer} is empty`);
      const clusters = await clients
        .rds(writer)
        .describeDBClusters({ DBClusterIdentifier: naming.dbCluster(writer) });
      const resourceArn = clusters.DBClusters?.[0]?.DBClusterArn;
      if (!resourceArn) throw new Error(`cluster ${naming.dbCluster(writer)} not found in ${writer}`);
      return new DataApiSqlClient(clients.rdsData(writer), {
        resourceArn,
        secretArn,
        database: options.database,
      });
    },
  };
}

/** Applies the migrations and seeds the fence on the writer. Never throws: a failure is a result. */
export async function migrateOrders(options: {
  readonly target: MigrationTarget;
  /** The writer region and the fence's first value. */
  readonly writer: () => Promise<FenceRow>;
  /** @default - the trade processor's migrations folder */
  readonly migrations?: readonly Migration[];
  /**
   * After the migrations: sets the login roles' passwords from their secrets (see
   * src/core/db-credentials.ts), on the same connection. Returns the users set.
   * @default - roles' passwords left as they are
   */
  readonly credentials?: (sql: SqlClient) => Promise<string[]>;
}): Promise<MigrationOutcome> {
  const started = Date.now();
  const { target } = options;
  if (target.kind === 'skip') {
    return { status: 'skipped', reason: target.reason, applied: [], alreadyApplied: [], ms: 0 };
  }
  let writer: string | undefined;
  let client: DbConnection | undefined;
  try {
    const migrations = options.migrations ?? loadMigrations();
    const fence = await options.writer();
    writer = fence.activeRegion;
    client = await target.connect(writer);
    const result = await applyMigrations(client, migrations);
    await seedFence(client, fence);
    const credentialsSet = options.credentials ? await options.credentials(client) : undefined;
    const row = await readFence(client);
    return {
      status: 'applied',
      target: target.describe,
      writer,
      applied: result.applied,
      alreadyApplied: result.alreadyApplied,
      ...(row ? { fence: row } : {}),
      ...(credentialsSet ? { credentialsSet } : {}),
      ms: Date.now() - started,
    };
  } catch (error) {
    return {
      status: 'failed',
      reason: (error as Error).message,
      target: target.describe,
      ...(writer ? { writer } : {}),
      applied: [],
      alreadyApplied: [],
      ms: Date.now() - started,
    };
  } finally {
    await client?.end().catch(() => {});
  }
}
