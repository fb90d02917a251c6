import type * as AwsSdkClientCloudwatchModule from '@aws-sdk/client-cloudwatch';
import type { CloudWatchApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const {
  CloudWatchClient,
  PutMetricAlarmCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
} = requireCjs('@aws-sdk/client-cloudwatch') as typeof AwsSdkClientCloudwatchModule;

export function create(settings: ClientSettings): CloudWatchApi & { destroy(): void } {
  const client = new CloudWatchClient({ ...sdkConfig(settings) });
  return {
    putMetricAlarm: (input) => client.send(new PutMetricAlarmCommand(input)),
    describeAlarms: (input) => client.send(new DescribeAlarmsCommand(input)),
    getMetricData: (input) => client.send(new GetMetricDataCommand(input)),
    putMetricData: (input) => client.send(new PutMetricDataCommand(input)),
    destroy: () => client.destroy(),
  };
}
