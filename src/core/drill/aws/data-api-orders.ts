/**
 * Processed orders on AWS, read through the RDS Data API: Aurora lives in private
 * subnets, the Data API is reachable with IAM from wherever the drill runs. The query
 * goes to the current writer cluster (DescribeGlobalClusters), with the credentials the
 * failover machine's fence step uses (SSM `db-secret-arn` of that region), so the
 * operator role needs nothing beyond what a failover already needs. When the writer's
 * region does not answer, the other region's cluster is read (a reader lags, so a row
 * may show up there a moment later).
 */
import type { AwsClients } from '../../../aws/clients.js';
import type { DrConfig } from '../../../config/schema.js';
import { Naming } from '../../../infra/naming.js';
import type { ProcessedRow } from '../orders.js';

/** The statement (also ./orders.ts's processedRows, for a direct connection). */
export const PROCESSED_ROWS_DATA_API_SQL = `SELECT client_order_id, written_region, written_epoch,
       (extract(epoch from received_at) * 1000)::bigint AS at
  FROM orders WHERE client_order_id LIKE :prefix`;

interface ClusterAccess {
  readonly clusterArn: string;
  readonly secretArn: string;
}

export class DataApiOrders {
  private readonly naming: Naming;
  private readonly access = new Map<string, Promise<ClusterAccess>>();

  constructor(
    private readonly clients: AwsClients,
    private readonly config: DrConfig,
  ) {
    this.naming = new Naming(config);
  }

  private clusterAccess(region: string): Promise<ClusterAccess> {
    let found = this.access.get(region);
    if (!found) {
      found = (async () => {
        const [clusters, secret] = await Promise.all([
          this.clients.rds(region).describeDBClusters({ DBClusterIdentifier: this.naming.dbCluster(region) }),
          this.clients
            .ssm(region)
            .getParameter({ Name: this.naming.ssmRegional('db-secret-arn'), WithDecryption: true }),
        ]);
        const clusterArn = clusters.DBClusters?.[0]?.DBClusterArn;
        const secretArn = secret.Parameter?.Value;
        if (!clusterArn || !secretArn)
          throw new Error(`no Aurora cluster or db-secret-arn in ${region}: is the platform deployed?`);
        return { clusterArn, secretArn };
      })();
      found.catch(() => this.access.delete(region));
      this.access.set(region, found);
    }
    return found;
  }

  private async writer(): Promise<string> {
    const { primary, secondary } = this.config.regions;
    for (const ask of [secondary, primary]) {
      try {
        const out = await this.clients
          .rds(ask)
          .describeGlobalClusters({ GlobalClusterIdentifier: this.naming.globalCluster() });
        const arn = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
        const region = [primary, secondary].find((r) =>
          arn?.endsWith(`:cluster:${this.naming.dbCluster(r)}`),
        );
        if (region) return region;
      } catch {
        // the other region may know
      }
    }
    return primary;
  }

  /** The rows of orders whose client order id starts with `prefix-`. */
  async rows(prefix: string): Promise<ProcessedRow[]> {
    const writer = await this.writer();
    const other =
      writer === this.config.regions.primary ? this.config.regions.secondary : this.config.regions.primary;
    let lastError: unknown;
    for (const region of [writer, other]) {
      try {
        return await this.query(region, prefix);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  private async query(region: string, prefix: string): Promise<ProcessedRow[]> {
    const { clusterArn, secretArn } = await this.clusterAccess(region);
    const out = await this.clients.rdsData(region).executeStatement({
      resourceArn: clusterArn,
      secretArn,
      database: this.config.database.databaseName,
      sql: PROCESSED_ROWS_DATA_API_SQL,
      parameters: [{ name: 'prefix', value: { stringValue: `${prefix}-%` } }],
      formatRecordsAs: 'JSON',
    });
    const records = JSON.parse(out.formattedRecords ?? '[]') as Array<{
      client_order_id: string;
      written_region: string;
      written_epoch: number | string;
      at: number | string;
    }>;
    return records.map((r) => ({
      id: r.client_order_id,
      region: r.written_region,
      epoch: Number(r.written_epoch),
      at: Number(r.at),
    }));
  }
}
