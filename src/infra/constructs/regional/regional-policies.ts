/**
 * What each platform function's execution role may do in its region, beyond what
 * PlatformFunction grants every function (logs, X-Ray, the key and the DLQ). The
 * regional stack hands these statements to its functions; they live here, in the
 * manner of ../global/dr-access.ts, so a policy reads apart from the wiring.
 *
 * Where the resource is created in the same stack after the functions, or in the other
 * region or the global stack, the ARN is built from the naming module, the partition and
 * the account id: the state machines and the bus come after the functions (the alarms
 * need the function names), and the tables, the cluster and the peer region's resources
 * are not in this stack at all.
 */
import { Naming, type LambdaFunctionName } from '../../../contract/naming.js';
import { failoverWatchdogStatements } from './failover-watchdog.js';
import { arn, type ArnContext, type Statement } from './policy.js';

export interface FunctionStatementsProps {
  readonly arnContext: ArnContext;
  readonly naming: Naming;
  /** The region the functions run in. */
  readonly region: string;
  /** The other region (readiness compares both). */
  readonly peerRegion: string;
  readonly ordersQueueArn: string;
  readonly ordersDlqArn: string;
  readonly alarmTopicArn: string;
}

/** The statements of every platform function's execution role, by function. */
export function functionStatements(props: FunctionStatementsProps): Record<LambdaFunctionName, Statement[]> {
  return {
    'trade-processor': tradeProcessorStatements(props),
    health: healthStatements(props),
    'readiness-check': readinessCheckStatements(props),
    'failover-watchdog': watchdogStatements(props),
  };
}

/** Both SSM names under the platform's prefix in each region: the path itself and below it. */
function readSsm(
  { arnContext: ctx, naming }: FunctionStatementsProps,
  regions: readonly string[],
): Statement {
  return {
    sid: 'ReadDrParameters',
    actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
    resources: regions.flatMap((r) => [
      arn(ctx, 'ssm', r, `parameter${naming.ssmPrefix()}`),
      arn(ctx, 'ssm', r, `parameter${naming.ssmPrefix()}/*`),
    ]),
  };
}

function readDbSecret({ arnContext: ctx, naming, region }: FunctionStatementsProps): Statement {
  return {
    sid: 'ReadDbAppSecret',
    actions: ['secretsmanager:GetSecretValue'],
    // Secrets Manager appends six random characters to the name.
    resources: [arn(ctx, 'secretsmanager', region, `secret:${naming.dbAppSecret()}-??????`)],
  };
}

function describeAurora(
  { arnContext: ctx, naming }: FunctionStatementsProps,
  regions: readonly string[],
): Statement {
  return {
    sid: 'DescribeAurora',
    actions: ['rds:DescribeGlobalClusters', 'rds:DescribeDBClusters'],
    resources: [
      `arn:${ctx.partition}:rds::${ctx.accountId}:global-cluster:${naming.globalCluster()}`,
      ...regions.map((r) => arn(ctx, 'rds', r, `cluster:${naming.dbCluster(r)}`)),
    ],
  };
}

function tradeProcessorStatements(props: FunctionStatementsProps): Statement[] {
  return [
    {
      sid: 'ConsumeOrders',
      actions: [
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:ChangeMessageVisibility',
        'sqs:GetQueueAttributes',
      ],
      resources: [props.ordersQueueArn],
    },
    readSsm(props, [props.region]),
    readDbSecret(props),
  ];
}

function healthStatements(props: FunctionStatementsProps): Statement[] {
  return [
    readSsm(props, [props.region]),
    readDbSecret(props),
    describeAurora(props, [props.region]),
    { sid: 'IntakeQueue', actions: ['sqs:GetQueueAttributes'], resources: [props.ordersQueueArn] },
  ];
}

/** Readiness = verify-sync: it compares both regions (no database login). */
function readinessCheckStatements(props: FunctionStatementsProps): Statement[] {
  const both = [props.region, props.peerRegion];
  return [
    readSsm(props, both),
    describeAurora(props, both),
    ...readinessTableAndFunctionStatements(props, both),
    ...readinessBucketStatements(props, both),
    ...readinessQueueAndMetricStatements(props),
    simulateDrRoles(props, both),
  ];
}

/** The tables' replicas, the functions' code, the mappings, the alarms and the bus. */
function readinessTableAndFunctionStatements(
  { arnContext: ctx, naming, region }: FunctionStatementsProps,
  both: readonly string[],
): Statement[] {
  return [
    {
      sid: 'SessionsTableReplicas',
      actions: [
        'dynamodb:DescribeTable',
        'dynamodb:DescribeContinuousBackups',
        'dynamodb:PutItem',
        'dynamodb:GetItem',
        'dynamodb:DeleteItem',
      ],
      resources: both.map((r) => arn(ctx, 'dynamodb', r, `table/${naming.sessionsTable()}`)),
    },
    {
      sid: 'LeaseTableReplicas',
      actions: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups'],
      resources: both.map((r) => arn(ctx, 'dynamodb', r, `table/${naming.leaseTable()}`)),
    },
    {
      // CodeSha256 equal across regions (GetFunction on the platform's own functions).
      sid: 'FunctionCode',
      actions: ['lambda:GetFunction'],
      resources: both.flatMap((r) =>
        Naming.functions.map((fn) => arn(ctx, 'lambda', r, `function:${naming.lambda(r, fn)}`)),
      ),
    },
    {
      // ListEventSourceMappings has no resource-level permissions.
      sid: 'MappingStates',
      actions: ['lambda:ListEventSourceMappings'],
      resources: ['*'],
    },
    {
      sid: 'AlarmDefinitions',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: both.map((r) => arn(ctx, 'cloudwatch', r, `alarm:${naming.prefix}-*`)),
    },
    {
      sid: 'AnnounceReadiness',
      actions: ['events:PutEvents'],
      resources: [arn(ctx, 'events', region, `event-bus/${naming.eventBus(region)}`)],
    },
  ];
}

/** The readiness record, both regions' replication settings and the canary objects. */
function readinessBucketStatements(
  { arnContext: ctx, naming, region }: FunctionStatementsProps,
  both: readonly string[],
): Statement[] {
  return [
    {
      sid: 'RecordReadiness',
      actions: ['s3:PutObject'],
      resources: [`arn:${ctx.partition}:s3:::${naming.bucket(region, 'audit-logs')}/readiness/*`],
    },
    {
      sid: 'BucketReplication',
      actions: ['s3:GetReplicationConfiguration', 's3:GetBucketVersioning'],
      resources: both.flatMap((r) => [
        `arn:${ctx.partition}:s3:::${naming.bucket(r, 'config')}`,
        `arn:${ctx.partition}:s3:::${naming.bucket(r, 'audit-logs')}`,
      ]),
    },
    {
      sid: 'CanaryObjects',
      actions: [
        's3:PutObject',
        's3:GetObject',
        's3:GetObjectVersion',
        's3:DeleteObject',
        's3:DeleteObjectVersion',
      ],
      resources: both.map(
        (r) => `arn:${ctx.partition}:s3:::${naming.bucket(r, 'config')}/${Naming.canaryObjectPrefix}*`,
      ),
    },
  ];
}

/** The own region's queue depths, and the metrics it reads and publishes. */
function readinessQueueAndMetricStatements(props: FunctionStatementsProps): Statement[] {
  return [
    {
      sid: 'QueueDepths',
      actions: ['sqs:GetQueueAttributes'],
      resources: [props.ordersQueueArn, props.ordersDlqArn],
    },
    {
      // GetMetricData has no resource-level permissions.
      sid: 'ReadMetrics',
      actions: ['cloudwatch:GetMetricData'],
      resources: ['*'],
    },
    {
      // PutMetricData has no resource-level permissions; the namespace condition scopes it.
      sid: 'PublishReadiness',
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      condition: { StringEquals: { 'cloudwatch:namespace': props.naming.metricsNamespace() } },
    },
  ];
}

/**
 * SimulatePrincipalPolicy: the iam-permissions check (src/core/checks/permissions.ts)
 * asks IAM whether each DR role may make its failover and failback calls. IAM role ARNs
 * carry no region; the names are the stacks' (operator; per region the state machines',
 * the watchdog's, the readiness check's and the trade processor's).
 */
function simulateDrRoles(
  { arnContext: ctx, naming }: FunctionStatementsProps,
  both: readonly string[],
): Statement {
  const roleArn = (name: string) => `arn:${ctx.partition}:iam::${ctx.accountId}:role/${name}`;
  return {
    sid: 'SimulateDrRoles',
    actions: ['iam:SimulatePrincipalPolicy'],
    resources: [
      roleArn(naming.role('operator')),
      ...both.flatMap((r) =>
        [
          naming.role('dr-state-machines', r),
          ...(['failover-watchdog', 'readiness-check', 'trade-processor'] as const).map((fn) =>
            naming.role(`${fn}-exec`, r),
          ),
        ].map(roleArn),
      ),
    ],
  };
}

/** Own region only; the machine and the bus are built from their names (see the top). */
function watchdogStatements({
  arnContext: ctx,
  naming,
  region,
  alarmTopicArn,
}: FunctionStatementsProps): Statement[] {
  return failoverWatchdogStatements({
    arnContext: ctx,
    region,
    ssmPrefix: naming.ssmPrefix(),
    dbClusterIdentifier: naming.dbCluster(region),
    failoverStateMachineArn: arn(
      ctx,
      'states',
      region,
      `stateMachine:${naming.stateMachine(region, 'failover')}`,
    ),
    failoverStateMachineName: naming.stateMachine(region, 'failover'),
    leaseTableName: naming.leaseTable(),
    alarmTopicArn,
    eventBusArn: arn(ctx, 'events', region, `event-bus/${naming.eventBus(region)}`),
  });
}
