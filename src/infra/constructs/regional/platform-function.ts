/**
 * One platform Lambda in one region: the function (same zip and hash in both regions,
 * runtime nodejs22.x, in the private subnets unless `outsideVpc`, X-Ray on, environment encrypted with the
 * regional key), its log group (retention + KMS), and its own least-privilege execution
 * role. Callers add what the function's code calls as `statements`.
 */
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type * as LambdaFunctionModule from '@cdktf/provider-aws/lib/lambda-function/index.js';
import { Fn } from '../../cdktf.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { EncryptedLogGroup } from './log-group.js';
import { policyDocument, serviceTrustPolicy, type Statement } from './policy.js';
import { InvalidPropsError, requireInt } from './validate.js';

const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;
const { LambdaFunction } = requireCjs(
  '@cdktf/provider-aws/lib/lambda-function/index.js',
) as typeof LambdaFunctionModule;
type LambdaFunction = LambdaFunctionModule.LambdaFunction;

export const LAMBDA_RUNTIME = 'nodejs22.x';

export interface PlatformFunctionProps {
  readonly functionName: string;
  readonly roleName: string;
  readonly logGroupName: string;
  /** The zip, as a path relative to the stack's working directory (`<outdir>/stacks/<stack>`). */
  readonly zipPath: string;
  /** @default 'index.handler' */
  readonly handler?: string;
  /** @default 256 */
  readonly memoryMb?: number;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** Concurrency reserved for (and capping) this function. @default - none (shares the account pool) */
  readonly reservedConcurrency?: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly kmsKeyArn: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  /**
   * Run outside the VPC (no subnets, no security groups, no ENI permissions): only for a
   * function that must reach another region or a public endpoint, which the private
   * subnets (VPC endpoints, no internet egress) cannot, and that holds no database
   * credentials and touches no private resource. `subnetIds`/`securityGroupIds` must be empty.
   * @default false
   */
  readonly outsideVpc?: boolean;
  readonly accountId: string;
  /** What the code calls, beyond logs, X-Ray, VPC networking and the key. */
  readonly statements: readonly Statement[];
  /** @default 365 */
  readonly logRetentionDays?: number;
  /** Queue for failed asynchronous invocations (the role may send to it). */
  readonly deadLetterQueueArn: string;
}

const ENV_KEY = /^[A-Za-z][A-Za-z0-9_]*$/;

export class PlatformFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: EncryptedLogGroup;
  readonly functionName: string;
  readonly arn: string;
  readonly invokeArn: string;

  constructor(scope: Construct, id: string, props: PlatformFunctionProps) {
    super(scope, id);
    const what = `PlatformFunction ${props.functionName}`;
    if (!props.zipPath.endsWith('.zip'))
      throw new InvalidPropsError(what, 'zipPath', props.zipPath, 'a path to a .zip');
    const inVpc = props.outsideVpc !== true;
    if (inVpc && props.subnetIds.length < 2) {
      throw new InvalidPropsError(what, 'subnetIds', props.subnetIds, 'at least two subnets (two AZs)');
    }
    if (!inVpc && props.subnetIds.length + props.securityGroupIds.length > 0) {
      throw new InvalidPropsError(
        what,
        'subnetIds',
        props.subnetIds,
        'no subnets or security groups with outsideVpc: true',
      );
    }
    for (const key of Object.keys(props.environment)) {
      if (!ENV_KEY.test(key) || key.startsWith('AWS_')) {
        throw new InvalidPropsError(
          what,
          'environment',
          key,
          'variable names not starting with AWS_ (reserved)',
        );
      }
    }
    const memoryMb = requireInt(what, 'memoryMb', props.memoryMb ?? 256, 128, 10240);
    const timeoutSeconds = requireInt(what, 'timeoutSeconds', props.timeoutSeconds ?? 30, 1, 900);
    const reserved =
      props.reservedConcurrency === undefined
        ? undefined
        : requireInt(what, 'reservedConcurrency', props.reservedConcurrency, 1);

    this.logGroup = new EncryptedLogGroup(this, 'logs', {
      name: props.logGroupName,
      kmsKeyArn: props.kmsKeyArn,
      ...(props.logRetentionDays ? { retentionDays: props.logRetentionDays } : {}),
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com', props.accountId),
    });
    const policy = new IamRolePolicy(this, 'policy', {
      role: this.role.id,
      name: 'execution',
      policy: policyDocument(
        [
          {
            sid: 'WriteOwnLogs',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [`${this.logGroup.arn}:*`],
          },
          ...(inVpc
            ? [
                {
                  // ENI management for a function in a VPC: these EC2 actions have no
                  // resource-level permissions for this use (AWS's own VPC execution policy uses *).
                  sid: 'VpcNetworkInterfaces',
                  actions: [
                    'ec2:CreateNetworkInterface',
                    'ec2:DescribeNetworkInterfaces',
                    'ec2:DescribeSubnets',
                    'ec2:DeleteNetworkInterface',
                    'ec2:AssignPrivateIpAddresses',
                    'ec2:UnassignPrivateIpAddresses',
                  ],
                  resources: ['*'],
                },
              ]
            : []),
          {
            // X-Ray trace writes have no resource-level permissions.
            sid: 'XRayTraces',
            actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
            resources: ['*'],
          },
          {
            sid: 'UseRegionalKey',
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: [props.kmsKeyArn],
          },
          {
            sid: 'DeadLetterQueue',
            actions: ['sqs:SendMessage'],
            resources: [props.deadLetterQueueArn],
          },
          ...props.statements,
        ],
        `${what} execution role`,
      ),
    });

    this.fn = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      handler: props.handler ?? 'index.handler',
      architectures: ['arm64'],
      filename: props.zipPath,
      // Terraform hashes the zip at plan time: it need not exist at synthesis, and both
      // regions get the same expression and so the same hash.
      sourceCodeHash: Fn.filebase64sha256(props.zipPath),
      memorySize: memoryMb,
      timeout: timeoutSeconds,
      ...(reserved === undefined ? {} : { reservedConcurrentExecutions: reserved }),
      kmsKeyArn: props.kmsKeyArn,
      environment: { variables: { ...props.environment } },
      ...(inVpc
        ? { vpcConfig: { subnetIds: [...props.subnetIds], securityGroupIds: [...props.securityGroupIds] } }
        : {}),
      tracingConfig: { mode: 'Active' },
      // Only asynchronous invocations (EventBridge) use it; API and SQS callers retry themselves.
      deadLetterConfig: { targetArn: props.deadLetterQueueArn },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      // The role must be able to create ENIs and write logs before the function exists.
      dependsOn: [policy, this.logGroup.logGroup],
    });
    this.functionName = this.fn.functionName;
    this.arn = this.fn.arn;
    this.invokeArn = this.fn.invokeArn;
  }
}
