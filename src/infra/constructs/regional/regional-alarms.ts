/**
 * The four alarms of a region, each sending ALARM and OK to the region's topic:
 * Aurora global replication lag, trade-processor errors, API p99 latency, DLQ depth.
 * How each treats missing data is part of what it means, so each says why.
 */
import type * as CloudwatchMetricAlarmModule from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import type { AlarmDefinition, AlarmKind } from '../../platform-definitions.js';
import { requireInt, requireNonEmpty } from './validate.js';

const { CloudwatchMetricAlarm } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-metric-alarm/index.js',
) as typeof CloudwatchMetricAlarmModule;
type CloudwatchMetricAlarm = CloudwatchMetricAlarmModule.CloudwatchMetricAlarm;

export type { AlarmKind };

export interface RegionalAlarmsProps {
  /** The region's alarms (src/infra/platform-definitions.ts: the sandbox seeds the same). */
  readonly definitions: readonly AlarmDefinition[];
  /** Alarm and OK actions go to this topic. */
  readonly topicArn: string;
}

export class RegionalAlarms extends Construct {
  readonly alarms: Record<AlarmKind, CloudwatchMetricAlarm>;

  constructor(scope: Construct, id: string, props: RegionalAlarmsProps) {
    super(scope, id);
    requireNonEmpty('RegionalAlarms', 'topicArn', props.topicArn);
    const alarms: Partial<Record<AlarmKind, CloudwatchMetricAlarm>> = {};
    for (const d of props.definitions) {
      requireInt('RegionalAlarms', `${d.kind}.threshold`, d.threshold, 1);
      if (alarms[d.kind]) throw new Error(`RegionalAlarms: two definitions of ${d.kind}`);
      // The construct id is the kind: a stable literal, so a renamed alarm is not replaced.
      alarms[d.kind] = new CloudwatchMetricAlarm(this, d.kind, {
        alarmName: d.name,
        alarmDescription: d.description,
        namespace: d.namespace,
        metricName: d.metricName,
        dimensions: { ...d.dimensions },
        ...(d.statistic ? { statistic: d.statistic } : {}),
        ...(d.extendedStatistic ? { extendedStatistic: d.extendedStatistic } : {}),
        period: d.period,
        evaluationPeriods: d.evaluationPeriods,
        ...(d.datapointsToAlarm ? { datapointsToAlarm: d.datapointsToAlarm } : {}),
        threshold: d.threshold,
        comparisonOperator: d.comparisonOperator,
        treatMissingData: d.treatMissingData,
        alarmActions: [props.topicArn],
        okActions: [props.topicArn],
      });
    }
    const missing = (['replication-lag', 'lambda-errors', 'api-latency-p99', 'dlq-depth'] as const).filter(
      (k) => !alarms[k],
    );
    if (missing.length > 0) throw new Error(`RegionalAlarms: missing definitions for ${missing.join(', ')}`);
    this.alarms = alarms as Record<AlarmKind, CloudwatchMetricAlarm>;
  }
}
