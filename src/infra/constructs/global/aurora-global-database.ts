/**
 * The Aurora PostgreSQL global database: the global cluster, the writer member in the
 * primary region and the reader member in the secondary, one instance each.
 *
 * The master password: RDS refuses to manage it (`manage_master_user_password`) for a
 * cluster in a global database, so the apply generates it (the ephemeral resource
 * `aws_secretsmanager_random_password`: opened during the apply, never stored) and hands
 * the same value, write-only, to the writer (`master_password_wo`) and to the master
 * secret (`secret_string_wo`, `{username, password}` as the RDS Data API reads it). Both
 * carry a version: a later apply with the same version sends nothing, so the password
 * stays; a higher version makes a new one in both (rotation). Write-only values are in
 * neither the plan nor the state, and the synthesized JSON holds only the references.
 * The secret is written after the cluster: a cluster create that fails leaves the secret
 * untouched, and the retry's password lands in both. The master user, like every
 * database role, replicates to the secondary, so the secret's replica serves a promoted
 * secondary too.
 *
 * Failover and switchover swap the members' roles behind Terraform's back, so
 * both members ignore the attributes that change with the role; otherwise the next
 * `terraform apply` would try to undo the failover.
 */
import { Fn, TerraformStack, ref, type TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as RdsGlobalClusterModule from '@cdktf/provider-aws/lib/rds-global-cluster/index.js';
import type * as RdsClusterModule from '@cdktf/provider-aws/lib/rds-cluster/index.js';
import type * as RdsClusterInstanceModule from '@cdktf/provider-aws/lib/rds-cluster-instance/index.js';
import type * as RdsClusterParameterGroupModule from '@cdktf/provider-aws/lib/rds-cluster-parameter-group/index.js';
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyAttachmentModule from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import type * as SecretsmanagerSecretVersionModule from '@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js';
import { serviceTrustPolicy } from './policy.js';
import { requireCjs } from '../../cjs.js';

const { RdsGlobalCluster } = requireCjs(
  '@cdktf/provider-aws/lib/rds-global-cluster/index.js',
) as typeof RdsGlobalClusterModule;
type RdsGlobalCluster = RdsGlobalClusterModule.RdsGlobalCluster;
const { RdsCluster } = requireCjs('@cdktf/provider-aws/lib/rds-cluster/index.js') as typeof RdsClusterModule;
type RdsCluster = RdsClusterModule.RdsCluster;
const { RdsClusterInstance } = requireCjs(
  '@cdktf/provider-aws/lib/rds-cluster-instance/index.js',
) as typeof RdsClusterInstanceModule;
type RdsClusterInstance = RdsClusterInstanceModule.RdsClusterInstance;
const { RdsClusterParameterGroup } = requireCjs(
  '@cdktf/provider-aws/lib/rds-cluster-parameter-group/index.js',
) as typeof RdsClusterParameterGroupModule;
type RdsClusterParameterGroup = RdsClusterParameterGroupModule.RdsClusterParameterGroup;
const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicyAttachment } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js',
) as typeof IamRolePolicyAttachmentModule;
type IamRolePolicyAttachment = IamRolePolicyAttachmentModule.IamRolePolicyAttachment;
const { SecretsmanagerSecretVersion } = requireCjs(
  '@cdktf/provider-aws/lib/secretsmanager-secret-version/index.js',
) as typeof SecretsmanagerSecretVersionModule;
type SecretsmanagerSecretVersion = SecretsmanagerSecretVersionModule.SecretsmanagerSecretVersion;

export interface AuroraMemberProps {
  readonly provider: TerraformProvider;
  readonly clusterIdentifier: string;
  readonly instanceIdentifier: string;
  /** The region's customer-managed KMS key (storage, Performance Insights). */
  readonly kmsKeyArn: string;
  readonly dbSubnetGroupName: string;
  readonly securityGroupIds: readonly string[];
}

export interface AuroraGlobalDatabaseProps {
  readonly globalClusterIdentifier: string;
  /** Aurora PostgreSQL engine version, e.g. `16.6`. */
  readonly engineVersion: string;
  /** Database created on the writer. */
  readonly databaseName: string;
  readonly instanceClass: string;
  /**
   * Automated backups kept, days (1–35).
   * @default - 7
   */
  readonly backupRetentionDays?: number;
  /**
   * Master user (its password is generated in the apply and kept in `masterSecretId`).
   * @default - `dr_admin`
   */
  readonly masterUsername?: string;
  /**
   * The Secrets Manager secret (id or ARN, in the primary region) that receives the master
   * credentials, `{username, password}`; created elsewhere (a ReplicatedSecret), without a value.
   */
  readonly masterSecretId: string;
  /**
   * Version of the generated master password: raise it to generate a new one, set on the
   * writer and written to the secret in the same apply (rotation).
   * @default - 1
   */
  readonly masterPasswordVersion?: number;
  /**
   * Enhanced Monitoring interval, seconds (1, 5, 10, 15, 30 or 60).
   * @default - 60
   */
  readonly monitoringIntervalSeconds?: number;
  /**
   * Statements slower than this are logged, milliseconds (with every DDL statement; row
   * data of ordinary statements stays out of the logs).
   * @default - 1000
   */
  readonly logMinDurationMs?: number;
  /** Name of the Enhanced Monitoring role this construct creates (IAM is global: one role serves both regions). */
  readonly monitoringRoleName: string;
  readonly primary: AuroraMemberProps;
  readonly secondary: AuroraMemberProps;
}

const MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60];
/** RDS master passwords: 8–41 printable ASCII characters, no `/`, `"`, `@` or space. */
const MASTER_PASSWORD_LENGTH = 40;
const ENGINE = 'aurora-postgresql';
/** Attributes that a switchover or failover changes outside Terraform. */
const ROLE_SWAPPED = ['replication_source_identifier', 'global_cluster_identifier'];

function validate(props: AuroraGlobalDatabaseProps): void {
  const days = props.backupRetentionDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 35)) {
    throw new Error(`AuroraGlobalDatabase: backupRetentionDays must be 1–35, got ${days}`);
  }
  if (!/^\d+(\.\d+)*$/.test(props.engineVersion)) {
    throw new Error(`AuroraGlobalDatabase: engineVersion must look like 16.6, got "${props.engineVersion}"`);
  }
  const slow = props.logMinDurationMs;
  if (slow !== undefined && (!Number.isInteger(slow) || slow < -1)) {
    throw new Error(
      `AuroraGlobalDatabase: logMinDurationMs must be -1 (off) or a number of milliseconds, got ${slow}`,
    );
  }
  const version = props.masterPasswordVersion;
  if (version !== undefined && (!Number.isInteger(version) || version < 1)) {
    throw new Error(`AuroraGlobalDatabase: masterPasswordVersion must be a whole number ≥ 1, got ${version}`);
  }
  const interval = props.monitoringIntervalSeconds;
  if (interval !== undefined && !MONITORING_INTERVALS.includes(interval)) {
    throw new Error(
      `AuroraGlobalDatabase: monitoringIntervalSeconds must be one of ${MONITORING_INTERVALS.join(', ')}, got ${interval}`,
    );
  }
  if (!props.instanceClass.startsWith('db.')) {
    throw new Error(
      `AuroraGlobalDatabase: instanceClass must be an RDS class such as db.r6g.large, got "${props.instanceClass}"`,
    );
  }
  if (props.primary.clusterIdentifier === props.secondary.clusterIdentifier) {
    throw new Error(
      `AuroraGlobalDatabase: the member clusters need different identifiers, both are "${props.primary.clusterIdentifier}"`,
    );
  }
  for (const [side, member] of [
    ['primary', props.primary],
    ['secondary', props.secondary],
  ] as const) {
    if (member.securityGroupIds.length === 0) {
      throw new Error(`AuroraGlobalDatabase: ${side}.securityGroupIds must name at least one security group`);
    }
  }
}

export class AuroraGlobalDatabase extends Construct {
  public readonly globalCluster: RdsGlobalCluster;
  public readonly primaryCluster: RdsCluster;
  public readonly primaryInstance: RdsClusterInstance;
  public readonly secondaryCluster: RdsCluster;
  public readonly secondaryInstance: RdsClusterInstance;
  public readonly monitoringRole: IamRole;
  /** The master secret's value, written write-only after the writer exists. */
  public readonly masterSecretVersion: SecretsmanagerSecretVersion;

  constructor(scope: Construct, id: string, props: AuroraGlobalDatabaseProps) {
    super(scope, id);
    validate(props);
    const monitoringInterval = props.monitoringIntervalSeconds ?? 60;

    this.monitoringRole = new IamRole(this, 'monitoring-role', {
      provider: props.primary.provider,
      name: props.monitoringRoleName,
      assumeRolePolicy: serviceTrustPolicy('monitoring.rds.amazonaws.com'),
    });
    // The AWS managed policy for Enhanced Monitoring (writes to the RDSOSMetrics log group only).
    new IamRolePolicyAttachment(this, 'monitoring-policy', {
      provider: props.primary.provider,
      role: this.monitoringRole.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole',
    });

    this.globalCluster = new RdsGlobalCluster(this, 'global-cluster', {
      provider: props.primary.provider,
      globalClusterIdentifier: props.globalClusterIdentifier,
      engine: ENGINE,
      engineVersion: props.engineVersion,
      databaseName: props.databaseName,
      storageEncrypted: true,
      deletionProtection: true,
    });

    // Query logging (DDL and slow statements) through a cluster parameter group per region.
    const family = `${ENGINE}${props.engineVersion.split('.')[0]}`;
    const parameterGroup = (groupId: string, member: AuroraMemberProps) =>
      new RdsClusterParameterGroup(this, groupId, {
        provider: member.provider,
        name: `${member.clusterIdentifier}-params`,
        family,
        description: `${member.clusterIdentifier}: DDL and slow-statement logging`,
        parameter: [
          { name: 'log_statement', value: 'ddl' },
          { name: 'log_min_duration_statement', value: String(props.logMinDurationMs ?? 1000) },
        ],
      });
    const groups = {
      primary: parameterGroup('primary-parameters', props.primary),
      secondary: parameterGroup('secondary-parameters', props.secondary),
    };

    const common = (member: AuroraMemberProps, group: RdsClusterParameterGroup) => ({
      provider: member.provider,
      clusterIdentifier: member.clusterIdentifier,
      globalClusterIdentifier: this.globalCluster.id,
      engine: ENGINE,
      engineVersion: this.globalCluster.engineVersion,
      dbSubnetGroupName: member.dbSubnetGroupName,
      dbClusterParameterGroupName: group.name,
      vpcSecurityGroupIds: [...member.securityGroupIds],
      storageEncrypted: true,
      kmsKeyId: member.kmsKeyArn,
      deletionProtection: true,
      copyTagsToSnapshot: true,
      iamDatabaseAuthenticationEnabled: true,
      // The RDS Data API: the failover state machine advances the fence row on the new
      // writer through it (an AWS SDK integration; no Lambda, no VPC path needed).
      enableHttpEndpoint: true,
      enabledCloudwatchLogsExports: ['postgresql'],
      backupRetentionPeriod: props.backupRetentionDays ?? 7,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${member.clusterIdentifier}-final`,
      lifecycle: { ignoreChanges: ROLE_SWAPPED },
    });
    const instance = (instanceId: string, member: AuroraMemberProps, cluster: RdsCluster) =>
      new RdsClusterInstance(this, instanceId, {
        provider: member.provider,
        identifier: member.instanceIdentifier,
        clusterIdentifier: cluster.id,
        engine: ENGINE,
        engineVersion: cluster.engineVersion,
        instanceClass: props.instanceClass,
        dbSubnetGroupName: member.dbSubnetGroupName,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        copyTagsToSnapshot: true,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: member.kmsKeyArn,
        performanceInsightsRetentionPeriod: 7,
        monitoringInterval,
        monitoringRoleArn: this.monitoringRole.arn,
      });

    // The generated password: an ephemeral resource (cdktf has no class for those, so it is
    // written into the stack's `ephemeral` block), read only through write-only arguments.
    const masterUsername = props.masterUsername ?? 'dr_admin';
    const passwordVersion = props.masterPasswordVersion ?? 1;
    const ephemeralName = `${this.node.id}-master-password`;
    TerraformStack.of(this).addOverride(`ephemeral.aws_secretsmanager_random_password.${ephemeralName}`, {
      provider: props.primary.provider.fqn,
      password_length: MASTER_PASSWORD_LENGTH,
      exclude_punctuation: true,
      include_space: false,
    });
    const password = ref(`ephemeral.aws_secretsmanager_random_password.${ephemeralName}.random_password`);

    this.primaryCluster = new RdsCluster(this, 'primary-cluster', {
      ...common(props.primary, groups.primary),
      databaseName: props.databaseName,
      masterUsername,
      masterPasswordWo: password.toString(),
      masterPasswordWoVersion: passwordVersion,
    });
    this.masterSecretVersion = new SecretsmanagerSecretVersion(this, 'master-secret-value', {
      provider: props.primary.provider,
      secretId: props.masterSecretId,
      secretStringWo: Fn.jsonencode({ username: masterUsername, password }),
      secretStringWoVersion: passwordVersion,
      dependsOn: [this.primaryCluster],
    });
    this.primaryInstance = instance('primary-instance', props.primary, this.primaryCluster);

    // A secondary can join only once the writer has an instance; it has no master
    // credentials of its own (they replicate from the writer).
    this.secondaryCluster = new RdsCluster(this, 'secondary-cluster', {
      ...common(props.secondary, groups.secondary),
      dependsOn: [this.primaryInstance],
    });
    this.secondaryInstance = instance('secondary-instance', props.secondary, this.secondaryCluster);
  }
}
