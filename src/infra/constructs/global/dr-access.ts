/**
 * Who may do what across regions: the policies of the roles that run a failover (each
 * region's state-machine role), that check readiness (each region's readiness-check
 * function), and that a person assumes to run `dr` (the operator role).
 *
 * The statements name concrete resources of both regions. Where a resource lives in a
 * regional stack and the contract carries no ARN for it (state machines, queues,
 * alarms, SSM parameters, event source mappings), the ARN is built from the naming
 * module, the partition and the account id. No statement grants `*` or `service:*`
 * actions (policy.ts refuses them); the only `*` resources are actions that IAM
 * cannot scope (cloudwatch:GetMetricData, lambda:ListEventSourceMappings,
 * cloudwatch:PutMetricData with a namespace condition).
 */
import { AUDIT_PREFIX } from '../../../contract/audit.js';
import { Construct } from 'constructs';
import { Naming } from '../../../contract/naming.js';
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type * as IamPolicyModule from '@cdktf/provider-aws/lib/iam-policy/index.js';
import type * as IamRolePolicyAttachmentModule from '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js';
import { arn, policyDocument, type ArnContext, type PolicyStatement } from './policy.js';
import { requireCjs } from '../../cjs.js';

const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;
type IamRolePolicy = IamRolePolicyModule.IamRolePolicy;
const { IamPolicy } = requireCjs('@cdktf/provider-aws/lib/iam-policy/index.js') as typeof IamPolicyModule;
const { IamRolePolicyAttachment } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy-attachment/index.js',
) as typeof IamRolePolicyAttachmentModule;

/** One region's resources the DR roles act on. */
export interface DrRegionTargets {
  readonly region: string;
  readonly kmsKeyArn: string;
  readonly dbClusterArn: string;
  readonly configBucketArn: string;
  readonly auditLogBucketArn: string;
  readonly eventBusArn: string;
  readonly tradeProcessorArn: string;
  /** Names of the platform's functions in this region (`dr verify-sync` compares their code). */
  readonly functionNames: readonly string[];
  /** Names of the failover and failback state machines. */
  readonly stateMachineNames: readonly string[];
  /** Names of the orders queue and its DLQ. */
  readonly queueNames: readonly string[];
  /** The region's copy of the lease table and of the sessions table. */
  readonly leaseTableArn: string;
  readonly sessionsTableArn: string;
  /** The application DB user's secret in this region: the failover writes the fence row with it (RDS Data API). */
  readonly dbSecretArn?: string;
  /** The order API and its stage (`dr drill` posts orders there and throttles it for the outage). */
  readonly restApiId?: string;
  readonly restApiStageName?: string;
}

export interface DrAccessTargets {
  readonly arnContext: ArnContext;
  /** SSM path prefix of the platform, e.g. `/trading-prod`. */
  readonly ssmPrefix: string;
  /** Full SSM names of `active-region` and `epoch`. */
  readonly fencingParameterNames: readonly string[];
  /** Alarm names start with this (the platform's naming prefix). */
  readonly alarmNamePrefix: string;
  /** CloudWatch namespace of the platform's own metrics. */
  readonly metricsNamespace: string;
  readonly globalClusterArn: string;
  readonly healthCheckArns: readonly string[];
  /** The public hosted zone's ARN (`dr status` reads the API's records there). */
  readonly hostedZoneArn: string;
  /** Full SSM name of the shared `auto-failover` setting (the drill switches it on and back). */
  readonly autoFailoverParameterName: string;
  /**
   * ARNs of the roles whose failover and failback calls the `iam-permissions` check
   * simulates (src/core/checks/permission-paths.ts): the operator, and each region's
   * state-machine, watchdog, readiness-check and trade-processor roles.
   * @default - no simulation grant (the check then reports itself unknown)
   */
  readonly simulatedRoleArns?: readonly string[];
  readonly regions: readonly [DrRegionTargets, DrRegionTargets];
}

const via = (service: string, t: DrAccessTargets) => ({
  StringEquals: { 'kms:ViaService': t.regions.map((r) => `${service}.${r.region}.amazonaws.com`) },
});
const keys = (t: DrAccessTargets) => t.regions.map((r) => r.kmsKeyArn);
const esmArns = (t: DrAccessTargets) =>
  t.regions.map((r) => arn(t.arnContext, 'lambda', r.region, 'event-source-mapping:*'));
const ssmParameterArns = (t: DrAccessTargets, names: readonly string[]) =>
  t.regions.flatMap((r) => names.map((n) => arn(t.arnContext, 'ssm', r.region, `parameter${n}`)));

/** Reads every region's replication and health state (what `dr verify-sync`/`status` check). */
function readStatements(t: DrAccessTargets): PolicyStatement[] {
  return [
    {
      sid: 'DescribeGlobalDatabase',
      actions: ['rds:DescribeGlobalClusters', 'rds:DescribeDBClusters'],
      resources: [t.globalClusterArn, ...t.regions.map((r) => r.dbClusterArn)],
    },
    {
      sid: 'DescribeTables',
      actions: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups'],
      resources: t.regions.flatMap((r) => [r.leaseTableArn, r.sessionsTableArn]),
    },
    {
      sid: 'ReadReplicationSetup',
      actions: ['s3:GetReplicationConfiguration', 's3:GetBucketVersioning'],
      resources: t.regions.flatMap((r) => [r.configBucketArn, r.auditLogBucketArn]),
    },
    {
      sid: 'ReadPlatformParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resources: ssmParameterArns(t, [t.ssmPrefix, `${t.ssmPrefix}/*`]),
    },
    { sid: 'DecryptParameters', actions: ['kms:Decrypt'], resources: keys(t), condition: via('ssm', t) },
    {
      sid: 'ReadEventSourceMappings',
      actions: ['lambda:GetEventSourceMapping'],
      resources: esmArns(t),
    },
    // Neither action supports resource-level permissions.
    {
      sid: 'ListMappingsAndReadMetrics',
      actions: ['lambda:ListEventSourceMappings', 'cloudwatch:GetMetricData'],
      resources: ['*'],
    },
    {
      sid: 'ReadQueues',
      actions: ['sqs:GetQueueAttributes'],
      resources: t.regions.flatMap((r) => r.queueNames.map((q) => arn(t.arnContext, 'sqs', r.region, q))),
    },
    { sid: 'ReadHealthChecks', actions: ['route53:GetHealthCheckStatus'], resources: [...t.healthCheckArns] },
    // dr status finds the zone by name (ListHostedZonesByName) and the checks by their FQDN
    // (ListHealthChecks): neither supports resource-level permissions.
    {
      sid: 'FindZoneAndHealthChecks',
      actions: ['route53:ListHostedZonesByName', 'route53:ListHealthChecks'],
      resources: ['*'],
    },
    // dr status reads the API's failover records (ListResourceRecordSets) in the zone only.
    { sid: 'ReadApiRecords', actions: ['route53:ListResourceRecordSets'], resources: [t.hostedZoneArn] },
  ];
}

/** Canary writes: a marker object/item written in one region and read back in the other. */
function canaryStatements(t: DrAccessTargets): PolicyStatement[] {
  return [
    {
      // PutObject; HeadObject (s3:GetObject); DeleteObject with a VersionId
      // (s3:DeleteObjectVersion): the buckets are versioned, and the clean-up deletes the
      // exact versions so that no version or delete marker stays behind (src/core/checks/canary.ts).
      sid: 'CanaryObjects',
      actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObjectVersion'],
      resources: t.regions.map((r) => `${r.configBucketArn}/${Naming.canaryObjectPrefix}*`),
    },
    {
      sid: 'CanaryObjectKeys',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: keys(t),
      condition: via('s3', t),
    },
    {
      sid: 'CanaryItems',
      actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
      resources: t.regions.map((r) => r.sessionsTableArn),
      // The key verify-sync's canary writes (src/core/checks/canary.ts): `dr-canary-<uuid>`.
      condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${Naming.canaryItemPrefix}*`] } },
    },
  ];
}

function leaseStatement(t: DrAccessTargets): PolicyStatement {
  return {
    sid: 'OperationLease',
    actions: [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:ConditionCheckItem',
    ],
    resources: t.regions.map((r) => r.leaseTableArn),
  };
}

/** What a failover or failback state machine does, from whichever region runs it. */
export function stateMachineStatements(t: DrAccessTargets): PolicyStatement[] {
  return [
    {
      sid: 'GlobalDatabaseSwitch',
      actions: [
        'rds:SwitchoverGlobalCluster',
        'rds:FailoverGlobalCluster',
        'rds:RemoveFromGlobalCluster',
        'rds:DescribeGlobalClusters',
        'rds:DescribeDBClusters',
      ],
      resources: [t.globalClusterArn, ...t.regions.map((r) => r.dbClusterArn)],
    },
    { sid: 'ReadEventSourceMappings', actions: ['lambda:GetEventSourceMapping'], resources: esmArns(t) },
    {
      sid: 'FenceEventSourceMappings',
      actions: ['lambda:UpdateEventSourceMapping'],
      resources: esmArns(t),
      condition: { StringEquals: { 'lambda:FunctionArn': t.regions.map((r) => r.tradeProcessorArn) } },
    },
    // ListEventSourceMappings supports no resource-level permissions.
    { sid: 'FindEventSourceMappings', actions: ['lambda:ListEventSourceMappings'], resources: ['*'] },
    {
      sid: 'FencingParameters',
      actions: ['ssm:GetParameter', 'ssm:PutParameter'],
      resources: ssmParameterArns(t, t.fencingParameterNames),
    },
    {
      sid: 'FencingParameterKeys',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: keys(t),
      condition: via('ssm', t),
    },
    { sid: 'PublishDrEvents', actions: ['events:PutEvents'], resources: t.regions.map((r) => r.eventBusArn) },
    leaseStatement(t),
    {
      // The fence row on the new writer (src/core/db-fence.ts), through the RDS Data API.
      sid: 'FenceRowDataApi',
      actions: ['rds-data:ExecuteStatement'],
      resources: t.regions.map((r) => r.dbClusterArn),
    },
    ...t.regions.flatMap((r, i): PolicyStatement[] =>
      r.dbSecretArn
        ? [
            {
              sid: `FenceRowSecret${i}`,
              actions: ['secretsmanager:GetSecretValue'],
              resources: [r.dbSecretArn],
            },
          ]
        : [],
    ),
    {
      sid: 'FenceRowSecretKeys',
      actions: ['kms:Decrypt'],
      resources: keys(t),
      condition: via('secretsmanager', t),
    },
    {
      sid: 'WriteAuditLog',
      actions: ['s3:PutObject'],
      resources: t.regions.map((r) => `${r.auditLogBucketArn}/*`),
    },
    {
      sid: 'AuditLogKeys',
      actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
      resources: keys(t),
      condition: via('s3', t),
    },
  ];
}

/** The hourly readiness check: the same reads as `dr verify-sync`, canaries, its metrics and events. */
export function readinessStatements(t: DrAccessTargets): PolicyStatement[] {
  return [
    ...readStatements(t),
    ...canaryStatements(t),
    {
      sid: 'PublishReadinessMetrics',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      condition: { StringEquals: { 'cloudwatch:namespace': t.metricsNamespace } },
    },
    {
      sid: 'PublishReadinessEvents',
      actions: ['events:PutEvents'],
      resources: t.regions.map((r) => r.eventBusArn),
    },
  ];
}

/** What `dr status`, `verify-sync`, `failover`, `failback` and `drill` call, in the two platform regions only. */
export function operatorStatements(t: DrAccessTargets): PolicyStatement[] {
  const machines = t.regions.flatMap((r) => r.stateMachineNames.map((name) => ({ region: r.region, name })));
  const statements: PolicyStatement[] = [
    ...readStatements(t),
    ...canaryStatements(t),
    leaseStatement(t),
    {
      sid: 'RunDrStateMachines',
      actions: ['states:StartExecution', 'states:DescribeStateMachine', 'states:ListExecutions'],
      resources: machines.map((m) => arn(t.arnContext, 'states', m.region, `stateMachine:${m.name}`)),
    },
    {
      sid: 'FollowDrExecutions',
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution'],
      resources: machines.map((m) => arn(t.arnContext, 'states', m.region, `execution:${m.name}:*`)),
    },
    {
      // Execution data of the DR machines is encrypted with the regional key: StartExecution
      // encrypts the input (kms:GenerateDataKey); DescribeExecution and GetExecutionHistory
      // return input and event data (kms:Decrypt), which findRunning, resume, the returned-region
      // fence and the drill read. Only through Step Functions, only for these machines.
      sid: 'DrExecutionData',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: keys(t),
      condition: {
        StringEquals: {
          ...via('states', t).StringEquals,
          'kms:EncryptionContext:aws:states:stateMachineArn': machines.map((m) =>
            arn(t.arnContext, 'states', m.region, `stateMachine:${m.name}`),
          ),
        },
      },
    },
    {
      // DescribeAlarms with AlarmNamePrefix `<prefix>-<region code>-` and AlarmTypes
      // [MetricAlarm] (src/core/checks/read.ts readAlarms): a scope narrower than `*` serves
      // metric alarms; only composite alarms need `*`.
      sid: 'ReadAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: t.regions.map((r) =>
        arn(t.arnContext, 'cloudwatch', r.region, `alarm:${t.alarmNamePrefix}*`),
      ),
    },
    {
      // GetFunction: verify-sync compares each function's CodeSha256 across regions
      // (src/core/checks/read.ts readCodeSha).
      sid: 'ReadFunctionCode',
      actions: ['lambda:GetFunction'],
      resources: t.regions.flatMap((r) =>
        r.functionNames.map((fn) => arn(t.arnContext, 'lambda', r.region, `function:${fn}`)),
      ),
    },
    {
      // PutObject: the CLI's audit record of a failover/failback (src/core/failover/run.ts
      // writeAudit), under dr-audit/ only; its KMS data key is CanaryObjectKeys' (via S3).
      sid: 'WriteAuditRecord',
      actions: ['s3:PutObject'],
      resources: t.regions.map((r) => `${r.auditLogBucketArn}/${AUDIT_PREFIX}/*`),
    },
    ...(t.simulatedRoleArns && t.simulatedRoleArns.length > 0
      ? [
          {
            // SimulatePrincipalPolicy: verify-sync's iam-permissions check asks IAM whether
            // each DR role may make its path's calls (src/core/checks/permissions.ts).
            sid: 'SimulateDrRoles',
            actions: ['iam:SimulatePrincipalPolicy'],
            resources: [...t.simulatedRoleArns],
          },
        ]
      : []),
  ];
  // One Deny instead of a condition on every Allow keeps the policy well under IAM's
  // 10,240-character limit for a role's inline policies.
  return [
    ...statements,
    {
      sid: 'DenyOutsidePlatformRegions',
      effect: 'Deny',
      actions: ['*'],
      resources: ['*'],
      condition: { StringNotEquals: { 'aws:RequestedRegion': t.regions.map((r) => r.region) } },
    },
  ];
}

/**
 * What `dr drill` needs beyond the operator's policy: observe Route 53's answer, post
 * synthetic orders (SigV4) to the order APIs, count processed orders through the RDS
 * Data API, and make and undo the data-plane outage (the order API stage's throttling,
 * the trade processor's reserved concurrency). A managed policy of its own: fault
 * injection stays apart from everyday failover rights, and the operator's inline policy
 * stays under IAM's 10,240-character limit.
 */
export function drillStatements(t: DrAccessTargets): PolicyStatement[] {
  const apis = t.regions.filter(
    (r): r is DrRegionTargets & { restApiId: string; restApiStageName: string } =>
      r.restApiId !== undefined && r.restApiStageName !== undefined,
  );
  const apigw = (region: string, path: string) =>
    `arn:${t.arnContext.partition}:apigateway:${region}::${path}`;
  return [
    {
      sid: 'FindOrderApis',
      actions: ['apigateway:GET'],
      resources: apis.flatMap((r) => [
        apigw(r.region, '/restapis'),
        apigw(r.region, `/restapis/${r.restApiId}/stages/${r.restApiStageName}`),
      ]),
    },
    {
      sid: 'ThrottleOrderApiStage',
      actions: ['apigateway:PATCH'],
      resources: apis.map((r) => apigw(r.region, `/restapis/${r.restApiId}/stages/${r.restApiStageName}`)),
    },
    {
      sid: 'PostSyntheticOrders',
      actions: ['execute-api:Invoke'],
      resources: apis.map((r) =>
        arn(t.arnContext, 'execute-api', r.region, `${r.restApiId}/${r.restApiStageName}/POST/orders`),
      ),
    },
    {
      sid: 'TradeProcessorConcurrency',
      actions: [
        'lambda:GetFunctionConcurrency',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
      ],
      resources: t.regions.map((r) => r.tradeProcessorArn),
    },
    // The drill switches auto-failover on and back (PutParameter with the regional key as KeyId;
    // FencingParameterKeys covers the key through SSM).
    {
      sid: 'SwitchAutoFailover',
      actions: ['ssm:PutParameter'],
      resources: ssmParameterArns(t, [t.autoFailoverParameterName]),
    },
    // None of the three supports resource-level permissions.
    {
      sid: 'ObserveRoute53',
      actions: ['route53:TestDNSAnswer', 'route53:ListHostedZonesByName', 'route53:ListHealthChecks'],
      resources: ['*'],
    },
    {
      sid: 'CountOrdersDataApi',
      actions: ['rds-data:ExecuteStatement'],
      resources: t.regions.map((r) => r.dbClusterArn),
    },
    ...(t.regions.every((r) => r.dbSecretArn)
      ? [
          {
            sid: 'CountOrdersSecret',
            actions: ['secretsmanager:GetSecretValue'],
            resources: t.regions.map((r) => r.dbSecretArn as string),
          },
          {
            sid: 'CountOrdersSecretKeys',
            actions: ['kms:Decrypt'],
            resources: keys(t),
            condition: via('secretsmanager', t),
          },
        ]
      : []),
  ];
}

export interface RolePolicyProps {
  /** Roles (created elsewhere) that get the policy, by a stable key used in construct ids. */
  readonly roles: Readonly<Record<string, string>>;
  readonly policyName: string;
  readonly statements: readonly PolicyStatement[];
}

/** One inline policy attached to several existing roles. */
export class RolePolicy extends Construct {
  public readonly policies: IamRolePolicy[];

  constructor(scope: Construct, id: string, props: RolePolicyProps) {
    super(scope, id);
    if (Object.keys(props.roles).length === 0) {
      throw new Error(`RolePolicy ${props.policyName}: roles must name at least one role`);
    }
    const policy = policyDocument(props.statements, `RolePolicy ${props.policyName}`);
    this.policies = Object.entries(props.roles).map(
      ([key, role]) => new IamRolePolicy(this, key, { role, name: props.policyName, policy }),
    );
  }
}

export interface OperatorRoleProps {
  readonly roleName: string;
  readonly arnContext: ArnContext;
  /**
   * Principals (role, user or account-root ARNs) that may assume the role.
   * @default - the account root, and only with MFA
   */
  readonly operators?: readonly string[];
  readonly statements: readonly PolicyStatement[];
  /** The managed policy `dr drill` needs on top (drillStatements), and its name. */
  readonly drill?: { readonly policyName: string; readonly statements: readonly PolicyStatement[] };
  /**
   * Session length, seconds (1–12 h). A failover with Aurora promotion fits in one hour.
   * @default - 3600
   */
  readonly maxSessionDurationSeconds?: number;
}

/** The role people assume to run `dr` against the platform. */
export class OperatorRole extends Construct {
  public readonly role: IamRole;

  constructor(scope: Construct, id: string, props: OperatorRoleProps) {
    super(scope, id);
    const duration = props.maxSessionDurationSeconds ?? 3600;
    if (!Number.isInteger(duration) || duration < 3600 || duration > 43200) {
      throw new Error(`OperatorRole: maxSessionDurationSeconds must be 3600–43200, got ${duration}`);
    }
    if (props.operators !== undefined && props.operators.length === 0) {
      throw new Error('OperatorRole: operators, when given, must name at least one principal');
    }
    const principals = props.operators ?? [
      `arn:${props.arnContext.partition}:iam::${props.arnContext.accountId}:root`,
    ];
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      description: 'Runs dr status, verify-sync, failover, failback and drill',
      maxSessionDuration: duration,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: [...principals] },
            Action: 'sts:AssumeRole',
            // The account root delegates to every IAM principal of the account: without
            // an explicit list of operators, demand MFA.
            ...(props.operators ? {} : { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }),
          },
        ],
      }),
    });
    new IamRolePolicy(this, 'policy', {
      role: this.role.name,
      name: 'dr-operator',
      policy: policyDocument(props.statements, 'OperatorRole'),
    });
    if (props.drill) {
      const drill = new IamPolicy(this, 'drill-policy', {
        name: props.drill.policyName,
        description:
          'dr drill: observe Route 53, post synthetic orders, count them, make and undo the outage',
        policy: policyDocument(props.drill.statements, 'OperatorRole drill'),
      });
      new IamRolePolicyAttachment(this, 'drill-policy-attachment', {
        role: this.role.name,
        policyArn: drill.arn,
      });
    }
  }
}
