/**
 * What the readiness check runs on: the verify-sync checks from src/core/checks (the
 * same module `dr verify-sync` runs, limits from the shared SSM parameters the stacks
 * write) and CloudWatch, both through the src/aws client factory.
 */
import type { AwsClients } from '../../aws/clients.js';
import { runSyncChecks } from '../../core/checks/index.js';
import type { LambdaRuntime } from '../shared/runtime.js';
import { outcomeFromRun, type ReadinessDeps } from './readiness.js';

export function readinessDeps(runtime: LambdaRuntime, clients: AwsClients): ReadinessDeps {
  const { naming, region } = runtime;
  return {
    region,
    runChecks: async () => outcomeFromRun(await runSyncChecks({ clients, naming })),
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
