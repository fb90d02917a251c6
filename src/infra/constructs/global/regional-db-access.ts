/**
 * What a region's database clients need to find and reach the database: SSM
 * parameters with that region's cluster endpoint and secret ARN (SecureString, with
 * the region's key), and an inline policy on each client role to read them, read the
 * secret and connect with IAM database authentication as the application user.
 */
import type { TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as SsmParameterModule from '@cdktf/provider-aws/lib/ssm-parameter/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { arn, policyDocument, type ArnContext } from './policy.js';
import { requireCjs } from '../../cjs.js';

const { SsmParameter } = requireCjs(
  '@cdktf/provider-aws/lib/ssm-parameter/index.js',
) as typeof SsmParameterModule;
type SsmParameter = SsmParameterModule.SsmParameter;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;
type IamRolePolicy = IamRolePolicyModule.IamRolePolicy;

export interface RegionalDbAccessProps {
  readonly provider: TerraformProvider;
  readonly region: string;
  readonly arnContext: ArnContext;
  /** Full SSM names of the two parameters. */
  readonly endpointParameterName: string;
  readonly secretArnParameterName: string;
  /** The region's cluster endpoint (writer endpoint of that member cluster). */
  readonly clusterEndpoint: string;
  /** The cluster's resource id (`cluster-…`), the scope of `rds-db:connect`. */
  readonly clusterResourceId: string;
  /** The DB user's secret in this region. */
  readonly secretArn: string;
  readonly kmsKeyArn: string;
  readonly dbUser: string;
  /**
   * The fence writer's secret in this region and the SSM name of its ARN parameter: the
   * failover plan reads it and hands it to the state machine's fence step. Only the
   * parameter is made here; the client roles get no access to it.
   * @default - no fence secret parameter
   */
  readonly fenceSecret?: { readonly parameterName: string; readonly arn: string };
  /**
   * The master user's secret in this region and the SSM name of its ARN parameter:
   * `dr deploy` reads it to run the migrations through the RDS Data API. Only the
   * parameter is made here; the client roles get no access to it.
   * @default - no master secret parameter
   */
  readonly masterSecret?: { readonly parameterName: string; readonly arn: string };
  /** Execution roles that get the policy, by a stable key (the construct id): trade processor, health. */
  readonly roles: Readonly<Record<string, string>>;
  /**
   * Name of the inline policy on each role.
   * @default - `database-access`
   */
  readonly policyName?: string;
}

export class RegionalDbAccess extends Construct {
  public readonly endpointParameter: SsmParameter;
  public readonly secretArnParameter: SsmParameter;
  public readonly fenceSecretArnParameter?: SsmParameter;
  public readonly masterSecretArnParameter?: SsmParameter;
  public readonly policies: IamRolePolicy[];

  constructor(scope: Construct, id: string, props: RegionalDbAccessProps) {
    super(scope, id);
    if (Object.keys(props.roles).length === 0) {
      throw new Error('RegionalDbAccess: roles must name at least one role to grant database access to');
    }
    if (!/^[a-z_][a-z0-9_]*$/.test(props.dbUser)) {
      throw new Error(`RegionalDbAccess: dbUser must be a PostgreSQL identifier, got "${props.dbUser}"`);
    }
    const parameter = (parameterId: string, name: string, value: string) =>
      new SsmParameter(this, parameterId, {
        provider: props.provider,
        name,
        type: 'SecureString',
        keyId: props.kmsKeyArn,
        value,
      });
    this.endpointParameter = parameter('endpoint', props.endpointParameterName, props.clusterEndpoint);
    this.secretArnParameter = parameter('secret-arn', props.secretArnParameterName, props.secretArn);
    if (props.fenceSecret) {
      this.fenceSecretArnParameter = parameter(
        'fence-secret-arn',
        props.fenceSecret.parameterName,
        props.fenceSecret.arn,
      );
    }
    if (props.masterSecret) {
      this.masterSecretArnParameter = parameter(
        'master-secret-arn',
        props.masterSecret.parameterName,
        props.masterSecret.arn,
      );
    }

    const document = policyDocument(
      [
        {
          sid: 'ReadDbParameters',
          actions: ['ssm:GetParameter', 'ssm:GetParameters'],
          resources: [this.endpointParameter.arn, this.secretArnParameter.arn],
        },
        { sid: 'ReadDbSecret', actions: ['secretsmanager:GetSecretValue'], resources: [props.secretArn] },
        {
          sid: 'DecryptDbSecretAndParameters',
          actions: ['kms:Decrypt'],
          resources: [props.kmsKeyArn],
          condition: {
            StringEquals: {
              'kms:ViaService': [
                `secretsmanager.${props.region}.amazonaws.com`,
                `ssm.${props.region}.amazonaws.com`,
              ],
            },
          },
        },
        {
          sid: 'ConnectAsAppUser',
          actions: ['rds-db:connect'],
          resources: [
            arn(
              props.arnContext,
              'rds-db',
              props.region,
              `dbuser:${props.clusterResourceId}/${props.dbUser}`,
            ),
          ],
        },
      ],
      'RegionalDbAccess',
    );
    this.policies = Object.entries(props.roles).map(
      ([key, role]) =>
        new IamRolePolicy(this, `policy-${key}`, {
          provider: props.provider,
          role,
          name: props.policyName ?? 'database-access',
          policy: document,
        }),
    );
  }
}
