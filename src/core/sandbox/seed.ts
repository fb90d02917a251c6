/**
 * Seeds the deployed platform into an emulator, both regions, every name from
 * src/infra/naming.ts, so that a seeded sandbox looks like a real deployment to every
 * command. Independent resources are created concurrently; a resource waits only for
 * what it references (a queue's DLQ, a function's role, a record's health check).
 *
 * Idempotent and non-destructive: what exists is left as it is (a sandbox that has been
 * failed over keeps its `active-region` and `epoch`). `dr sandbox reset` wipes the
 * emulator first to get a fresh deployment.
 */
import { alarmDefinitions, ORDER_API_THROTTLE, sharedSettings } from '../../infra/platform-definitions.js';
import type { AwsClients } from '../../aws/clients.js';
import { errorName } from '../../aws/errors.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming, type LambdaFunctionName, type RegionRole } from '../../infra/naming.js';
import { PLATFORM_ENV_KEYS, type PlatformEnvKey } from '../platform-env.js';
import {
  WATCHDOG_CONFIG_ENV,
  WATCHDOG_SCHEDULE,
  watchdogConfigJson,
  watchdogTiming,
} from '../failover/watchdog-env.js';
import { findRestApiId, stageThrottlePatch } from '../order-api.js';
import { silentReporter, type Reporter } from '../reporter.js';
import {
  drDefinition,
  renderDefinition,
  type DefinitionFactory,
} from '../../infra/constructs/regional/state-machine-definition.js';
import { lambdaCode, type LambdaCode } from './lambda-code.js';

/** Lambda runtime of every platform function (DESIGN.md). */
export const LAMBDA_RUNTIME = 'nodejs22.x';
/** Placeholder password of the sandbox's application DB user (the sandbox has no real database). */
const SANDBOX_DB_PASSWORD = 'sandbox-only';

export type SeededKind =
  | 'iam-role'
  | 'ssm-parameter'
  | 'sqs-queue'
  | 'lambda-function'
  | 'event-source-mapping'
  | 'aurora-global-cluster'
  | 'aurora-cluster'
  | 'aurora-instance'
  | 'dynamodb-table'
  | 'dynamodb-replica'
  | 's3-bucket'
  | 's3-replication'
  | 'route53-zone'
  | 'route53-health-check'
  | 'route53-record'
  | 'sns-topic'
  | 'cloudwatch-alarm'
  | 'eventbridge-bus'
  | 'eventbridge-rule'
  | 'state-machine'
  | 'secret'
  | 'rest-api';

/**
 * `created`: it was not there; `kept`: it was there and was left as it was; `put`: an
 * idempotent write (same name, same definition) that creates or confirms it.
 */
export type SeedAction = 'created' | 'kept' | 'put';

export interface SeededResource {
  readonly kind: SeededKind;
  readonly name: string;
  /** `global` for IAM and Route 53. */
  readonly region: string;
  readonly action: SeedAction;
}

export interface SeedResult {
  readonly regions: { readonly primary: string; readonly secondary: string };
  readonly resources: SeededResource[];
  /** How many were created, kept as they were, or put idempotently. */
  readonly counts: Readonly<Record<SeedAction, number>>;
  /** Where each function's code came from (`placeholder` or a zip path). */
  readonly lambdaCode: Readonly<Record<string, string>>;
  readonly ms: number;
}

export interface SeedOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly reporter?: Reporter;
  /** Where built Lambda zips are looked for. @default - `dist/lambdas` */
  readonly lambdaDir?: string;
  /**
   * The failover/failback definitions, as the regional stack takes them.
   * @default - the stack's own: drDefinition (the failover/failback machine)
   */
  readonly stateMachineDefinition?: DefinitionFactory;
}

/** Runs `create`; an error whose name is in `exists` means "already there". */
async function ensure<T>(
  exists: readonly string[],
  create: () => Promise<T>,
): Promise<{ value: T | undefined; created: boolean }> {
  try {
    return { value: await create(), created: true };
  } catch (error) {
    const name = errorName(error);
    if (name && exists.includes(name)) return { value: undefined, created: false };
    throw error;
  }
}

const assumeRole = (service: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });

export async function seedPlatform(options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const { clients, config } = options;
  const reporter = options.reporter ?? silentReporter;
  const naming = new Naming(config);
  const primary = naming.regionOf('primary');
  const secondary = naming.regionOf('secondary');
  const regions = [primary, secondary] as const;
  const other = (region: string) => (region === primary ? secondary : primary);
  const resources: SeededResource[] = [];
  const record = (kind: SeededKind, name: string, region: string, action: SeedAction | boolean) =>
    resources.push({
      kind,
      name,
      region,
      action: action === true ? 'created' : action === false ? 'kept' : action,
    });
  const step = reporter.step(`Seeding the platform into ${primary} and ${secondary}`);

  // One promise per resource (or group); each awaits only what it references.
  const perRegion = <T>(fn: (region: string, role: RegionRole) => Promise<T>) => {
    const byRegion = new Map(regions.map((r) => [r, fn(r, naming.roleOf(r))] as const));
    const of = (region: string) => byRegion.get(region) as Promise<T>;
    return Object.assign(of, { all: [...byRegion.values()] });
  };

  // ---- IAM (global: its control plane lives in the primary region) --------------------
  const iam = clients.iam(primary);
  const role = async (name: string, service: string): Promise<string> => {
    const made = await ensure(['EntityAlreadyExistsException', 'EntityAlreadyExists'], () =>
      iam.createRole({ RoleName: name, AssumeRolePolicyDocument: assumeRole(service) }),
    );
    record('iam-role', name, 'global', made.created);
    const arn = made.value?.Role?.Arn ?? (await iam.getRole({ RoleName: name })).Role?.Arn;
    if (!arn) throw new Error(`IAM role ${name} has no ARN`);
    return arn;
  };
  // Role names as the stacks give them.
  const functionRoles = perRegion(async (region) => {
    const arns = await Promise.all(
      Naming.functions.map((fn) => role(naming.role(`${fn}-exec`, region), 'lambda.amazonaws.com')),
    );
    return Object.fromEntries(Naming.functions.map((fn, i) => [fn, arns[i] as string])) as Record<
      LambdaFunctionName,
      string
    >;
  });
  const stateMachineRoles = perRegion((region) =>
    role(naming.role('dr-state-machines', region), 'states.amazonaws.com'),
  );
  const forwardingRoles = perRegion((region) =>
    role(naming.role('event-forwarding', region), 'events.amazonaws.com'),
  );
  const replicationRoles = perRegion((region) =>
    role(naming.role('s3-replication', region), 's3.amazonaws.com'),
  );

  // ---- Lambda code: the same bytes for both regions -----------------------------------
  const code = Object.fromEntries(
    Naming.functions.map((fn) => [fn, lambdaCode(fn, options.lambdaDir)]),
  ) as Record<LambdaFunctionName, Promise<LambdaCode>>;

  // ---- SQS: orders queue + DLQ, and the DLQ of failed asynchronous invocations ----------
  const queue = async (region: string, name: string, attributes: Record<string, string>) => {
    const sqs = clients.sqs(region);
    const made = await sqs.createQueue({ QueueName: name, Attributes: attributes });
    record('sqs-queue', name, region, 'put');
    const url = made.QueueUrl ?? '';
    const attrs = await sqs.getQueueAttributes({ QueueUrl: url, AttributeNames: ['QueueArn'] });
    const arn = attrs.Attributes?.QueueArn;
    if (!arn) throw new Error(`SQS queue ${name} has no ARN`);
    return { name, url, arn };
  };
  const fourteenDays = String(14 * 24 * 60 * 60);
  const queues = perRegion(async (region) => {
    const [dlq, lambdaDlq] = await Promise.all([
      queue(region, naming.ordersDlq(region), { MessageRetentionPeriod: fourteenDays }),
      queue(region, naming.lambdaDlq(region), { MessageRetentionPeriod: fourteenDays }),
    ]);
    const orders = await queue(region, naming.ordersQueue(region), {
      VisibilityTimeout: '180',
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 }),
    });
    return { orders, dlq, lambdaDlq };
  });

  // ---- Lambda functions, the trade processor's trigger, the hourly readiness check ------
  const functions = perRegion(async (region, regionRole) => {
    const lambda = clients.lambda(region);
    const [roles, q] = await Promise.all([functionRoles(region), queues(region)]);
    const base: Record<PlatformEnvKey, string> = {
      DR_APP: config.app,
      DR_ENVIRONMENT: config.environment,
      DR_PRIMARY_REGION: primary,
      DR_SECONDARY_REGION: secondary,
      DR_REGION_ROLE: regionRole,
    };
    const extra: Record<LambdaFunctionName, Record<string, string>> = {
      'trade-processor': {},
      health: { DR_ORDERS_QUEUE_URL: q.orders.url },
      'readiness-check': { DR_ORDERS_QUEUE_URL: q.orders.url, DR_ORDERS_DLQ_URL: q.dlq.url },
      'failover-watchdog': { [WATCHDOG_CONFIG_ENV]: watchdogConfigJson(config) },
    };
    const timeouts: Partial<Record<LambdaFunctionName, number>> = {
      'trade-processor': 30,
      'failover-watchdog': watchdogTiming(config).timeoutSeconds,
    };
    const arns = await Promise.all(
      Naming.functions.map(async (fn) => {
        const name = naming.lambda(region, fn);
        const pkg = await code[fn];
        const made = await ensure(['ResourceConflictException'], () =>
          lambda.createFunction({
            FunctionName: name,
            Runtime: LAMBDA_RUNTIME,
            Handler: pkg.handler,
            Role: roles[fn],
            Code: { ZipFile: pkg.zip },
            Timeout: timeouts[fn] ?? 10,
            MemorySize: 512,
            Architectures: ['arm64'],
            DeadLetterConfig: { TargetArn: q.lambdaDlq.arn },
            Environment: {
              Variables: { ...Object.fromEntries(PLATFORM_ENV_KEYS.map((k) => [k, base[k]])), ...extra[fn] },
            },
          }),
        );
        record('lambda-function', name, region, made.created);
        return (
          made.value?.FunctionArn ??
          (await lambda.getFunction({ FunctionName: name })).Configuration?.FunctionArn
        );
      }),
    );
    return Object.fromEntries(Naming.functions.map((fn, i) => [fn, arns[i] ?? ''])) as Record<
      LambdaFunctionName,
      string
    >;
  });
  const mappings = perRegion(async (region, regionRole) => {
    const [, q] = await Promise.all([functions(region), queues(region)]);
    const lambda = clients.lambda(region);
    const fn = naming.lambda(region, 'trade-processor');
    const label = `${fn} ← ${q.orders.name}`;
    const existing = await lambda.listEventSourceMappings({ FunctionName: fn, EventSourceArn: q.orders.arn });
    const found = existing.EventSourceMappings?.[0]?.UUID;
    record('event-source-mapping', label, region, !found);
    if (found) return found;
    const made = await lambda.createEventSourceMapping({
      FunctionName: fn,
      EventSourceArn: q.orders.arn,
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      // The split-brain guard: only the active region consumes orders.
      Enabled: regionRole === 'primary',
    });
    return made.UUID ?? '';
  });
  const readinessSchedule = perRegion(async (region) => {
    const fnArn = (await functions(region))['readiness-check'];
    const eventbridge = clients.eventbridge(region);
    const rule = naming.regional(region, 'readiness-hourly');
    await eventbridge.putRule({ Name: rule, ScheduleExpression: 'rate(1 hour)', State: 'ENABLED' });
    await eventbridge.putTargets({ Rule: rule, Targets: [{ Id: 'readiness-check', Arn: fnArn }] });
    record('eventbridge-rule', rule, region, 'put');
  });
  // moto runs no Lambda code: `dr sandbox watchdog` runs the same watchdog in-process.
  const watchdogSchedule = perRegion(async (region) => {
    const fnArn = (await functions(region))['failover-watchdog'];
    const eventbridge = clients.eventbridge(region);
    const rule = naming.regional(region, 'failover-watchdog');
    await eventbridge.putRule({ Name: rule, ScheduleExpression: WATCHDOG_SCHEDULE, State: 'ENABLED' });
    await eventbridge.putTargets({ Rule: rule, Targets: [{ Id: 'failover-watchdog', Arn: fnArn }] });
    record('eventbridge-rule', rule, region, 'put');
  });

  // ---- SNS, alarms (the definitions the regional stack deploys: src/infra/platform-definitions.ts)
  const topics = perRegion(async (region) => {
    const name = naming.alarmTopic(region);
    const topic = await clients.sns(region).createTopic({ Name: name });
    record('sns-topic', name, region, 'put');
    return topic.TopicArn ?? '';
  });
  const alarms = perRegion(async (region) => {
    const topicArn = await topics(region);
    const cloudwatch = clients.cloudwatch(region);
    const definitions = alarmDefinitions(config, naming, region).map((d) => ({
      AlarmName: d.name,
      AlarmDescription: d.description,
      Namespace: d.namespace,
      MetricName: d.metricName,
      Dimensions: Object.entries(d.dimensions).map(([Name, Value]) => ({ Name, Value })),
      ...(d.statistic ? { Statistic: d.statistic } : {}),
      ...(d.extendedStatistic ? { ExtendedStatistic: d.extendedStatistic } : {}),
      Period: d.period,
      EvaluationPeriods: d.evaluationPeriods,
      ...(d.datapointsToAlarm ? { DatapointsToAlarm: d.datapointsToAlarm } : {}),
      Threshold: d.threshold,
      ComparisonOperator: d.comparisonOperator,
      TreatMissingData: d.treatMissingData,
      AlarmActions: [topicArn],
      OKActions: [topicArn],
    }));
    await Promise.all(
      definitions.map(async (alarm) => {
        await cloudwatch.putMetricAlarm(alarm);
        record('cloudwatch-alarm', alarm.AlarmName, region, 'put');
      }),
    );
  });

  // ---- EventBridge: the DR bus, and forwarding to the other region's (both ways) --------
  const buses = perRegion(async (region) => {
    const eventbridge = clients.eventbridge(region);
    const name = naming.eventBus(region);
    const made = await ensure(['ResourceAlreadyExistsException'], () =>
      eventbridge.createEventBus({ Name: name }),
    );
    record('eventbridge-bus', name, region, made.created);
    return made.value?.EventBusArn ?? (await eventbridge.describeEventBus({ Name: name })).Arn ?? '';
  });
  const forwarding = perRegion(async (region) => {
    const [otherBus, roleArn] = await Promise.all([
      buses(other(region)),
      forwardingRoles(region),
      buses(region),
    ]);
    const eventbridge = clients.eventbridge(region);
    const rules = [
      {
        Name: naming.eventForwardRule(region, 'dr-events'),
        EventBusName: naming.eventBus(region),
        EventPattern: JSON.stringify({ source: [{ prefix: 'dr.' }, 'aws.cloudwatch'], region: [region] }),
      },
      {
        Name: naming.eventForwardRule(region, 'alarms'),
        EventPattern: JSON.stringify({
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change'],
          region: [region],
          detail: { alarmName: [{ prefix: naming.prefix }] },
        }),
      },
    ];
    await Promise.all(
      rules.map(async (rule) => {
        await eventbridge.putRule({ ...rule, State: 'ENABLED' });
        await eventbridge.putTargets({
          Rule: rule.Name,
          ...(rule.EventBusName ? { EventBusName: rule.EventBusName } : {}),
          Targets: [{ Id: 'other-region-bus', Arn: otherBus, RoleArn: roleArn }],
        });
        record('eventbridge-rule', rule.Name, region, 'put');
      }),
    );
  });

  // ---- Step Functions: the definitions the regional stack deploys -----------------------
  const definition = options.stateMachineDefinition ?? drDefinition;
  const machines = perRegion(async (region, regionRole) => {
    const roleArn = await stateMachineRoles(region);
    const sfn = clients.sfn(region);
    const existing = new Map(((await sfn.listStateMachines({})).stateMachines ?? []).map((m) => [m.name, m]));
    const arns = await Promise.all(
      (['failover', 'failback'] as const).map(async (kind) => {
        const name = naming.stateMachine(region, kind);
        const found = existing.get(name)?.stateMachineArn;
        record('state-machine', name, region, !found);
        if (found) return found;
        const made = await sfn.createStateMachine({
          name,
          roleArn,
          type: 'STANDARD',
          definition: renderDefinition(
            definition({
              kind,
              region,
              role: regionRole,
              primaryRegion: primary,
              secondaryRegion: secondary,
            }),
          ),
        });
        return made.stateMachineArn ?? '';
      }),
    );
    return { failover: arns[0] ?? '', failback: arns[1] ?? '' };
  });

  // ---- Secrets Manager: the application DB user's secret, in both regions --------------
  const secrets = perRegion(async (region) => {
    const sm = clients.secretsManager(region);
    const name = naming.dbAppSecret();
    const made = await ensure(['ResourceExistsException'], () =>
      sm.createSecret({
        Name: name,
        SecretString: JSON.stringify({
          username: Naming.dbAppUser,
          password: SANDBOX_DB_PASSWORD,
          dbname: config.database.databaseName,
          port: 5432,
        }),
      }),
    );
    record('secret', name, region, made.created);
    return made.value?.ARN ?? (await sm.describeSecret({ SecretId: name })).ARN ?? '';
  });

  // ---- API Gateway: the order API's REST API per region --------------------------------
  const apis = perRegion(async (region) => {
    const apigw = clients.apiGateway(region);
    const name = naming.restApi(region);
    const found = await findRestApiId(apigw, name);
    const id =
      found ?? (await apigw.createRestApi({ name, endpointConfiguration: { types: ['REGIONAL'] } })).id ?? '';
    record('rest-api', name, region, !found);
    await ensureApiStage(clients, naming, region, id, (await queues(region)).orders.arn);
    return id;
  });

  // ---- Aurora global database ----------------------------------------------------------
  const aurora = (async () => {
    const engine = 'aurora-postgresql';
    const globalId = naming.globalCluster();
    const rdsPrimary = clients.rds(primary);
    // Look before creating: moto replaces an existing global cluster (dropping its members).
    const globalFound = await rdsPrimary
      .describeGlobalClusters({ GlobalClusterIdentifier: globalId })
      .then((r) => (r.GlobalClusters ?? []).length > 0)
      .catch((error: unknown) => {
        if (errorName(error) === 'GlobalClusterNotFoundFault') return false;
        throw error;
      });
    if (!globalFound) {
      await rdsPrimary.createGlobalCluster({
        GlobalClusterIdentifier: globalId,
        Engine: engine,
        EngineVersion: config.database.engineVersion,
        DatabaseName: config.database.databaseName,
        StorageEncrypted: true,
      });
    }
    record('aurora-global-cluster', globalId, primary, !globalFound);
    const endpoints: Record<string, string> = {};
    // The writer first: the secondary joins the global cluster as a reader.
    for (const region of regions) {
      const rds = clients.rds(region);
      const id = naming.dbCluster(region);
      const isWriter = region === primary;
      // Look before creating: moto snapshots an existing cluster before refusing to create it again.
      const found = await rds
        .describeDBClusters({ DBClusterIdentifier: id })
        .then((r) => r.DBClusters?.[0])
        .catch((error: unknown) => {
          if (errorName(error) === 'DBClusterNotFoundFault') return undefined;
          throw error;
        });
      const cluster =
        found ??
        (
          await rds.createDBCluster({
            DBClusterIdentifier: id,
            GlobalClusterIdentifier: globalId,
            Engine: engine,
            EngineVersion: config.database.engineVersion,
            StorageEncrypted: true,
            BackupRetentionPeriod: config.database.backupRetentionDays,
            ...(isWriter
              ? {
                  MasterUsername: 'dr_admin',
                  MasterUserPassword: SANDBOX_DB_PASSWORD,
                  DatabaseName: config.database.databaseName,
                }
              : {}),
          })
        ).DBCluster;
      record('aurora-cluster', id, region, !found);
      endpoints[region] =
        `${cluster?.Endpoint ?? `${id}.cluster.${region}.rds.amazonaws.com`}:${cluster?.Port ?? 5432}`;
    }
    await Promise.all(
      regions.map(async (region) => {
        const id = naming.dbInstance(region);
        const made = await ensure(['DBInstanceAlreadyExistsFault'], () =>
          clients.rds(region).createDBInstance({
            DBInstanceIdentifier: id,
            DBClusterIdentifier: naming.dbCluster(region),
            DBInstanceClass: config.database.instanceClass,
            Engine: engine,
          }),
        );
        record('aurora-instance', id, region, made.created);
      }),
    );
    return endpoints;
  })();

  // ---- DynamoDB: sessions and lease tables, global (replica in the secondary), PITR -----
  const tables = (async () => {
    const ddbPrimary = clients.dynamodb(primary);
    await Promise.all(
      [
        [naming.sessionsTable(), Naming.sessionsTableKey],
        [naming.leaseTable(), Naming.leaseTableKey],
      ].map(async ([table, key]) => {
        const name = table as string;
        const made = await ensure(['ResourceInUseException'], () =>
          ddbPrimary.createTable({
            TableName: name,
            BillingMode: 'PAY_PER_REQUEST',
            AttributeDefinitions: [{ AttributeName: key as string, AttributeType: 'S' }],
            KeySchema: [{ AttributeName: key as string, KeyType: 'HASH' }],
            StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
          }),
        );
        record('dynamodb-table', name, primary, made.created);
        const described = await ddbPrimary.describeTable({ TableName: name });
        const hasReplica = (described.Table?.Replicas ?? []).some((r) => r.RegionName === secondary);
        if (!hasReplica) {
          await ddbPrimary.updateTable({
            TableName: name,
            ReplicaUpdates: [{ Create: { RegionName: secondary } }],
          });
        }
        record('dynamodb-replica', name, secondary, !hasReplica);
        await Promise.all(
          regions.flatMap((region) => [
            clients.dynamodb(region).updateContinuousBackups({
              TableName: name,
              PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            }),
            clients
              .dynamodb(region)
              .updateTimeToLive({
                TableName: name,
                TimeToLiveSpecification: { AttributeName: Naming.ttlAttribute, Enabled: true },
              })
              // Already on: DynamoDB refuses to set the same TTL twice.
              .catch((error: unknown) => {
                if (errorName(error) !== 'ValidationException') throw error;
              }),
          ]),
        );
      }),
    );
  })();

  // ---- S3: config and audit-log buckets, versioned, replicated both ways ---------------
  const purposes = ['config', 'audit-logs'] as const;
  const buckets = perRegion(async (region) => {
    const s3 = clients.s3(region);
    await Promise.all(
      purposes.map(async (purpose) => {
        const name = naming.bucket(region, purpose);
        // Look before creating: us-east-1 answers 200 to creating a bucket one already owns.
        const found = await s3
          .headBucket({ Bucket: name })
          .then(() => true)
          .catch((error: unknown) => {
            if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchBucket') return false;
            throw error;
          });
        if (!found) {
          await s3.createBucket({
            Bucket: name,
            ...(region === 'us-east-1'
              ? {}
              : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
          });
        }
        await s3.putBucketVersioning({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } });
        record('s3-bucket', name, region, !found);
      }),
    );
  });
  // Primary → secondary, and the reverse rule for failback (S3 never re-replicates a replica).
  const replication = perRegion(async (region) => {
    const [roleArn] = await Promise.all([replicationRoles(region), buckets(region), buckets(other(region))]);
    const s3 = clients.s3(region);
    await Promise.all(
      purposes.map(async (purpose) => {
        const source = naming.bucket(region, purpose);
        await s3.putBucketReplication({
          Bucket: source,
          ReplicationConfiguration: {
            Role: roleArn,
            Rules: [
              {
                ID: `${purpose}-to-${other(region)}`,
                Status: 'Enabled',
                Priority: 1,
                Filter: {},
                DeleteMarkerReplication: { Status: 'Enabled' },
                Destination: {
                  Bucket: `arn:aws:s3:::${naming.bucket(other(region), purpose)}`,
                  StorageClass: 'STANDARD',
                  ReplicationTime: { Status: 'Enabled', Time: { Minutes: 15 } },
                  Metrics: { Status: 'Enabled', EventThreshold: { Minutes: 15 } },
                },
              },
            ],
          },
        });
        record('s3-replication', `${source} → ${naming.bucket(other(region), purpose)}`, region, 'put');
      }),
    );
  });

  // ---- Route 53: zone, a health check per region, PRIMARY/SECONDARY failover records ----
  const dns = (async () => {
    const route53 = clients.route53(primary);
    const domain = config.dns.domain;
    const zones = await route53.listHostedZonesByName({ DNSName: domain, MaxItems: 1 });
    let zoneId = zones.HostedZones?.find((z) => z.Name === `${domain}.`)?.Id;
    record('route53-zone', domain, 'global', !zoneId);
    if (!zoneId) {
      const made = await route53.createHostedZone({ Name: domain, CallerReference: `dr-sandbox-${domain}` });
      zoneId = made.HostedZone?.Id;
    }
    if (!zoneId) throw new Error(`hosted zone ${domain} has no id`);
    const hc = config.dns.healthCheck;
    const existingChecks = (await route53.listHealthChecks({})).HealthChecks ?? [];
    const recordName = naming.apiDomain(domain, config.dns.apiSubdomain);
    const apiIds = await Promise.all(regions.map((r) => apis(r)));
    await Promise.all(
      regions.map(async (region, i) => {
        const probe = naming.regionalApiDomain(domain, config.dns.apiSubdomain, region);
        const found = existingChecks.find(
          (c) =>
            c.HealthCheckConfig?.FullyQualifiedDomainName === probe &&
            c.HealthCheckConfig?.ResourcePath === hc.path,
        );
        record('route53-health-check', probe, 'global', !found);
        const healthCheckId =
          found?.Id ??
          (
            await route53.createHealthCheck({
              CallerReference: `dr-sandbox-${probe}`,
              HealthCheckConfig: {
                Type: 'HTTPS',
                FullyQualifiedDomainName: probe,
                Port: 443,
                ResourcePath: hc.path,
                RequestInterval: hc.intervalSeconds,
                FailureThreshold: hc.failureThreshold,
                EnableSNI: true,
                MeasureLatency: true,
              },
            })
          ).HealthCheck?.Id;
        const failover = naming.roleOf(region) === 'primary' ? 'PRIMARY' : 'SECONDARY';
        await route53.changeResourceRecordSets({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Comment: 'dr sandbox seed',
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: {
                  Name: recordName,
                  Type: 'CNAME',
                  TTL: config.dns.ttlSeconds,
                  SetIdentifier: failover.toLowerCase(),
                  Failover: failover,
                  HealthCheckId: healthCheckId,
                  ResourceRecords: [{ Value: `${apiIds[i]}.execute-api.${region}.amazonaws.com` }],
                },
              },
            ],
          },
        });
        record('route53-record', `${recordName} ${failover}`, 'global', 'put');
      }),
    );
  })();

  // ---- SSM: fencing state, shared settings, region-specific settings --------------------
  // As src/infra/constructs/regional/control-parameters.ts writes them: all SecureString.
  const shared = sharedSettings(config, naming);
  const parameters = perRegion(async (region, regionRole) => {
    const ssm = clients.ssm(region);
    const [endpoints, secretArn, q, machineArns, mappingUuid, topicArn] = await Promise.all([
      aurora,
      secrets(region),
      queues(region),
      machines(region),
      mappings(region),
      topics(region),
    ]);
    const regional: Record<string, string> = {
      region,
      role: regionRole,
      'orders-queue-url': q.orders.url,
      'orders-dlq-url': q.dlq.url,
      'event-bus-name': naming.eventBus(region),
      'alarm-topic-arn': topicArn,
      'config-bucket': naming.bucket(region, 'config'),
      'audit-logs-bucket': naming.bucket(region, 'audit-logs'),
      'failover-state-machine-arn': machineArns.failover,
      'failback-state-machine-arn': machineArns.failback,
      'event-source-mapping-uuid': mappingUuid,
      'db-endpoint': endpoints[region] ?? '',
      'db-secret-arn': secretArn,
    };
    const put = async (name: string, value: string, overwrite: boolean) => {
      const made = await ensure(['ParameterAlreadyExists'], () =>
        ssm.putParameter({ Name: name, Value: value, Type: 'SecureString', Overwrite: overwrite }),
      );
      record('ssm-parameter', name, region, overwrite ? 'put' : made.created);
    };
    await Promise.all([
      // Runtime state, owned by failover/failback: created once, never overwritten, so a
      // sandbox that has failed over keeps its active region and epoch.
      put(naming.ssmActiveRegion(), primary, false),
      put(naming.ssmEpoch(), '1', false),
      ...Object.entries(shared).map(([key, value]) => put(naming.ssmShared(key), value, true)),
      ...Object.entries(regional).map(([key, value]) => put(naming.ssmRegional(key), value, true)),
    ]);
  });

  const all = [
    ...[
      functionRoles,
      stateMachineRoles,
      forwardingRoles,
      replicationRoles,
      queues,
      functions,
      mappings,
      readinessSchedule,
      watchdogSchedule,
      topics,
      alarms,
      buses,
      forwarding,
    ].flatMap((group): Promise<unknown>[] => group.all),
    ...[machines, secrets, apis, buckets, replication, parameters].flatMap(
      (group): Promise<unknown>[] => group.all,
    ),
    aurora,
    tables,
    dns,
  ];
  const settled = await Promise.allSettled(all);
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    step.fail();
    throw failure.reason;
  }
  const counts: Record<SeedAction, number> = { created: 0, kept: 0, put: 0 };
  for (const r of resources) counts[r.action]++;
  const sourceOf = Object.fromEntries(
    await Promise.all(Naming.functions.map(async (fn) => [fn, (await code[fn]).source] as const)),
  );
  step.succeed(`${resources.length} resources, ${counts.created} new`);
  resources.sort(
    (a, b) =>
      a.kind.localeCompare(b.kind) || a.region.localeCompare(b.region) || a.name.localeCompare(b.name),
  );
  return {
    regions: { primary, secondary },
    resources,
    counts,
    lambdaCode: sourceOf,
    ms: Date.now() - started,
  };
}

/**
 * The order API's routes and deployed stage as the stack defines them (src/infra/
 * constructs/regional/order-api.ts): `POST /orders` (AWS_IAM) integrated with SQS
 * SendMessage to the orders queue, `GET /health` proxied to the health Lambda, one stage
 * with the stack's stage-wide throttling. moto stores them (it runs no integration); the
 * sandbox's API Gateway stand-in and the drill's outage read them. Kept when the stage exists.
 */
async function ensureApiStage(
  clients: AwsClients,
  naming: Naming,
  region: string,
  restApiId: string,
  ordersQueueArn: string,
): Promise<void> {
  const apigw = clients.apiGateway(region);
  const stageName = naming.restApiStage();
  const exists = await apigw.getStage({ restApiId, stageName }).then(
    () => true,
    (error: unknown) => {
      if (errorName(error) === 'NotFoundException') return false;
      throw error;
    },
  );
  if (exists) return;
  const [, , , , account, queueName] = ordersQueueArn.split(':');
  const healthArn = `arn:aws:lambda:${region}:${account}:function:${naming.lambda(region, 'health')}`;
  const resources = (await apigw.getResources({ restApiId, limit: 500 })).items ?? [];
  const rootId = resources.find((r) => r.path === '/')?.id;
  if (!rootId) throw new Error(`REST API ${restApiId} in ${region} has no root resource`);
  const route = async (
    path: string,
    httpMethod: string,
    authorizationType: string,
    integration: { type: 'AWS' | 'AWS_PROXY'; uri: string },
  ) => {
    const resourceId =
      resources.find((r) => r.path === `/${path}`)?.id ??
      (await apigw.createResource({ restApiId, parentId: rootId, pathPart: path })).id;
    if (!resourceId) throw new Error(`REST API ${restApiId}: /${path} has no id`);
    await apigw.putMethod({ restApiId, resourceId, httpMethod, authorizationType });
    await apigw.putIntegration({
      restApiId,
      resourceId,
      httpMethod,
      integrationHttpMethod: 'POST',
      ...integration,
    });
  };
  await route('orders', 'POST', 'AWS_IAM', {
    type: 'AWS',
    uri: `arn:aws:apigateway:${region}:sqs:path/${account}/${queueName}`,
  });
  await route('health', 'GET', 'NONE', {
    type: 'AWS_PROXY',
    uri: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${healthArn}/invocations`,
  });
  await apigw.createDeployment({ restApiId, stageName, description: 'Managed by dr' });
  await apigw.updateStage({
    restApiId,
    stageName,
    patchOperations: stageThrottlePatch(ORDER_API_THROTTLE),
  });
}
