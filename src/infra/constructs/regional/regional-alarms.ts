/**
 * The four alarms of a region, each sending ALARM and OK to the region's topic:
 * Aurora global replication lag, trade-processor errors, API p99 latency, DLQ depth.
 * How each treats missing data is part of what it means, so each says why.
 */
import type * as CloudwatchMetricAlarmModule from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { requireInt, requireNonEmpty } from './validate.js';

const { CloudwatchMetricAlarm } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js',
) as typeof CloudwatchMetricAlarmModule;
type CloudwatchMetricAlarm = CloudwatchMetricAlarmModule.CloudwatchMetricAlarm;

export type AlarmKind = 'replication-lag' | 'lambda-errors' | 'api-latency-p99' | 'dlq-depth';

export interface RegionalAlarmsProps {
  /** Alarm name per kind (from naming). */
  readonly names: Readonly<Record<AlarmKind, string>>;
  readonly topicArn: string;
  /** Aurora member cluster identifier of this region (the global stack creates it). */
  readonly dbClusterIdentifier: string;
  readonly tradeProcessorFunctionName: string;
  readonly apiName: string;
  readonly apiStageName: string;
  readonly dlqName: string;
  readonly thresholds: {
    /** `AuroraGlobalDBReplicationLag`, milliseconds. */
    readonly replicationLagMs: number;
    /** Trade-processor `Errors` per minute. */
    readonly lambdaErrors: number;
    /** API p99 `Latency`, milliseconds. */
    readonly apiLatencyP99Ms: number;
    /** Messages visible in the DLQ. */
    readonly dlqDepth: number;
  };
}

export class RegionalAlarms extends Construct {
  readonly alarms: Record<AlarmKind, CloudwatchMetricAlarm>;

  constructor(scope: Construct, id: string, props: RegionalAlarmsProps) {
    super(scope, id);
    const t = props.thresholds;
    for (const [key, value] of Object.entries(t)) requireInt('RegionalAlarms', `thresholds.${key}`, value, 1);
    requireNonEmpty('RegionalAlarms', 'dbClusterIdentifier', props.dbClusterIdentifier);
    const actions = { alarmActions: [props.topicArn], okActions: [props.topicArn] };

    this.alarms = {
      'replication-lag': new CloudwatchMetricAlarm(this, 'replication-lag', {
        alarmName: props.names['replication-lag'],
        alarmDescription: `Aurora global replication lag above ${t.replicationLagMs} ms: a failover now would lose that much (RPO).`,
        namespace: 'AWS/RDS',
        metricName: 'AuroraGlobalDBReplicationLag',
        dimensions: { DBClusterIdentifier: props.dbClusterIdentifier },
        statistic: 'Maximum',
        period: 60,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        threshold: t.replicationLagMs,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // Only a secondary (reader) cluster emits this metric; the writer's region has no
        // data by design. "Replication stopped altogether" is verify-sync's job (readiness).
        treatMissingData: 'notBreaching',
        ...actions,
      }),
      'lambda-errors': new CloudwatchMetricAlarm(this, 'lambda-errors', {
        alarmName: props.names['lambda-errors'],
        alarmDescription: `trade-processor reported ${t.lambdaErrors}+ errors in a minute (whole-batch failures, not partial ones).`,
        namespace: 'AWS/Lambda',
        metricName: 'Errors',
        dimensions: { FunctionName: props.tradeProcessorFunctionName },
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: 1,
        threshold: t.lambdaErrors,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // No invocations (the standby region, a quiet market) means no errors.
        treatMissingData: 'notBreaching',
        ...actions,
      }),
      'api-latency-p99': new CloudwatchMetricAlarm(this, 'api-latency-p99', {
        alarmName: props.names['api-latency-p99'],
        alarmDescription: `Order API p99 latency at or above ${t.apiLatencyP99Ms} ms for 3 of 5 minutes.`,
        namespace: 'AWS/ApiGateway',
        metricName: 'Latency',
        dimensions: { ApiName: props.apiName, Stage: props.apiStageName },
        extendedStatistic: 'p99',
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        threshold: t.apiLatencyP99Ms,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // No requests (the standby region) is not slowness.
        treatMissingData: 'notBreaching',
        ...actions,
      }),
      'dlq-depth': new CloudwatchMetricAlarm(this, 'dlq-depth', {
        alarmName: props.names['dlq-depth'],
        alarmDescription: `${t.dlqDepth}+ orders in the dead-letter queue: they were not processed and need a person.`,
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: props.dlqName },
        statistic: 'Maximum',
        // SQS publishes queue metrics every five minutes.
        period: 300,
        evaluationPeriods: 1,
        threshold: t.dlqDepth,
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        // SQS stops publishing for a queue that is empty and untouched for 6 hours; a queue
        // holding messages counts as active and keeps reporting. Missing therefore means empty.
        treatMissingData: 'notBreaching',
        ...actions,
      }),
    };
  }
}
