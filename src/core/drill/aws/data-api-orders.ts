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
import { Naming } from '../../../contract/naming.js';
import {
  ledgerPattern,
  processedRowsSql,
  toProcessedRow,
  type ProcessedRecord,
  type ProcessedRow,
} from '../orders.js';
import { writerRegion } from '../scenario.js';

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

  /** The global writer's region as either region describes it (the primary when neither can say). */
  private async writer(): Promise<string> {
    const { primary, secondary } = this.config.regions;
    for (const ask of [secondary, primary]) {
      const region = await writerRegion(this.clients, this.config, ask).catch(() => null);
      if (region) return region;
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
      sql: processedRowsSql(':prefix'),
      parameters: [{ name: 'prefix', value: { stringValue: ledgerPattern(prefix) } }],
      formatRecordsAs: 'JSON',
    });
    return (JSON.parse(out.formattedRecords ?? '[]') as ProcessedRecord[]).map(toProcessedRow);
  }
}
