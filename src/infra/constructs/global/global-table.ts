/**
 * A DynamoDB global table (version 2019.11.21): the table in the provider's region
 * plus replicas, every copy encrypted with its own region's key and with point-in-time
 * recovery on. Streams (NEW_AND_OLD_IMAGES) are what global tables replicate through.
 */
import type { TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as DynamodbTableModule from '@cdktf/provider-aws/lib/dynamodb-table/index.js';
import { requireCjs } from '../../cjs.js';

const { DynamodbTable } = requireCjs(
  '@cdktf/provider-aws/lib/dynamodb-table/index.js',
) as typeof DynamodbTableModule;
type DynamodbTable = DynamodbTableModule.DynamodbTable;

export interface GlobalTableReplica {
  readonly region: string;
  readonly kmsKeyArn: string;
}

export interface GlobalTableProps {
  readonly provider: TerraformProvider;
  readonly tableName: string;
  /** Region of `provider` (a replica may not be in it). */
  readonly region: string;
  readonly hashKey: string;
  /**
   * Type of the hash key: S, N or B.
   * @default - `S`
   */
  readonly hashKeyType?: 'S' | 'N' | 'B';
  /**
   * Attribute holding the expiry (epoch seconds) for DynamoDB TTL.
   * @default - no TTL
   */
  readonly ttlAttribute?: string;
  /** Key of the table in `region`. */
  readonly kmsKeyArn: string;
  /** At least one replica in another region. */
  readonly replicas: readonly GlobalTableReplica[];
  /**
   * @default - true
   */
  readonly deletionProtection?: boolean;
}

function validate(props: GlobalTableProps): void {
  if (props.replicas.length === 0) {
    throw new Error(`GlobalTable ${props.tableName}: replicas must name at least one other region`);
  }
  const regions = props.replicas.map((r) => r.region);
  if (regions.includes(props.region)) {
    throw new Error(
      `GlobalTable ${props.tableName}: a replica cannot be in the table's own region ${props.region}`,
    );
  }
  if (new Set(regions).size !== regions.length) {
    throw new Error(`GlobalTable ${props.tableName}: replica regions repeat: ${regions.join(', ')}`);
  }
  if (props.ttlAttribute !== undefined && props.ttlAttribute === props.hashKey) {
    throw new Error(
      `GlobalTable ${props.tableName}: ttlAttribute must differ from the hash key ${props.hashKey}`,
    );
  }
}

export class GlobalTable extends Construct {
  public readonly table: DynamodbTable;
  /** ARN of the table in `region`. */
  public readonly arn: string;
  /** ARNs of the replicas, in the order of `replicas`. */
  public readonly replicaArns: string[];

  constructor(scope: Construct, id: string, props: GlobalTableProps) {
    super(scope, id);
    validate(props);
    const deletionProtection = props.deletionProtection ?? true;
    this.table = new DynamodbTable(this, 'table', {
      provider: props.provider,
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: props.hashKey,
      attribute: [{ name: props.hashKey, type: props.hashKeyType ?? 'S' }],
      ...(props.ttlAttribute ? { ttl: { attributeName: props.ttlAttribute, enabled: true } } : {}),
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      pointInTimeRecovery: { enabled: true },
      streamEnabled: true,
      streamViewType: 'NEW_AND_OLD_IMAGES',
      deletionProtectionEnabled: deletionProtection,
      replica: props.replicas.map((r) => ({
        regionName: r.region,
        kmsKeyArn: r.kmsKeyArn,
        pointInTimeRecovery: true,
        deletionProtectionEnabled: deletionProtection,
        propagateTags: true,
      })),
    });
    this.arn = this.table.arn;
    this.replicaArns = props.replicas.map((_, i) => this.table.replica.get(i).arn);
  }
}
