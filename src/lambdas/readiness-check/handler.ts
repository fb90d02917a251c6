/** EventBridge schedule (hourly) → checkReadiness → CloudWatch `FailoverReadiness`. */
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { jsonLogger } from '../shared/log.js';
import { lambdaRuntime } from '../shared/runtime.js';
import { checkReadiness, type ReadinessDeps, type ReadinessOutcome } from './readiness.js';

// TODO(issue 6 part 3): inject the verify-sync checks from src/core once they land.
// Until then the run cannot prove readiness, so it reports 0 and says why.
const checksNotWired = async (): Promise<ReadinessOutcome> => ({
  ready: false,
  reasons: ['the verify-sync checks are not wired into the readiness check yet'],
});

function awsDeps(): ReadinessDeps {
  const { naming, region } = lambdaRuntime();
  const cloudwatch = new CloudWatchClient({});
  return {
    region,
    runChecks: checksNotWired,
    publish: async (metrics) => {
      await cloudwatch.send(
        new PutMetricDataCommand({
          Namespace: naming.metricsNamespace(),
          MetricData: metrics.map((m) => ({
            MetricName: m.name,
            Value: m.value,
            Unit: 'Count',
            Dimensions: Object.entries(m.dimensions).map(([Name, Value]) => ({ Name, Value })),
          })),
        }),
      );
    },
  };
}

let deps: ReadinessDeps | undefined;

export const handler = async (): Promise<ReadinessOutcome> => {
  const outcome = await checkReadiness((deps ??= awsDeps()));
  jsonLogger(outcome.ready ? 'info' : 'warn', 'failover readiness', { ...outcome });
  return outcome;
};
