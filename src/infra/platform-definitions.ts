/**
 * Definitions the stacks deploy and the sandbox seeds, in one place so the two cannot
 * drift: the shared SSM settings (equal in both regions; `dr verify-sync` checks that)
 * and the CloudWatch alarms of each region. Pure data from the config and the naming
 * module; no cdktf import, so src/core uses it without paying for the provider.
 */
import type { DrConfig } from '../config/schema.js';
import type { Naming, SharedParameter } from '../contract/naming.js';

/** The order API stage's throttling (stage-wide method settings), as deployed and seeded. */
export const ORDER_API_THROTTLE = { rateLimit: 500, burstLimit: 1000 } as const;

/**
 * The API's Order model (JSON schema draft 4, what API Gateway's request validator
 * takes): the trade processor's order contract (src/lambdas/trade-processor/order.ts),
 * so a body the API accepts is one the processor can process. Two things the processor
 * checks and draft 4 cannot say are left to it: a limit price of zero, and a timestamp
 * that is not a real date. test/lambdas/order-model.test.ts holds the two together.
 */
export const ORDER_MODEL = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  title: 'Order',
  type: 'object',
  required: ['clientOrderId', 'account', 'symbol', 'side', 'quantity', 'limitPrice', 'timestamp'],
  properties: {
    clientOrderId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' },
    account: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9_-]+$' },
    symbol: { type: 'string', minLength: 1, maxLength: 16, pattern: '^[A-Z0-9][A-Z0-9./-]*$' },
    side: { type: 'string', enum: ['buy', 'sell'] },
    quantity: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
    limitPrice: { type: 'string', pattern: '^(0|[1-9][0-9]{0,11})(\\.[0-9]{1,8})?$' },
    timestamp: {
      type: 'string',
      pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$',
    },
  },
} as const;

/** Settings under `naming.ssmSharedPrefix()`, identical in both regions. */
export function sharedSettings(config: DrConfig, naming: Naming): Record<SharedParameter, string> {
  const hc = config.dns.healthCheck;
  return {
    'primary-region': config.regions.primary,
    'secondary-region': config.regions.secondary,
    'rto-seconds': String(config.objectives.rtoSeconds),
    'orchestration-seconds': String(config.objectives.orchestrationSeconds),
    'max-replication-lag-ms': String(config.objectives.maxReplicationLagMs),
    'max-s3-pending-operations': String(config.objectives.maxS3PendingOperations),
    'canary-timeout-seconds': String(config.objectives.canaryTimeoutSeconds),
    'health-check-interval-seconds': String(hc.intervalSeconds),
    'health-check-failure-threshold': String(hc.failureThreshold),
    'health-check-path': hc.path,
    'dns-ttl-seconds': String(config.dns.ttlSeconds),
    'auto-failover': config.autoFailover,
    'api-domain': naming.apiDomain(config.dns.domain, config.dns.apiSubdomain),
  };
}

export type AlarmKind = 'replication-lag' | 'lambda-errors' | 'api-latency-p99' | 'dlq-depth';

export interface AlarmDefinition {
  readonly kind: AlarmKind;
  readonly name: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** One of `statistic` and `extendedStatistic`. */
  readonly statistic?: 'Maximum' | 'Sum';
  readonly extendedStatistic?: string;
  readonly period: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  readonly threshold: number;
  readonly comparisonOperator: 'GreaterThanOrEqualToThreshold';
  readonly treatMissingData: 'notBreaching';
}

/** The four alarms of one region, thresholds from the config. */
export function alarmDefinitions(config: DrConfig, naming: Naming, region: string): AlarmDefinition[] {
  const lagMs = config.alarms.replicationLagMs ?? config.objectives.maxReplicationLagMs;
  const { lambdaErrors, apiLatencyP99Ms, dlqDepth } = config.alarms;
  const common = {
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
  } as const;
  return [
    {
      kind: 'replication-lag',
      name: naming.alarm(region, 'replication-lag'),
      description: `Aurora global replication lag above ${lagMs} ms: a failover now would lose that much (RPO).`,
      namespace: 'AWS/RDS',
      metricName: 'AuroraGlobalDBReplicationLag',
      dimensions: { DBClusterIdentifier: naming.dbCluster(region) },
      statistic: 'Maximum',
      period: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: lagMs,
      // Only a secondary (reader) cluster emits this metric; the writer's region has no
      // data by design. "Replication stopped altogether" is verify-sync's job (readiness).
      ...common,
    },
    {
      kind: 'lambda-errors',
      name: naming.alarm(region, 'lambda-errors'),
      description: `trade-processor reported ${lambdaErrors}+ errors in a minute (whole-batch failures, not partial ones).`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: naming.lambda(region, 'trade-processor') },
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 1,
      threshold: lambdaErrors,
      // No invocations (the standby region, a quiet market) means no errors.
      ...common,
    },
    {
      kind: 'api-latency-p99',
      name: naming.alarm(region, 'api-latency-p99'),
      description: `Order API p99 latency at or above ${apiLatencyP99Ms} ms for 3 of 5 minutes.`,
      namespace: 'AWS/ApiGateway',
      metricName: 'Latency',
      dimensions: { ApiName: naming.restApi(region), Stage: naming.restApiStage() },
      extendedStatistic: 'p99',
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: apiLatencyP99Ms,
      // No requests (the standby region) is not slowness.
      ...common,
    },
    {
      kind: 'dlq-depth',
      name: naming.alarm(region, 'dlq-depth'),
      description: `${dlqDepth}+ orders in the dead-letter queue: they were not processed and need a person.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: naming.ordersDlq(region) },
      statistic: 'Maximum',
      // SQS publishes queue metrics every five minutes.
      period: 300,
      evaluationPeriods: 1,
      threshold: dlqDepth,
      // SQS stops publishing for a queue that is empty and untouched for 6 hours; a queue
      // holding messages keeps reporting. Missing therefore means empty.
      ...common,
    },
  ];
}
