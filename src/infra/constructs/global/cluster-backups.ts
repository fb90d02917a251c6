/**
 * AWS Backup for the Aurora member clusters, one vault and plan per region (a vault
 * is regional), one IAM role for AWS Backup. Aurora's own automated backups cover
 * point-in-time restore within the retention window; these daily recovery points
 * outlive it and survive a deleted cluster, which replication (by design) does not:
 * a DROP TABLE replicates to the secondary within a second.
 */
import type { TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as BackupVaultModule from '@cdktf/provider-aws/lib/backup-vault/index.js';
import type * as BackupPlanModule from '@cdktf/provider-aws/lib/backup-plan/index.js';
import type * as BackupSelectionModule from '@cdktf/provider-aws/lib/backup-selection/index.js';
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyAttachmentModule from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { serviceTrustPolicy } from './policy.js';
import { requireCjs } from '../../cjs.js';

const { BackupVault } = requireCjs(
  '@cdktf/provider-aws/lib/backup-vault/index.js',
) as typeof BackupVaultModule;
type BackupVault = BackupVaultModule.BackupVault;
const { BackupPlan } = requireCjs('@cdktf/provider-aws/lib/backup-plan/index.js') as typeof BackupPlanModule;
type BackupPlan = BackupPlanModule.BackupPlan;
const { BackupSelection } = requireCjs(
  '@cdktf/provider-aws/lib/backup-selection/index.js',
) as typeof BackupSelectionModule;
type BackupSelection = BackupSelectionModule.BackupSelection;
const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicyAttachment } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js',
) as typeof IamRolePolicyAttachmentModule;
type IamRolePolicyAttachment = IamRolePolicyAttachmentModule.IamRolePolicyAttachment;

export interface BackedUpCluster {
  /** Stable key, used in construct ids (e.g. `primary`). */
  readonly key: string;
  readonly provider: TerraformProvider;
  readonly clusterArn: string;
  readonly kmsKeyArn: string;
  /** Name of the region's vault, also used for its plan and selection. */
  readonly vaultName: string;
}

export interface ClusterBackupsProps {
  readonly roleName: string;
  readonly accountId: string;
  readonly clusters: readonly BackedUpCluster[];
  /**
   * When the daily backup starts (UTC).
   * @default - `cron(0 5 * * ? *)`
   */
  readonly schedule?: string;
  /**
   * Days a recovery point is kept.
   * @default - 35
   */
  readonly retentionDays?: number;
}

export class ClusterBackups extends Construct {
  public readonly role: IamRole;
  public readonly vaults: Record<string, BackupVault>;

  constructor(scope: Construct, id: string, props: ClusterBackupsProps) {
    super(scope, id);
    if (props.clusters.length === 0)
      throw new Error('ClusterBackups: clusters must name at least one cluster');
    const days = props.retentionDays ?? 35;
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(`ClusterBackups: retentionDays must be a positive number of days, got ${days}`);
    }
    const schedule = props.schedule ?? 'cron(0 5 * * ? *)';
    if (!/^(cron|rate)\(.+\)$/.test(schedule)) {
      throw new Error(
        `ClusterBackups: schedule must be a cron(...) or rate(...) expression, got "${schedule}"`,
      );
    }

    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: serviceTrustPolicy('backup.amazonaws.com', { sourceAccount: props.accountId }),
    });
    new IamRolePolicyAttachment(this, 'role-policy', {
      role: this.role.name,
      policyArn: 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup',
    });

    this.vaults = {};
    for (const cluster of props.clusters) {
      const { provider } = cluster;
      const vault = new BackupVault(this, `${cluster.key}-vault`, {
        provider,
        name: cluster.vaultName,
        kmsKeyArn: cluster.kmsKeyArn,
      });
      const plan = new BackupPlan(this, `${cluster.key}-plan`, {
        provider,
        name: cluster.vaultName,
        rule: [
          {
            ruleName: 'daily',
            targetVaultName: vault.name,
            schedule,
            lifecycle: { deleteAfter: days },
          },
        ],
      });
      new BackupSelection(this, `${cluster.key}-selection`, {
        provider,
        name: cluster.vaultName,
        planId: plan.id,
        iamRoleArn: this.role.arn,
        resources: [cluster.clusterArn],
      });
      this.vaults[cluster.key] = vault;
    }
  }
}
