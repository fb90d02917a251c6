/** CloudWatch metric reads shared by the checks and `dr status`: queries in, latest datapoint out. */
import type { CloudWatchApi } from '../../aws/clients.js';
import { paginated } from '../../aws/paginate.js';

export interface Datapoint {
  readonly value: number;
  /** ISO 8601. */
  readonly at: string;
}

export interface MetricQuery {
  /** Unique within one GetMetricData call: lowercase letter first, then letters, digits, `_`. */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat: 'Maximum' | 'Minimum' | 'Average' | 'Sum';
  /** Seconds. @default 60 */
  readonly period?: number;
}

/** The newest datapoint of one GetMetricData result, or undefined when it has none. */
export function latestDatapoint(
  timestamps: readonly (Date | string)[] | undefined,
  values: readonly number[] | undefined,
): Datapoint | undefined {
  let best: Datapoint | undefined;
  let bestTime = -Infinity;
  (timestamps ?? []).forEach((t, i) => {
    const value = values?.[i];
    const time = new Date(t).getTime();
    if (value === undefined || !Number.isFinite(time) || time <= bestTime) return;
    bestTime = time;
    best = { value, at: new Date(time).toISOString() };
  });
  return best;
}

/**
 * One GetMetricData call for all `queries` over the last `windowSeconds`; the newest
 * datapoint per query id (undefined: no datapoint in the window).
 */
export async function readLatest(
  cloudwatch: CloudWatchApi,
  queries: readonly MetricQuery[],
  windowSeconds: number,
  now: Date = new Date(),
): Promise<Record<string, Datapoint | undefined>> {
  if (queries.length === 0) return {};
  const out: Record<string, Datapoint | undefined> = Object.fromEntries(
    queries.map((q) => [q.id, undefined]),
  );
  const pages = paginated(cloudwatch).getMetricData({
    StartTime: new Date(now.getTime() - windowSeconds * 1000),
    // A minute ahead: a datapoint stamped "now" by a clock slightly ahead still counts.
    EndTime: new Date(now.getTime() + 60_000),
    ScanBy: 'TimestampDescending',
    MetricDataQueries: queries.map((q) => ({
      Id: q.id,
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: q.namespace,
          MetricName: q.metricName,
          Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({ Name, Value })),
        },
        Period: q.period ?? 60,
        Stat: q.stat,
      },
    })),
  });
  for await (const page of pages) {
    for (const result of page.MetricDataResults ?? []) {
      if (!result.Id) continue;
      const latest = latestDatapoint(result.Timestamps, result.Values);
      const seen = out[result.Id];
      if (latest && (!seen || latest.at > seen.at)) out[result.Id] = latest;
    }
  }
  return out;
}
