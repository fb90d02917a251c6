/**
 * A Secrets Manager secret in the primary region with a replica in the secondary,
 * each encrypted with its region's key. This construct creates the secret only, never a
 * version: the value is either set outside Terraform (`dr deploy` for the application
 * DB users' passwords, `aws secretsmanager put-secret-value`, or a rotation function) or
 * written write-only (`secret_string_wo`) by the construct that generates it (the master
 * user's: AuroraGlobalDatabase), so it is in neither the code nor the state. Secrets Manager copies every new version to the
 * replica, so the secondary can read it while us-east-1 is down.
 */
import { Fn, TerraformLocal, Token, type TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as SecretsmanagerSecretModule from '@cdktf/provider-aws/lib/secretsmanager-secret/index.js';
import { requireCjs } from '../../cjs.js';

const { SecretsmanagerSecret } = requireCjs(
  '@cdktf/provider-aws/lib/secretsmanager-secret/index.js',
) as typeof SecretsmanagerSecretModule;
type SecretsmanagerSecret = SecretsmanagerSecretModule.SecretsmanagerSecret;

export interface ReplicatedSecretProps {
  readonly provider: TerraformProvider;
  readonly name: string;
  /** Region of `provider`. */
  readonly region: string;
  readonly kmsKeyArn: string;
  readonly replicaRegion: string;
  readonly replicaKmsKeyArn: string;
  /**
   * @default - none
   */
  readonly description?: string;
  /**
   * Days a deleted secret can still be restored (7–30).
   * @default - 30
   */
  readonly recoveryWindowDays?: number;
}

function validate(props: ReplicatedSecretProps): void {
  if (props.region === props.replicaRegion) {
    throw new Error(`ReplicatedSecret: replicaRegion must differ from region (both are ${props.region})`);
  }
  const days = props.recoveryWindowDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 7 || days > 30)) {
    throw new Error(`ReplicatedSecret: recoveryWindowDays must be 7–30, got ${days}`);
  }
  if (!Token.isUnresolved(props.name) && !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(props.name)) {
    throw new Error(`ReplicatedSecret: name may hold letters, digits and /_+=.@- only, got "${props.name}"`);
  }
}

export class ReplicatedSecret extends Construct {
  public readonly secret: SecretsmanagerSecret;
  /** ARN of the secret in the primary region. */
  public readonly arn: string;
  /** ARN of the replica: the same ARN in the replica region (the provider has no attribute for it). */
  public readonly replicaArn: string;

  constructor(scope: Construct, id: string, props: ReplicatedSecretProps) {
    super(scope, id);
    validate(props);
    this.secret = new SecretsmanagerSecret(this, 'secret', {
      provider: props.provider,
      name: props.name,
      ...(props.description ? { description: props.description } : {}),
      kmsKeyId: props.kmsKeyArn,
      recoveryWindowInDays: props.recoveryWindowDays ?? 30,
      replica: [{ region: props.replicaRegion, kmsKeyId: props.replicaKmsKeyArn }],
    });
    // No rotation resource: the value must never pass through Terraform, and rotating
    // it is the owner's runbook step (the Lambdas connect with IAM database
    // authentication, not this password). checkov's CKV2_AWS_57 is skipped in
    // .checkov.yaml for this reason (terraform_json scans honour no inline skips).
    this.arn = this.secret.arn;
    // A local, so that the value reads as a plain reference where it is embedded in
    // JSON (policy documents): the function call's own quotes would not.
    this.replicaArn = new TerraformLocal(
      this,
      'replica-arn',
      Fn.replace(this.secret.arn, `:${props.region}:`, `:${props.replicaRegion}:`),
    ).asString;
  }
}
