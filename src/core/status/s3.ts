/**
 * S3 cross-region replication: each bucket's rules at level 1, then (level 2, they need
 * the rule ids) the pending operations, bytes and latency of every rule, one
 * GetMetricData per region.
 */
import type { ReplicationRuleView } from '../checks/evaluate.js';
import { readLatest, type Datapoint, type MetricQuery } from '../checks/metrics.js';
import { valueOf, type Outcome } from '../checks/outcome.js';
import { readReplicationRules } from '../checks/read.js';
import type { ReplicationStatus } from './model.js';
import { METRIC_WINDOW_SECONDS } from './aurora.js';
import { errorField, type StatusContext } from './context.js';

export interface BucketRead {
  readonly region: string;
  readonly bucket: string;
  readonly rules: Outcome<ReplicationRuleView[]>;
}

type RuleMetrics = Record<string, Datapoint | undefined>;
/** By `bucket/ruleId`. */
export type ReplicationMetricsRead = Map<string, Outcome<RuleMetrics>>;

/** Level 1: the replication rules of each region's config and audit-log buckets. */
export function readBuckets(ctx: StatusContext): Promise<BucketRead[]> {
  const purposes = ['config', 'audit-logs'] as const;
  return Promise.all(
    ctx.regions.flatMap((region) =>
      purposes.map(async (purpose) => {
        const bucket = ctx.naming.bucket(region, purpose);
        return {
          region,
          bucket,
          rules: await ctx.settle(readReplicationRules(ctx.clients.s3(region), bucket)),
        };
      }),
    ),
  );
}

const ruleKey = (bucket: string, ruleId: string) => `${bucket}/${ruleId}`;

/** Three queries per rule, numbered by the rule's index in the region's call. */
function ruleQueries(entries: ReadonlyArray<{ bucket: string; rule: ReplicationRuleView }>): MetricQuery[] {
  return entries.flatMap((e, i) => {
    const dimensions = {
      SourceBucket: e.bucket,
      DestinationBucket: e.rule.destinationBucket,
      RuleId: e.rule.id,
    };
    return [
      { id: `ops${i}`, metricName: 'OperationsPendingReplication', stat: 'Maximum' as const },
      { id: `bytes${i}`, metricName: 'BytesPendingReplication', stat: 'Maximum' as const },
      { id: `latency${i}`, metricName: 'ReplicationLatency', stat: 'Maximum' as const },
    ].map((q) => ({ ...q, namespace: 'AWS/S3', dimensions }));
  });
}

async function readRegionMetrics(
  ctx: StatusContext,
  region: string,
  buckets: readonly BucketRead[],
  out: ReplicationMetricsRead,
): Promise<void> {
  const entries = buckets
    .filter((b) => b.region === region)
    .flatMap((b) => (b.rules.ok ? b.rules.value.map((rule) => ({ bucket: b.bucket, rule })) : []));
  if (entries.length === 0) return;
  const metrics = await ctx.settle(
    readLatest(ctx.clients.cloudwatch(region), ruleQueries(entries), METRIC_WINDOW_SECONDS, ctx.now),
  );
  entries.forEach((e, i) => {
    out.set(
      ruleKey(e.bucket, e.rule.id),
      metrics.ok
        ? {
            ok: true,
            value: {
              ops: metrics.value[`ops${i}`],
              bytes: metrics.value[`bytes${i}`],
              latency: metrics.value[`latency${i}`],
            },
          }
        : metrics,
    );
  });
}

/** Level 2: every rule's replication metrics, one call per region. */
export async function readReplicationMetrics(
  ctx: StatusContext,
  buckets: readonly BucketRead[],
): Promise<ReplicationMetricsRead> {
  const out: ReplicationMetricsRead = new Map();
  await Promise.all(ctx.regions.map((region) => readRegionMetrics(ctx, region, buckets, out)));
  return out;
}

/** A bucket without rules (or whose rules could not be read) is one line with nothing known. */
function bucketWithoutRules(b: BucketRead): ReplicationStatus {
  return {
    region: b.region,
    sourceBucket: b.bucket,
    destinationBucket: null,
    ruleId: null,
    status: b.rules.ok ? 'none' : null,
    pendingOperations: null,
    pendingBytes: null,
    latencySeconds: null,
    ...errorField(b.rules),
  };
}

function ruleStatus(
  b: BucketRead,
  rule: ReplicationRuleView,
  read: ReplicationMetricsRead,
): ReplicationStatus {
  const metrics = read.get(ruleKey(b.bucket, rule.id));
  const m = valueOf(metrics);
  return {
    region: b.region,
    sourceBucket: b.bucket,
    destinationBucket: rule.destinationBucket,
    ruleId: rule.id,
    status: rule.status,
    // No datapoint: nothing pending reported.
    pendingOperations: m ? (m.ops?.value ?? 0) : null,
    pendingBytes: m ? (m.bytes?.value ?? 0) : null,
    latencySeconds: m?.latency?.value ?? null,
    ...errorField(metrics),
  };
}

export function s3View(buckets: readonly BucketRead[], metrics: ReplicationMetricsRead): ReplicationStatus[] {
  return buckets.flatMap((b) =>
    !b.rules.ok || b.rules.value.length === 0
      ? [bucketWithoutRules(b)]
      : b.rules.value.map((rule) => ruleStatus(b, rule, metrics)),
  );
}
