/**
 * What the readiness check runs on: the verify-sync checks from src/core/checks (the
 * same module `dr verify-sync` runs, limits from the shared SSM parameters the stacks
 * write) and CloudWatch, both through the src/aws client factory.
 */
import type { AwsClients } from '../../aws/clients.js';
import { runSyncChecks } from '../../core/checks/index.js';
import type { LambdaRuntime } from '../shared/runtime.js';
import { outcomeFromRun, type ReadinessDeps, type ReadinessReport } from './readiness.js';

export const READINESS_EVENT_SOURCE = 'dr.readiness';

/** `readiness/<region>/<ISO time>.json` in the region's audit-log bucket. */
export function readinessReportKey(report: ReadinessReport): string {
  return `readiness/${report.region}/${report.checkedAt}.json`;
}

export function readinessDeps(runtime: LambdaRuntime, clients: AwsClients): ReadinessDeps {
  const { naming, region } = runtime;
  return {
    region,
    runChecks: async () => outcomeFromRun(await runSyncChecks({ clients, naming })),
    announce: async (report) => {
      const result = await clients.eventbridge(region).putEvents({
        Entries: [
          {
            EventBusName: naming.eventBus(region),
            Source: READINESS_EVENT_SOURCE,
            DetailType: 'FailoverReadiness',
            Detail: JSON.stringify(report),
          },
        ],
      });
      if (result.FailedEntryCount)
        throw new Error(`PutEvents rejected the event: ${JSON.stringify(result.Entries)}`);
    },
    record: async (report) => {
      await clients.s3(region).putObject({
        Bucket: naming.bucket(region, 'audit-logs'),
        Key: readinessReportKey(report),
        Body: JSON.stringify(report, null, 2),
        ContentType: 'application/json',
      });
    },
    publish: async (metrics) => {
      await clients.cloudwatch(region).putMetricData({
        Namespace: naming.metricsNamespace(),
        MetricData: metrics.map((m) => ({
          MetricName: m.name,
          Value: m.value,
          Unit: 'Count',
          Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
        })),
      });
    },
  };
}
