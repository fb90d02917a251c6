/**
 * One region of the platform. The same class builds us-east-1 (primary) and us-east-2
 * (secondary); the only differences are the role-dependent settings (the secondary's
 * event source mapping starts disabled). Stacks wire constructs, providers and the
 * backend, nothing else. Nothing here refers to the other region's stack: both regional
 * stacks deploy first and in parallel, and the global stack reads what it needs from
 * `RegionalResources`.
 */
import { relative, resolve } from 'node:path';
import { App, TerraformStack } from '../cdktf.js';
import type * as ProviderModule from '@cdktf/provider-aws/lib/provider/index.js';
import type * as DataAwsCallerIdentityModule from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import type * as DataAwsPartitionModule from '@cdktf/provider-aws/lib/data-aws-partition/index.js';
import type { Construct } from 'constructs';
import { requireCjs } from '../cjs.js';
import type { DrConfig } from '../../config/schema.js';
import {
  DB_CA_ENV,
  DB_FUNCTIONS,
  PLATFORM_ENV_KEYS,
  type PlatformEnvKey,
} from '../../contract/platform-env.js';
import {
  WATCHDOG_CONFIG_ENV,
  WATCHDOG_SCHEDULE,
  watchdogConfigJson,
  watchdogTiming,
} from '../../contract/watchdog-env.js';
import {
  Naming,
  type LambdaFunctionName,
  type RegionalParameter,
  type RegionRole,
} from '../../contract/naming.js';
import { configureBackend } from '../backend.js';
import { AlarmTopic } from '../constructs/regional/alarm-topic.js';
import { ControlParameters } from '../constructs/regional/control-parameters.js';
import { DrEventBus } from '../constructs/regional/event-bus.js';
import { DrStateMachines } from '../constructs/regional/dr-state-machines.js';
import { FailoverWatchdog, failoverWatchdogStatements } from '../constructs/regional/failover-watchdog.js';
import { FailureQueue } from '../constructs/regional/failure-queue.js';
import { RegionalKey } from '../constructs/regional/kms-key.js';
import { RegionalNetwork } from '../constructs/regional/network.js';
import { OrderApi } from '../constructs/regional/order-api.js';
import { OrderQueue } from '../constructs/regional/order-queue.js';
import { PlatformFunction } from '../constructs/regional/platform-function.js';
import { arn, type ArnContext, type Statement } from '../constructs/regional/policy.js';
import { QueueTrigger } from '../constructs/regional/queue-trigger.js';
import { RegionalAlarms } from '../constructs/regional/regional-alarms.js';
import { alarmDefinitions, sharedSettings } from '../platform-definitions.js';
import { ScheduledInvocation } from '../constructs/regional/scheduled-invocation.js';
import { SecureBucket } from '../constructs/regional/secure-bucket.js';
import type { RegionalFunction, RegionalResources, RegionalVpc } from './contracts.js';

const { AwsProvider } = requireCjs('@cdktf/provider-aws/lib/provider/index.js') as typeof ProviderModule;
type AwsProvider = ProviderModule.AwsProvider;
const { DataAwsCallerIdentity } = requireCjs(
  '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js',
) as typeof DataAwsCallerIdentityModule;
const { DataAwsPartition } = requireCjs(
  '@cdktf/provider-aws/lib/data-aws-partition/index.js',
) as typeof DataAwsPartitionModule;

export interface RegionalStackProps {
  readonly config: DrConfig;
  readonly naming: Naming;
  readonly role: RegionRole;
  readonly tags: Readonly<Record<string, string>>;
  /** Directory of the Lambda zips, relative to the project root. */
  readonly lambdaDir: string;
}

/**
 * Concurrency reserved per function and region. Reserving guarantees the trade processor
 * capacity and caps the others; the account must keep ≥ 100 unreserved (default quota
 * 1000), so a new account with a lower quota needs an increase before deploying.
 */
const RESERVED_CONCURRENCY: Readonly<Record<LambdaFunctionName, number>> = {
  'trade-processor': 100,
  health: 10,
  'readiness-check': 2,
  // A watch period may overlap the next by a few seconds.
  'failover-watchdog': 2,
};
/**
 * Functions outside the VPC: they must reach another region (readiness = verify-sync
 * reads both) or a public endpoint (the watchdog probes the other region's /health), and
 * the private subnets have VPC endpoints only, no internet egress. Neither holds database
 * credentials nor touches a private resource. trade-processor and health stay inside.
 */
const OUTSIDE_VPC: ReadonlySet<LambdaFunctionName> = new Set(['readiness-check', 'failover-watchdog']);
/** Concurrent trade-processor invocations the orders queue may drive (≤ its reserve). */
const QUEUE_MAX_CONCURRENCY = 50;

export class RegionalStack extends TerraformStack implements RegionalResources {
  readonly role: RegionRole;
  readonly region: string;
  readonly provider: AwsProvider;
  readonly vpc: RegionalVpc;
  readonly kmsKeyArn: string;
  readonly dbSubnetGroupName: string;
  readonly dbSecurityGroupId: string;
  readonly lambdaSecurityGroupId: string;
  readonly restApiId: string;
  readonly restApiStageName: string;
  readonly configBucket: { readonly bucket: string; readonly arn: string };
  readonly auditLogBucket: { readonly bucket: string; readonly arn: string };
  readonly eventBus: { readonly name: string; readonly arn: string };
  readonly alarmTopicArn: string;
  readonly functions: Readonly<Record<LambdaFunctionName, RegionalFunction>>;
  readonly stateMachineRoleName: string;
  readonly stateMachineArns: { readonly failover: string; readonly failback: string };
  readonly ordersQueue: { readonly url: string; readonly arn: string };
  readonly eventSourceMappingId: string;

  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id);
    const { config, naming } = props;
    this.role = props.role;
    const region = naming.regionOf(props.role);
    const peerRegion = naming.regionOf(props.role === 'primary' ? 'secondary' : 'primary');
    this.region = region;
    this.provider = new AwsProvider(this, 'aws', {
      region,
      defaultTags: [{ tags: { ...props.tags } }],
    });
    configureBackend(this, id, config.stateBackend);

    const ctx: ArnContext = {
      partition: new DataAwsPartition(this, 'partition').partition,
      accountId: new DataAwsCallerIdentity(this, 'caller').accountId,
    };
    const { accountId } = ctx;

    // ---- key and network ---------------------------------------------------------------
    const key = new RegionalKey(this, 'kms', {
      alias: naming.kmsAlias(region),
      region,
      arnContext: ctx,
      description: `${naming.prefix} ${props.role} region (${region}): data, queues, topics, logs`,
    });
    const cidr = props.role === 'primary' ? config.network.primaryCidr : config.network.secondaryCidr;
    const peerCidr = props.role === 'primary' ? config.network.secondaryCidr : config.network.primaryCidr;
    const network = new RegionalNetwork(this, 'network', {
      region,
      vpcName: naming.vpc(region),
      cidrBlock: cidr,
      peerCidrBlock: peerCidr,
      securityGroupNames: {
        lambda: naming.securityGroup(region, 'lambda'),
        db: naming.securityGroup(region, 'db'),
        endpoints: naming.securityGroup(region, 'endpoints'),
      },
      dbSubnetGroupName: naming.dbSubnetGroup(region),
      flowLogGroupName: naming.vpcFlowLogGroup(region),
      flowLogRoleName: naming.role('flow-logs', region),
      kmsKeyArn: key.arn,
      accountId,
    });

    // ---- queue, buckets, topic, bus ----------------------------------------------------
    const queue = new OrderQueue(this, 'orders', {
      queueName: naming.ordersQueue(region),
      dlqName: naming.ordersDlq(region),
      kmsKeyArn: key.arn,
    });
    const lambdaDlq = new FailureQueue(this, 'lambda-dlq', {
      queueName: naming.lambdaDlq(region),
      kmsKeyArn: key.arn,
    });
    const configBucket = new SecureBucket(this, 'config-bucket', {
      bucketName: naming.bucket(region, 'config'),
      kmsKeyArn: key.arn,
      lifecycle: { noncurrentExpireAfterDays: 90 },
    });
    const auditBucket = new SecureBucket(this, 'audit-logs-bucket', {
      bucketName: naming.bucket(region, 'audit-logs'),
      kmsKeyArn: key.arn,
      // Audit records are never expired by the platform: they move to colder storage.
      lifecycle: {
        infrequentAccessAfterDays: 30,
        glacierAfterDays: 90,
        minimumRetentionDays: 365,
        noncurrentGlacierAfterDays: 30,
        noncurrentExpireAfterDays: 365,
      },
    });
    const topic = new AlarmTopic(this, 'alarm-topic', {
      topicName: naming.alarmTopic(region),
      kmsKeyArn: key.arn,
      accountId,
      ...(config.alarms.email ? { email: config.alarms.email } : {}),
    });

    // ---- Lambdas -----------------------------------------------------------------------
    const platformEnv: Record<PlatformEnvKey, string> = {
      DR_APP: config.app,
      DR_ENVIRONMENT: config.environment,
      DR_PRIMARY_REGION: config.regions.primary,
      DR_SECONDARY_REGION: config.regions.secondary,
      DR_REGION_ROLE: props.role,
    };
    const baseEnv = Object.fromEntries(PLATFORM_ENV_KEYS.map((k) => [k, platformEnv[k]]));
    const outdir = resolve(App.of(this).outdir);
    const zipPath = (fn: LambdaFunctionName) =>
      relative(resolve(outdir, 'stacks', id), resolve(props.lambdaDir, `${fn}.zip`))
        .split('\\')
        .join('/');

    const ssmParams = (r: string) => [
      arn(ctx, 'ssm', r, `parameter${naming.ssmPrefix()}`),
      arn(ctx, 'ssm', r, `parameter${naming.ssmPrefix()}/*`),
    ];
    const readSsm = (regions: string[]): Statement => ({
      sid: 'ReadDrParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resources: regions.flatMap(ssmParams),
    });
    const readDbSecret: Statement = {
      sid: 'ReadDbAppSecret',
      actions: ['secretsmanager:GetSecretValue'],
      // Secrets Manager appends six random characters to the name.
      resources: [arn(ctx, 'secretsmanager', region, `secret:${naming.dbAppSecret()}-??????`)],
    };
    const describeAurora = (regions: string[]): Statement => ({
      sid: 'DescribeAurora',
      actions: ['rds:DescribeGlobalClusters', 'rds:DescribeDBClusters'],
      resources: [
        `arn:${ctx.partition}:rds::${accountId}:global-cluster:${naming.globalCluster()}`,
        ...regions.map((r) => arn(ctx, 'rds', r, `cluster:${naming.dbCluster(r)}`)),
      ],
    });
    const both = [region, peerRegion];

    const statements: Record<LambdaFunctionName, Statement[]> = {
      'trade-processor': [
        {
          sid: 'ConsumeOrders',
          actions: [
            'sqs:ReceiveMessage',
            'sqs:DeleteMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:GetQueueAttributes',
          ],
          resources: [queue.queue.arn],
        },
        readSsm([region]),
        readDbSecret,
      ],
      health: [
        readSsm([region]),
        readDbSecret,
        describeAurora([region]),
        { sid: 'IntakeQueue', actions: ['sqs:GetQueueAttributes'], resources: [queue.queue.arn] },
      ],
      'readiness-check': [
        // Readiness = verify-sync: it compares both regions (no database login).
        readSsm(both),
        describeAurora(both),
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
        {
          sid: 'QueueDepths',
          actions: ['sqs:GetQueueAttributes'],
          resources: [queue.queue.arn, queue.dlq.arn],
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
          condition: { StringEquals: { 'cloudwatch:namespace': naming.metricsNamespace() } },
        },
        {
          // SimulatePrincipalPolicy: the iam-permissions check (src/core/checks/permissions.ts)
          // asks IAM whether each DR role may make its failover and failback calls. IAM role
          // ARNs carry no region; the names are the stacks' (operator; per region the state
          // machines', the watchdog's, this function's and the trade processor's).
          sid: 'SimulateDrRoles',
          actions: ['iam:SimulatePrincipalPolicy'],
          resources: [
            `arn:${ctx.partition}:iam::${accountId}:role/${naming.role('operator')}`,
            ...both.flatMap((r) =>
              [
                naming.role('dr-state-machines', r),
                ...(['failover-watchdog', 'readiness-check', 'trade-processor'] as const).map((fn) =>
                  naming.role(`${fn}-exec`, r),
                ),
              ].map((name) => `arn:${ctx.partition}:iam::${accountId}:role/${name}`),
            ),
          ],
        },
      ],
      // Own region only. The machine and the bus are created after the functions (the
      // alarms need the function names), so their ARNs are built from their names here.
      'failover-watchdog': failoverWatchdogStatements({
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
        alarmTopicArn: topic.arn,
        eventBusArn: arn(ctx, 'events', region, `event-bus/${naming.eventBus(region)}`),
      }),
    };
    const extraEnv: Record<LambdaFunctionName, Record<string, string>> = {
      'trade-processor': {},
      health: { DR_ORDERS_QUEUE_URL: queue.queue.url },
      'readiness-check': { DR_ORDERS_QUEUE_URL: queue.queue.url, DR_ORDERS_DLQ_URL: queue.dlq.url },
      'failover-watchdog': { [WATCHDOG_CONFIG_ENV]: watchdogConfigJson(config) },
    };
    const timeouts: Partial<Record<LambdaFunctionName, number>> = {
      'failover-watchdog': watchdogTiming(config).timeoutSeconds,
      // Two canaries (DynamoDB, S3) may each wait canaryTimeoutSeconds, plus the reads.
      'readiness-check': Math.min(900, 2 * config.objectives.canaryTimeoutSeconds + 60),
    };
    const fns = Object.fromEntries(
      Naming.functions.map((fn) => [
        fn,
        new PlatformFunction(this, fn, {
          functionName: naming.lambda(region, fn),
          roleName: naming.role(`${fn}-exec`, region),
          logGroupName: naming.lambdaLogGroup(region, fn),
          zipPath: zipPath(fn),
          reservedConcurrency: RESERVED_CONCURRENCY[fn],
          environment: {
            ...baseEnv,
            ...extraEnv[fn],
            // The RDS CA bundle packed in the zip (scripts/build-lambdas.ts).
            ...((DB_FUNCTIONS as readonly string[]).includes(fn) ? DB_CA_ENV : {}),
          },
          kmsKeyArn: key.arn,
          ...(timeouts[fn] ? { timeoutSeconds: timeouts[fn] } : {}),
          ...(OUTSIDE_VPC.has(fn)
            ? { outsideVpc: true, subnetIds: [], securityGroupIds: [] }
            : {
                subnetIds: network.subnets.map((s) => s.id),
                securityGroupIds: [network.lambdaSecurityGroup.id],
              }),
          accountId,
          statements: statements[fn],
          deadLetterQueueArn: lambdaDlq.arn,
        }),
      ]),
    ) as Record<LambdaFunctionName, PlatformFunction>;

    const trigger = new QueueTrigger(this, 'orders-trigger', {
      queueArn: queue.queue.arn,
      functionName: fns['trade-processor'].functionName,
      enabled: props.role === 'primary',
      batchSize: 100,
      batchingWindowSeconds: 1,
      maximumConcurrency: QUEUE_MAX_CONCURRENCY,
    });
    new ScheduledInvocation(this, 'readiness-schedule', {
      ruleName: naming.regional(region, 'readiness-hourly'),
      schedule: 'rate(1 hour)',
      functionName: fns['readiness-check'].functionName,
      functionArn: fns['readiness-check'].arn,
    });
    new FailoverWatchdog(this, 'failover-watchdog-schedule', {
      ruleName: naming.regional(region, 'failover-watchdog'),
      schedule: WATCHDOG_SCHEDULE,
      functionName: fns['failover-watchdog'].functionName,
      functionArn: fns['failover-watchdog'].arn,
    });

    // ---- API ---------------------------------------------------------------------------
    const api = new OrderApi(this, 'api', {
      apiName: naming.restApi(region),
      stageName: naming.restApiStage(),
      region,
      arnContext: ctx,
      queue: { name: queue.queue.name, arn: queue.queue.arn },
      health: { functionName: fns.health.functionName, invokeArn: fns.health.invokeArn },
      kmsKeyArn: key.arn,
      accessLogGroupName: naming.apiAccessLogGroup(region),
      sqsRoleName: naming.role('api-sqs', region),
      // With an account role named in the config, that setting is left alone.
      ...(config.apiGateway.accountCloudWatchRoleArn
        ? {}
        : { cloudWatchRoleName: naming.role('api-cloudwatch', region) }),
    });
    queue.allowSendFrom([api.sqsRole.arn]);

    // ---- alarms, bus, state machines, parameters ---------------------------------------
    const alarms = new RegionalAlarms(this, 'alarms', {
      definitions: alarmDefinitions(config, naming, region),
      topicArn: topic.arn,
    });
    const bus = new DrEventBus(this, 'dr-bus', {
      busName: naming.eventBus(region),
      alarmArns: Object.values(alarms.alarms).map((a) => a.arn),
      deliveryRole: { name: naming.role('dr-bus-alarms', region), accountId },
    });
    const machines = new DrStateMachines(this, 'state-machines', {
      context: {
        region,
        role: props.role,
        primaryRegion: config.regions.primary,
        secondaryRegion: config.regions.secondary,
      },
      names: {
        failover: naming.stateMachine(region, 'failover'),
        failback: naming.stateMachine(region, 'failback'),
      },
      logGroupNames: {
        failover: naming.stateMachineLogGroup(region, 'failover'),
        failback: naming.stateMachineLogGroup(region, 'failback'),
      },
      roleName: naming.role('dr-state-machines', region),
      kmsKeyArn: key.arn,
      accountId,
    });

    /** The regional parameters this stack writes (the global stack writes the `db-*` ones). */
    const regionalSettings: Record<Exclude<RegionalParameter, `db-${string}`>, string> = {
      region,
      role: props.role,
      'orders-queue-url': queue.queue.url,
      'orders-dlq-url': queue.dlq.url,
      'event-bus-name': bus.name,
      'alarm-topic-arn': topic.arn,
      'config-bucket': configBucket.name,
      'audit-logs-bucket': auditBucket.name,
      'failover-state-machine-arn': machines.machines.failover.arn,
      'failback-state-machine-arn': machines.machines.failback.arn,
      'event-source-mapping-uuid': trigger.mapping.uuid,
    };
    new ControlParameters(this, 'parameters', {
      activeRegionName: naming.ssmActiveRegion(),
      activeRegion: config.regions.primary,
      epochName: naming.ssmEpoch(),
      sharedPrefix: naming.ssmSharedPrefix(),
      shared: sharedSettings(config, naming),
      regionalPrefix: naming.ssmRegionalPrefix(),
      regional: regionalSettings,
      kmsKeyArn: key.arn,
    });

    // ---- the contract with the global stack --------------------------------------------
    this.vpc = {
      vpcId: network.vpc.id,
      cidrBlock: network.vpc.cidrBlock,
      privateSubnetIds: network.subnets.map((s) => s.id),
      privateRouteTableIds: [network.routeTable.id],
    };
    this.kmsKeyArn = key.arn;
    this.dbSubnetGroupName = network.dbSubnetGroup.name;
    this.dbSecurityGroupId = network.dbSecurityGroup.id;
    this.lambdaSecurityGroupId = network.lambdaSecurityGroup.id;
    this.restApiId = api.restApi.id;
    this.restApiStageName = api.stage.stageName;
    this.configBucket = { bucket: configBucket.name, arn: configBucket.arn };
    this.auditLogBucket = { bucket: auditBucket.name, arn: auditBucket.arn };
    this.eventBus = { name: bus.name, arn: bus.arn };
    this.alarmTopicArn = topic.arn;
    this.functions = Object.fromEntries(
      Naming.functions.map((fn) => [
        fn,
        { functionName: fns[fn].functionName, arn: fns[fn].arn, roleName: fns[fn].role.name },
      ]),
    ) as Record<LambdaFunctionName, RegionalFunction>;
    this.stateMachineRoleName = machines.role.name;
    this.stateMachineArns = {
      failover: machines.machines.failover.arn,
      failback: machines.machines.failback.arn,
    };
    this.ordersQueue = { url: queue.queue.url, arn: queue.queue.arn };
    this.eventSourceMappingId = trigger.mapping.uuid;
  }
}

export type { RegionalResources };
