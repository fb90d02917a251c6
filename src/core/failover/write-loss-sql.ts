/**
 * The reads behind the lost-write report (./write-loss.ts), through the RDS Data API of
 * one member cluster of the global database, as the application user (SSM
 * `regional/db-secret-arn` of the cluster's region: it may read `orders` and `dr_fence`,
 * nothing more is needed). Every statement is bounded (LIMIT, or a list of ids the caller
 * bounds), returns JSON records, and names its columns; times come back as ISO 8601 UTC
 * with milliseconds, and a page key (`received_at::text`) exact to the microsecond.
 */
import type { SqlParameter } from '@aws-sdk/client-rds-data';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';

/** A member cluster the Data API can run statements on. */
export interface ClusterAccess {
  readonly region: string;
  readonly identifier: string;
  readonly arn: string;
  readonly secretArn: string;
}

/** The cluster of `region` and the application user's secret there (two calls in that region). */
export async function clusterAccess(
  clients: AwsClients,
  config: DrConfig,
  region: string,
): Promise<ClusterAccess> {
  const naming = new Naming(config);
  const identifier = naming.dbCluster(region);
  const [clusters, secret] = await Promise.all([
    clients.rds(region).describeDBClusters({ DBClusterIdentifier: identifier }),
    clients.ssm(region).getParameter({ Name: naming.ssmDbSecretArn(), WithDecryption: true }),
  ]);
  const arn = clusters.DBClusters?.[0]?.DBClusterArn;
  const secretArn = secret.Parameter?.Value;
  if (!arn) throw new Error(`no Aurora cluster ${identifier} in ${region}`);
  if (!secretArn) throw new Error(`SSM ${naming.ssmDbSecretArn()} in ${region} is empty`);
  return { region, identifier, arn, secretArn };
}

type Value = string | number | null;

/** One statement on `cluster`; its rows as objects keyed by column name. */
export async function select<T>(
  clients: AwsClients,
  config: DrConfig,
  cluster: ClusterAccess,
  sql: string,
  params: Readonly<Record<string, Value | { json: string }>> = {},
): Promise<T[]> {
  const parameters: SqlParameter[] = Object.entries(params).map(([name, v]) => {
    if (v === null) return { name, value: { isNull: true } };
    if (typeof v === 'number') return { name, value: { longValue: v } };
    if (typeof v === 'string') return { name, value: { stringValue: v } };
    return { name, value: { stringValue: v.json }, typeHint: 'JSON' };
  });
  const out = await clients.rdsData(cluster.region).executeStatement({
    resourceArn: cluster.arn,
    secretArn: cluster.secretArn,
    database: config.database.databaseName,
    sql,
    ...(parameters.length > 0 ? { parameters } : {}),
    formatRecordsAs: 'JSON',
  });
  return JSON.parse(out.formattedRecords ?? '[]') as T[];
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The fence row and which database answered: a cluster whose fence row is the new
 * writer's, to the microsecond, holds the new writer's data (Aurora re-synced it), unless
 * both answered from one database (server address, port, database, server start).
 */
export const FENCE_SQL = `SELECT active_region, epoch::text AS epoch, updated_at::text AS updated_at,
       concat_ws(' ', host(inet_server_addr()), inet_server_port()::text, current_database(),
                 pg_postmaster_start_time()::text) AS server
  FROM dr_fence WHERE singleton`;

export interface FenceRecord {
  readonly active_region: string;
  readonly epoch: string;
  readonly updated_at: string;
  readonly server: string;
}

/**
 * The newest order `:region` wrote (needs an index on `(written_region, received_at)` to
 * stay cheap on a large table).
 */
export const NEWEST_SQL = `SELECT client_order_id, ${iso('received_at')} AS written_at
  FROM orders WHERE written_region = :region
 ORDER BY received_at DESC, client_order_id DESC LIMIT 1`;

export interface NewestRecord {
  readonly client_order_id: string;
  readonly written_at: string;
}

/**
 * One page of the orders `:region` wrote, newest first: at or after `since` when given,
 * strictly before the page key `(after_at, after_id)` when given.
 */
export function pageSql(options: { since: boolean; after: boolean }): string {
  return `SELECT client_order_id, account, symbol, side, quantity::text AS quantity,
       limit_price::text AS limit_price, ${iso('ordered_at')} AS ordered_at,
       ${iso('received_at')} AS written_at, received_at::text AS page_at
  FROM orders
 WHERE written_region = :region${options.since ? '\n   AND received_at >= CAST(:since AS timestamptz)' : ''}${
   options.after
     ? '\n   AND (received_at, client_order_id) < (CAST(:after_at AS timestamptz), CAST(:after_id AS text))'
     : ''
 }
 ORDER BY received_at DESC, client_order_id DESC
 LIMIT :limit`;
}

export interface OrderRecord {
  readonly client_order_id: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: string;
  readonly limit_price: string;
  readonly ordered_at: string;
  readonly written_at: string;
  readonly page_at: string;
}

/** Which of the ids in `:ids` (a JSON array of strings) the cluster holds: primary-key lookups. */
export const HELD_SQL = `SELECT client_order_id FROM orders
 WHERE client_order_id = ANY (ARRAY(SELECT json_array_elements_text(CAST(:ids AS json))))`;
