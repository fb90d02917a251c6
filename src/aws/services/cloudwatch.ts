import type * as AwsSdkClientCloudwatchModule from '@aws-sdk/client-cloudwatch';
import type { CloudWatchApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';
import { PAGINATE, sdkPaginate, type Paginate } from '../paginate.js';

const {
  CloudWatchClient,
  PutMetricAlarmCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  PutMetricDataCommand,
  paginateDescribeAlarms,
  paginateGetMetricData,
} = requireCjs('@aws-sdk/client-cloudwatch') as typeof AwsSdkClientCloudwatchModule;

export function create(settings: ClientSettings): CloudWatchApi & { destroy(): void; [PAGINATE]: Paginate } {
  const client = new CloudWatchClient({ ...sdkConfig(settings) });
  return {
    putMetricAlarm: (input) => client.send(new PutMetricAlarmCommand(input)),
    describeAlarms: (input) => client.send(new DescribeAlarmsCommand(input)),
    getMetricData: (input) => client.send(new GetMetricDataCommand(input)),
    putMetricData: (input) => client.send(new PutMetricDataCommand(input)),
    [PAGINATE]: sdkPaginate(client, {
      describeAlarms: paginateDescribeAlarms,
      getMetricData: paginateGetMetricData,
    }),
    destroy: () => client.destroy(),
  };
}
