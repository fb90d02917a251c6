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
import { FailoverWatchdog } from '../constructs/regional/failover-watchdog.js';
import { FailureQueue } from '../constructs/regional/failure-queue.js';
import { RegionalKey } from '../constructs/regional/kms-key.js';
import { RegionalNetwork } from '../constructs/regional/network.js';
import { OrderApi } from '../constructs/regional/order-api.js';
import { OrderQueue } from '../constructs/regional/order-queue.js';
import { PlatformFunction } from '../constructs/regional/platform-function.js';
import type { ArnContext } from '../constructs/regional/policy.js';
import { QueueTrigger } from '../constructs/regional/queue-trigger.js';
import { functionStatements } from '../constructs/regional/regional-policies.js';
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

/**
 * What every phase of the constructor reads: the stack it builds in (the scope of every
 * construct, so each keeps the construct path it always had) and the region it builds.
 */
interface RegionalBuild {
  readonly stack: TerraformStack;
  /** The stack's id: the Lambda zips' paths are relative to its output directory. */
  readonly stackId: string;
  readonly config: DrConfig;
  readonly naming: Naming;
  readonly role: RegionRole;
  readonly region: string;
  readonly peerRegion: string;
  readonly ctx: ArnContext;
  readonly lambdaDir: string;
}

/** The region's queues, buckets and alarm topic, encrypted with its key. */
interface DataStores {
  readonly queue: OrderQueue;
  readonly lambdaDlq: FailureQueue;
  readonly configBucket: SecureBucket;
  readonly auditBucket: SecureBucket;
  readonly topic: AlarmTopic;
}

type PlatformFunctions = Readonly<Record<LambdaFunctionName, PlatformFunction>>;

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

  /**
   * The phases in the order they were always built in: the order of creation is the
   * order of the resources in the synthesized JSON, which must not change.
   */
  constructor(scope: Construct, id: string, props: RegionalStackProps) {
    super(scope, id);
    this.role = props.role;
    this.region = props.naming.regionOf(props.role);
    this.provider = new AwsProvider(this, 'aws', {
      region: this.region,
      defaultTags: [{ tags: { ...props.tags } }],
    });
    configureBackend(this, id, props.config.stateBackend);
    const build = regionalBuild(this, id, props);

    const { key, network } = keyAndNetwork(build);
    const stores = dataStores(build, key.arn);
    const fns = platformFunctions(build, key.arn, network, stores);
    const trigger = invocations(build, stores.queue, fns);
    const api = orderApi(build, key.arn, stores.queue, fns.health);
    const { bus, machines } = controlPlane(build, key.arn, stores.topic.arn);
    controlParameters(build, key.arn, regionalSettings(build, stores, bus, machines, trigger));

    // ---- the contract with the global stack --------------------------------------------
    this.vpc = vpcContract(network);
    this.kmsKeyArn = key.arn;
    this.dbSubnetGroupName = network.dbSubnetGroup.name;
    this.dbSecurityGroupId = network.dbSecurityGroup.id;
    this.lambdaSecurityGroupId = network.lambdaSecurityGroup.id;
    this.restApiId = api.restApi.id;
    this.restApiStageName = api.stage.stageName;
    this.configBucket = { bucket: stores.configBucket.name, arn: stores.configBucket.arn };
    this.auditLogBucket = { bucket: stores.auditBucket.name, arn: stores.auditBucket.arn };
    this.eventBus = { name: bus.name, arn: bus.arn };
    this.alarmTopicArn = stores.topic.arn;
    this.functions = functionContract(fns);
    this.stateMachineRoleName = machines.role.name;
    this.stateMachineArns = {
      failover: machines.machines.failover.arn,
      failback: machines.machines.failback.arn,
    };
    this.ordersQueue = { url: stores.queue.queue.url, arn: stores.queue.queue.arn };
    this.eventSourceMappingId = trigger.mapping.uuid;
  }
}

/** The phases' common inputs; looks up the partition and the account (two data sources). */
function regionalBuild(stack: TerraformStack, stackId: string, props: RegionalStackProps): RegionalBuild {
  const { config, naming, role } = props;
  return {
    stack,
    stackId,
    config,
    naming,
    role,
    region: naming.regionOf(role),
    peerRegion: naming.regionOf(role === 'primary' ? 'secondary' : 'primary'),
    ctx: {
      partition: new DataAwsPartition(stack, 'partition').partition,
      accountId: new DataAwsCallerIdentity(stack, 'caller').accountId,
    },
    lambdaDir: props.lambdaDir,
  };
}

/** The region's key (everything here is encrypted with it) and its private network. */
function keyAndNetwork(b: RegionalBuild): { key: RegionalKey; network: RegionalNetwork } {
  const { naming, region, config } = b;
  const key = new RegionalKey(b.stack, 'kms', {
    alias: naming.kmsAlias(region),
    region,
    arnContext: b.ctx,
    description: `${naming.prefix} ${b.role} region (${region}): data, queues, topics, logs`,
  });
  const cidr = b.role === 'primary' ? config.network.primaryCidr : config.network.secondaryCidr;
  const peerCidr = b.role === 'primary' ? config.network.secondaryCidr : config.network.primaryCidr;
  const network = new RegionalNetwork(b.stack, 'network', {
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
    accountId: b.ctx.accountId,
  });
  return { key, network };
}

/** The orders queue, the functions' DLQ, the config and audit buckets, the alarm topic. */
function dataStores(b: RegionalBuild, kmsKeyArn: string): DataStores {
  const { naming, region } = b;
  const queue = new OrderQueue(b.stack, 'orders', {
    queueName: naming.ordersQueue(region),
    dlqName: naming.ordersDlq(region),
    kmsKeyArn,
  });
  const lambdaDlq = new FailureQueue(b.stack, 'lambda-dlq', {
    queueName: naming.lambdaDlq(region),
    kmsKeyArn,
  });
  const configBucket = new SecureBucket(b.stack, 'config-bucket', {
    bucketName: naming.bucket(region, 'config'),
    kmsKeyArn,
    lifecycle: { noncurrentExpireAfterDays: 90 },
  });
  const auditBucket = new SecureBucket(b.stack, 'audit-logs-bucket', {
    bucketName: naming.bucket(region, 'audit-logs'),
    kmsKeyArn,
    // Audit records are never expired by the platform: they move to colder storage.
    lifecycle: {
      infrequentAccessAfterDays: 30,
      glacierAfterDays: 90,
      minimumRetentionDays: 365,
      noncurrentGlacierAfterDays: 30,
      noncurrentExpireAfterDays: 365,
    },
  });
  const topic = new AlarmTopic(b.stack, 'alarm-topic', {
    topicName: naming.alarmTopic(region),
    kmsKeyArn,
    accountId: b.ctx.accountId,
    ...(b.config.alarms.email ? { email: b.config.alarms.email } : {}),
  });
  return { queue, lambdaDlq, configBucket, auditBucket, topic };
}

/** Every platform function, each with its own role, log group, reserve and placement. */
function platformFunctions(
  b: RegionalBuild,
  kmsKeyArn: string,
  network: RegionalNetwork,
  stores: DataStores,
): PlatformFunctions {
  const { naming, region } = b;
  const statements = functionStatements({
    arnContext: b.ctx,
    naming,
    region,
    peerRegion: b.peerRegion,
    ordersQueueArn: stores.queue.queue.arn,
    ordersDlqArn: stores.queue.dlq.arn,
    alarmTopicArn: stores.topic.arn,
  });
  const timeouts = functionTimeouts(b.config);
  return Object.fromEntries(
    Naming.functions.map((fn) => [
      fn,
      new PlatformFunction(b.stack, fn, {
        functionName: naming.lambda(region, fn),
        roleName: naming.role(`${fn}-exec`, region),
        logGroupName: naming.lambdaLogGroup(region, fn),
        zipPath: zipPath(b, fn),
        reservedConcurrency: RESERVED_CONCURRENCY[fn],
        environment: functionEnvironment(b, fn, stores.queue),
        kmsKeyArn,
        ...(timeouts[fn] ? { timeoutSeconds: timeouts[fn] } : {}),
        ...vpcPlacement(fn, network),
        accountId: b.ctx.accountId,
        statements: statements[fn],
        deadLetterQueueArn: stores.lambdaDlq.arn,
      }),
    ]),
  ) as Record<LambdaFunctionName, PlatformFunction>;
}

/**
 * A function's zip, relative to the stack's output directory (where Terraform runs),
 * with forward slashes so the synthesized JSON is the same on every OS.
 */
function zipPath(b: RegionalBuild, fn: LambdaFunctionName): string {
  const outdir = resolve(App.of(b.stack).outdir);
  return relative(resolve(outdir, 'stacks', b.stackId), resolve(b.lambdaDir, `${fn}.zip`))
    .split('\\')
    .join('/');
}

/** The platform variables every function gets, then the function's own, then the CA bundle. */
function functionEnvironment(
  b: RegionalBuild,
  fn: LambdaFunctionName,
  queue: OrderQueue,
): Record<string, string> {
  const { config } = b;
  const platformEnv: Record<PlatformEnvKey, string> = {
    DR_APP: config.app,
    DR_ENVIRONMENT: config.environment,
    DR_PRIMARY_REGION: config.regions.primary,
    DR_SECONDARY_REGION: config.regions.secondary,
    DR_REGION_ROLE: b.role,
  };
  const baseEnv = Object.fromEntries(PLATFORM_ENV_KEYS.map((k) => [k, platformEnv[k]]));
  const extraEnv: Record<LambdaFunctionName, Record<string, string>> = {
    'trade-processor': {},
    health: { DR_ORDERS_QUEUE_URL: queue.queue.url },
    'readiness-check': { DR_ORDERS_QUEUE_URL: queue.queue.url, DR_ORDERS_DLQ_URL: queue.dlq.url },
    'failover-watchdog': { [WATCHDOG_CONFIG_ENV]: watchdogConfigJson(config) },
  };
  return {
    ...baseEnv,
    ...extraEnv[fn],
    // The RDS CA bundle packed in the zip (scripts/build-lambdas.ts).
    ...((DB_FUNCTIONS as readonly string[]).includes(fn) ? DB_CA_ENV : {}),
  };
}

/** Timeouts other than PlatformFunction's default. */
function functionTimeouts(config: DrConfig): Partial<Record<LambdaFunctionName, number>> {
  return {
    'failover-watchdog': watchdogTiming(config).timeoutSeconds,
    // Two canaries (DynamoDB, S3) may each wait canaryTimeoutSeconds, plus the reads.
    'readiness-check': Math.min(900, 2 * config.objectives.canaryTimeoutSeconds + 60),
  };
}

/** Inside the VPC (private subnets, the Lambda security group) unless OUTSIDE_VPC says otherwise. */
function vpcPlacement(
  fn: LambdaFunctionName,
  network: RegionalNetwork,
): { outsideVpc?: true; subnetIds: string[]; securityGroupIds: string[] } {
  return OUTSIDE_VPC.has(fn)
    ? { outsideVpc: true, subnetIds: [], securityGroupIds: [] }
    : { subnetIds: network.subnets.map((s) => s.id), securityGroupIds: [network.lambdaSecurityGroup.id] };
}

/**
 * What starts the functions: the orders queue drives the trade processor (enabled in the
 * primary only), and two schedules start the readiness check and the failover watchdog.
 */
function invocations(b: RegionalBuild, queue: OrderQueue, fns: PlatformFunctions): QueueTrigger {
  const { naming, region } = b;
  const trigger = new QueueTrigger(b.stack, 'orders-trigger', {
    queueArn: queue.queue.arn,
    functionName: fns['trade-processor'].functionName,
    enabled: b.role === 'primary',
    batchSize: 100,
    batchingWindowSeconds: 1,
    maximumConcurrency: QUEUE_MAX_CONCURRENCY,
  });
  new ScheduledInvocation(b.stack, 'readiness-schedule', {
    ruleName: naming.regional(region, 'readiness-hourly'),
    schedule: 'rate(1 hour)',
    functionName: fns['readiness-check'].functionName,
    functionArn: fns['readiness-check'].arn,
  });
  new FailoverWatchdog(b.stack, 'failover-watchdog-schedule', {
    ruleName: naming.regional(region, 'failover-watchdog'),
    schedule: WATCHDOG_SCHEDULE,
    functionName: fns['failover-watchdog'].functionName,
    functionArn: fns['failover-watchdog'].arn,
  });
  return trigger;
}

/** The order API (POST → the orders queue, GET /health → the health function). */
function orderApi(
  b: RegionalBuild,
  kmsKeyArn: string,
  queue: OrderQueue,
  health: PlatformFunction,
): OrderApi {
  const { naming, region } = b;
  const api = new OrderApi(b.stack, 'api', {
    apiName: naming.restApi(region),
    stageName: naming.restApiStage(),
    region,
    arnContext: b.ctx,
    queue: { name: queue.queue.name, arn: queue.queue.arn },
    health: { functionName: health.functionName, invokeArn: health.invokeArn },
    kmsKeyArn,
    accessLogGroupName: naming.apiAccessLogGroup(region),
    sqsRoleName: naming.role('api-sqs', region),
    // With an account role named in the config, that setting is left alone.
    ...(b.config.apiGateway.accountCloudWatchRoleArn
      ? {}
      : { cloudWatchRoleName: naming.role('api-cloudwatch', region) }),
  });
  queue.allowSendFrom([api.sqsRole.arn]);
  return api;
}

/** The alarms, the DR event bus they feed, and the failover and failback state machines. */
function controlPlane(
  b: RegionalBuild,
  kmsKeyArn: string,
  topicArn: string,
): { bus: DrEventBus; machines: DrStateMachines } {
  const { config, naming, region } = b;
  const alarms = new RegionalAlarms(b.stack, 'alarms', {
    definitions: alarmDefinitions(config, naming, region),
    topicArn,
  });
  const bus = new DrEventBus(b.stack, 'dr-bus', {
    busName: naming.eventBus(region),
    alarmArns: Object.values(alarms.alarms).map((a) => a.arn),
    deliveryRole: { name: naming.role('dr-bus-alarms', region), accountId: b.ctx.accountId },
  });
  const machines = new DrStateMachines(b.stack, 'state-machines', {
    context: {
      region,
      role: b.role,
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
    kmsKeyArn,
    accountId: b.ctx.accountId,
  });
  return { bus, machines };
}

/** The regional parameters this stack writes (the global stack writes the `db-*` ones). */
type RegionalSettings = Record<Exclude<RegionalParameter, `db-${string}`>, string>;

function regionalSettings(
  b: RegionalBuild,
  stores: DataStores,
  bus: DrEventBus,
  machines: DrStateMachines,
  trigger: QueueTrigger,
): RegionalSettings {
  return {
    region: b.region,
    role: b.role,
    'orders-queue-url': stores.queue.queue.url,
    'orders-dlq-url': stores.queue.dlq.url,
    'event-bus-name': bus.name,
    'alarm-topic-arn': stores.topic.arn,
    'config-bucket': stores.configBucket.name,
    'audit-logs-bucket': stores.auditBucket.name,
    'failover-state-machine-arn': machines.machines.failover.arn,
    'failback-state-machine-arn': machines.machines.failback.arn,
    'event-source-mapping-uuid': trigger.mapping.uuid,
  };
}

/** The SSM parameters: active region and epoch, the shared settings, this region's own. */
function controlParameters(b: RegionalBuild, kmsKeyArn: string, regional: RegionalSettings): void {
  const { config, naming } = b;
  new ControlParameters(b.stack, 'parameters', {
    activeRegionName: naming.ssmActiveRegion(),
    activeRegion: config.regions.primary,
    epochName: naming.ssmEpoch(),
    sharedPrefix: naming.ssmSharedPrefix(),
    shared: sharedSettings(config, naming),
    regionalPrefix: naming.ssmRegionalPrefix(),
    regional,
    kmsKeyArn,
  });
}

function vpcContract(network: RegionalNetwork): RegionalVpc {
  return {
    vpcId: network.vpc.id,
    cidrBlock: network.vpc.cidrBlock,
    privateSubnetIds: network.subnets.map((s) => s.id),
    privateRouteTableIds: [network.routeTable.id],
  };
}

function functionContract(fns: PlatformFunctions): Record<LambdaFunctionName, RegionalFunction> {
  return Object.fromEntries(
    Naming.functions.map((fn) => [
      fn,
      { functionName: fns[fn].functionName, arn: fns[fn].arn, roleName: fns[fn].role.name },
    ]),
  ) as Record<LambdaFunctionName, RegionalFunction>;
}

export type { RegionalResources };
