/**
 * S3 replication in one direction, for a set of bucket pairs (config, audit logs):
 * one IAM role for the direction, least privilege, and one replication configuration
 * per source bucket with Replication Time Control (15 min), replication metrics,
 * delete-marker replication and SSE-KMS re-encryption under the destination's key.
 *
 * The platform replicates both ways (primary → secondary, and secondary → primary for
 * failback). That is safe from loops: S3 never replicates an object whose replication
 * status is REPLICA (one that arrived by replication) again, unless replica
 * modification sync is on, which these rules leave off. So an object written in
 * us-east-1 goes to us-east-2 and stops there; one written in us-east-2 while it is
 * the active region goes back to us-east-1, and is waiting there on failback.
 */
import type { TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type * as S3BucketReplicationConfigurationModule from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration/index.js';
import { policyDocument, serviceTrustPolicy } from './policy.js';
import { requireCjs } from '../../cjs.js';

const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;
type IamRolePolicy = IamRolePolicyModule.IamRolePolicy;
const { S3BucketReplicationConfigurationA } = requireCjs(
  '@cdktf/provider-aws/lib/s3-bucket-replication-configuration/index.js',
) as typeof S3BucketReplicationConfigurationModule;
type S3BucketReplicationConfigurationA =
  S3BucketReplicationConfigurationModule.S3BucketReplicationConfigurationA;

export interface ReplicatedBucketRef {
  readonly bucket: string;
  readonly arn: string;
}

export interface BucketPair {
  /** Stable key, used in construct ids and rule ids (e.g. `config`). */
  readonly key: string;
  readonly source: ReplicatedBucketRef;
  readonly destination: ReplicatedBucketRef;
}

export interface BucketReplicationProps {
  /** Provider of the source region (a replication configuration lives with its bucket). */
  readonly provider: TerraformProvider;
  readonly sourceRegion: string;
  readonly destinationRegion: string;
  readonly accountId: string;
  readonly roleName: string;
  readonly pairs: readonly BucketPair[];
  readonly sourceKmsKeyArn: string;
  readonly destinationKmsKeyArn: string;
  /**
   * Storage class of the replicas.
   * @default - `STANDARD` (the replica is a hot standby, read on failover)
   */
  readonly storageClass?: 'STANDARD' | 'STANDARD_IA' | 'INTELLIGENT_TIERING';
  /**
   * Replication Time Control threshold and metrics event threshold, minutes. S3 accepts 15 only.
   * @default - 15
   */
  readonly replicationTimeMinutes?: number;
}

function validate(props: BucketReplicationProps): void {
  if (props.sourceRegion === props.destinationRegion) {
    throw new Error(
      `BucketReplication: destinationRegion must differ from sourceRegion (both ${props.sourceRegion})`,
    );
  }
  if (props.pairs.length === 0)
    throw new Error('BucketReplication: pairs must name at least one bucket pair');
  const keys = props.pairs.map((p) => p.key);
  if (new Set(keys).size !== keys.length) {
    throw new Error(`BucketReplication: pair keys must be unique, got ${keys.join(', ')}`);
  }
  const minutes = props.replicationTimeMinutes;
  if (minutes !== undefined && minutes !== 15) {
    throw new Error(
      `BucketReplication: replicationTimeMinutes must be 15 (the only value S3 RTC accepts), got ${minutes}`,
    );
  }
}

export class BucketReplication extends Construct {
  /** Id of the rule replicating pair `key` to `destinationRegion` (the `RuleId` dimension of its metrics). */
  static ruleId(key: string, destinationRegion: string): string {
    return `${key}-to-${destinationRegion}`;
  }

  public readonly role: IamRole;
  public readonly configurations: Record<string, S3BucketReplicationConfigurationA>;

  constructor(scope: Construct, id: string, props: BucketReplicationProps) {
    super(scope, id);
    validate(props);
    const minutes = props.replicationTimeMinutes ?? 15;
    const { pairs } = props;

    this.role = new IamRole(this, 'role', {
      provider: props.provider,
      name: props.roleName,
      assumeRolePolicy: serviceTrustPolicy('s3.amazonaws.com', {
        sourceAccount: props.accountId,
        sourceArns: pairs.map((p) => p.source.arn),
      }),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      provider: props.provider,
      role: this.role.name,
      name: 'replication',
      policy: policyDocument(
        [
          {
            sid: 'ReadSourceConfiguration',
            actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
            resources: pairs.map((p) => p.source.arn),
          },
          {
            sid: 'ReadSourceObjects',
            actions: [
              's3:GetObjectVersionForReplication',
              's3:GetObjectVersionAcl',
              's3:GetObjectVersionTagging',
            ],
            resources: pairs.map((p) => `${p.source.arn}/*`),
          },
          {
            sid: 'WriteReplicas',
            actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
            resources: pairs.map((p) => `${p.destination.arn}/*`),
          },
          {
            sid: 'DecryptSource',
            actions: ['kms:Decrypt'],
            resources: [props.sourceKmsKeyArn],
            condition: { StringEquals: { 'kms:ViaService': `s3.${props.sourceRegion}.amazonaws.com` } },
          },
          {
            sid: 'EncryptReplicas',
            actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
            resources: [props.destinationKmsKeyArn],
            condition: { StringEquals: { 'kms:ViaService': `s3.${props.destinationRegion}.amazonaws.com` } },
          },
        ],
        `BucketReplication ${props.roleName}`,
      ),
    });

    this.configurations = {};
    for (const pair of pairs) {
      this.configurations[pair.key] = new S3BucketReplicationConfigurationA(this, `${pair.key}-replication`, {
        provider: props.provider,
        bucket: pair.source.bucket,
        role: this.role.arn,
        dependsOn: [policy],
        rule: [
          {
            id: BucketReplication.ruleId(pair.key, props.destinationRegion),
            status: 'Enabled',
            priority: 1,
            filter: {},
            deleteMarkerReplication: { status: 'Enabled' },
            sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: 'Enabled' } },
            destination: {
              bucket: pair.destination.arn,
              storageClass: props.storageClass ?? 'STANDARD',
              encryptionConfiguration: { replicaKmsKeyId: props.destinationKmsKeyArn },
              replicationTime: { status: 'Enabled', time: { minutes } },
              metrics: { status: 'Enabled', eventThreshold: { minutes } },
            },
          },
        ],
      });
    }
  }
}
