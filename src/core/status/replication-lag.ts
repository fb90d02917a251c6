/**
 * Aurora's replication lag as a reader cluster reports it: the one read `dr status` and
 * the drill's lag at the cut share. It belongs next to the other reads in
 * checks/read.ts (where `verifySync` could use it too); it sits here until that file can
 * take it.
 */
import type { CloudWatchApi } from '../../aws/clients.js';
import { readLatest, type Datapoint } from '../checks/metrics.js';

/**
 * The newest `AuroraGlobalDBReplicationLag` (AWS/RDS, Maximum, ms) of `cluster` in the
 * last `windowSeconds` before `now`; undefined when there is no datapoint. A failed call
 * propagates as `readLatest` throws it.
 */
export async function readReplicationLag(
  cloudwatch: CloudWatchApi,
  cluster: string,
  windowSeconds: number,
  now: Date = new Date(),
): Promise<Datapoint | undefined> {
  const points = await readLatest(
    cloudwatch,
    [
      {
        id: 'lag',
        namespace: 'AWS/RDS',
        metricName: 'AuroraGlobalDBReplicationLag',
        dimensions: { DBClusterIdentifier: cluster },
        stat: 'Maximum',
      },
    ],
    windowSeconds,
    now,
  );
  return points.lag;
}
