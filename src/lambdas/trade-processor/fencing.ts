/**
 * Fencing: the trade processor writes only in the region that holds the writer role.
 *
 * Two signals, both checked before every batch is written:
 *
 * 1. SSM `active-region` / `epoch` in this region (cached ≤ 5 s). The failover writes
 *    them in both regions when it can. Cheap, and it stops a planned-fenced region at
 *    once, but after an UNPLANNED failover the lost region's copy is stale: the
 *    surviving region wrote the new value while it was dark, so on its return it
 *    still says "active: me, epoch N".
 *
 * 2. The `dr_fence` row in the database itself (migration 002), read `FOR SHARE` inside
 *    the very transaction that inserts the orders. The failover writes it on the NEW
 *    writer after promotion (region B, epoch N+1). We refuse when the row names another
 *    region or an epoch higher than the one SSM gave us.
 *
 * Why the database is the second store: it is the one thing a returning region cannot
 * write to without going through Aurora's own view of who the writer is. After
 * `FailoverGlobalCluster`, Aurora turns the old primary cluster, once reachable, into a
 * secondary of the global cluster: it is read-only and replicates from the new writer,
 * so it either carries the row "B, N+1" (refused by the check) or refuses the write
 * itself (`FOR SHARE` and `INSERT` fail with SQLSTATE 25006 on a read-only node, which
 * we treat as fenced too). Either way the returning region writes nothing and its
 * messages stay queued. The same row also orders a planned switchover correctly: the
 * `UPDATE` of the fence waits for in-flight batches that hold the share lock, and every
 * later batch sees the new row, so nothing is written behind the fence.
 *
 * Rejected alternatives: a DynamoDB global table item (another replicated store that
 * can also be stale and has no transaction with the orders); asking the RDS control
 * plane "is my cluster the writer?" on every batch (an API call per batch, throttled,
 * and still a separate read racing the write). /health does ask RDS, because it decides
 * where DNS points (src/lambdas/health).
 *
 * What remains: a cluster detached from the global cluster by hand
 * (`RemoveFromGlobalCluster`) becomes a standalone writable cluster with its old row;
 * `dr` never does that, and its /health still answers 503 (not the writer).
 */
import { readFence, type FenceRow } from '../../contract/database.js';
import type { SqlClient } from '../../contract/database.js';
import { cached } from '../shared/cache.js';
import type { SsmFence } from '../shared/params.js';

/** How long the SSM fence may be cached (the task allows at most 5 s). */
export const SSM_FENCE_TTL_MS = 5_000;

export type FenceSignal = 'ssm' | 'db-fence' | 'read-only';

/** This region must not write. The messages stay queued. */
export class FencedError extends Error {
  override readonly name = 'FencedError';
  constructor(
    message: string,
    readonly signal: FenceSignal,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** SQLSTATE 25006: read_only_sql_transaction (a demoted Aurora cluster, a replica). */
export function isReadOnlyError(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === '25006';
}

/** Wraps an SSM fence reader in the ≤ 5 s cache. */
export function cachedSsmFence(read: () => Promise<SsmFence>, ttlMs = SSM_FENCE_TTL_MS, now?: () => number) {
  return cached(read, Math.min(ttlMs, SSM_FENCE_TTL_MS), now);
}

/** Signal 1: SSM says this region is active. */
export function checkSsmFence(fence: SsmFence, region: string): void {
  if (fence.activeRegion !== region) {
    throw new FencedError(
      `SSM active-region is ${fence.activeRegion} (epoch ${fence.epoch}), not ${region}: not writing`,
      'ssm',
    );
  }
}

/**
 * Signal 2, inside the write transaction: the database's fence row agrees. Returns the
 * row (its epoch stamps the written orders).
 */
export async function checkDbFence(client: SqlClient, region: string, believed: SsmFence): Promise<FenceRow> {
  let row: FenceRow | undefined;
  try {
    row = await readFence(client, 'share');
  } catch (error) {
    if (isReadOnlyError(error)) {
      throw new FencedError(
        `the database in ${region} is read-only (not the writer): not writing`,
        'read-only',
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  if (!row) {
    throw new FencedError('the dr_fence row is missing (dr deploy seeds it): not writing', 'db-fence');
  }
  if (row.activeRegion !== region) {
    throw new FencedError(
      `the database fence names ${row.activeRegion} (epoch ${row.epoch}), not ${region}: this region was failed away from`,
      'db-fence',
    );
  }
  if (row.epoch > believed.epoch) {
    throw new FencedError(
      `the database fence epoch ${row.epoch} is newer than this region's SSM epoch ${believed.epoch}: SSM here is stale`,
      'db-fence',
    );
  }
  return row;
}
