/**
 * What `GET /health` answers. Route 53's failover records follow it, so this decides
 * where order traffic goes (DESIGN.md "What /health means"):
 *
 * - Behind the PRIMARY record: 200 only while this region holds the writer role: SSM
 *   says it is active, its Aurora cluster is the global cluster's writer, and a
 *   write-path probe of its database answers within 1 s with a fence row naming this
 *   region at an epoch SSM here knows. A region that comes back after an unplanned
 *   failover fails all but the first of these (its SSM is stale), so it answers 503
 *   until failback instead of pulling traffic into a split brain.
 * - Behind the SECONDARY record: 200 while fit to take over or to serve: the API (this
 *   request came through it), its queue and its database reachable within 1 s. Never
 *   503 merely for being standby: when both records are unhealthy Route 53 answers with
 *   the primary, which is exactly wrong after the primary was lost.
 *
 * Pure: takes the probe results, returns status and body. Every 503 names what failed.
 */
import type { FenceRow } from '../../contract/database.js';
import type { SsmFence } from '../shared/params.js';

export type Probe<T> =
  | { readonly ok: true; readonly value: T; readonly ms: number }
  | { readonly ok: false; readonly error: string; readonly timedOut: boolean; readonly ms: number };

export interface WriterRole {
  /** This region's cluster is a member of the global cluster. */
  readonly member: boolean;
  /** …and it is the writer. */
  readonly isWriter: boolean;
}

export interface DbProbeResult {
  /** The `dr_fence` row as this region's database has it. */
  readonly fence: FenceRow | undefined;
  /** Whether a write-path lock succeeded; undefined for the read-only probe. */
  readonly writable?: boolean;
}

export interface HealthProbes {
  /** SSM active-region/epoch in this region (primary record). */
  readonly fence?: Probe<SsmFence>;
  /** RDS: is this region's cluster the writer (primary record). */
  readonly writer?: Probe<WriterRole>;
  /** Database: write-path probe (primary record) or read probe (secondary record). */
  readonly db?: Probe<DbProbeResult>;
  /** SQS: the region's orders queue answers (secondary record). */
  readonly queue?: Probe<{ readonly visibleMessages?: number }>;
}

export type HealthCheckName = 'api' | 'fence' | 'writer' | 'db' | 'db-fence' | 'queue';

export interface HealthBody {
  readonly status: 'healthy' | 'unhealthy';
  readonly region: string;
  /** The Route 53 failover record this region sits behind. */
  readonly record: 'primary' | 'secondary';
  /** What failed; empty when healthy. */
  readonly failed: ReadonlyArray<{ readonly check: HealthCheckName; readonly reason: string }>;
  /** Every check run, with how long it took. */
  readonly checks: Readonly<Partial<Record<HealthCheckName, { ok: boolean; ms?: number; detail: string }>>>;
}

export interface HealthDecision {
  readonly statusCode: 200 | 503;
  readonly body: HealthBody;
}

export interface HealthInput {
  readonly region: string;
  readonly record: 'primary' | 'secondary';
  /** How the request arrived (API Gateway id), shown in the body. */
  readonly via?: string;
  readonly probes: HealthProbes;
}

function probeFailure(p: Probe<unknown> | undefined, what: string): string | undefined {
  if (!p) return `${what} was not probed`;
  if (p.ok) return undefined;
  return p.timedOut
    ? `${what} did not answer within the time limit (${p.error})`
    : `${what} failed: ${p.error}`;
}

export function decideHealth(input: HealthInput): HealthDecision {
  const { region, record, probes } = input;
  const failed: Array<{ check: HealthCheckName; reason: string }> = [];
  const checks: Partial<Record<HealthCheckName, { ok: boolean; ms?: number; detail: string }>> = {};
  const note = (check: HealthCheckName, ok: boolean, detail: string, ms?: number) => {
    checks[check] = { ok, detail, ...(ms === undefined ? {} : { ms }) };
    if (!ok) failed.push({ check, reason: detail });
  };

  if (record === 'primary') {
    const fence = probes.fence;
    const fenceError = probeFailure(fence, 'reading SSM active-region/epoch');
    if (fenceError || !fence?.ok) note('fence', false, fenceError ?? 'not probed', fence?.ms);
    else if (fence.value.activeRegion !== region)
      note(
        'fence',
        false,
        `SSM active-region is ${fence.value.activeRegion} (epoch ${fence.value.epoch})`,
        fence.ms,
      );
    else note('fence', true, `active at epoch ${fence.value.epoch}`, fence.ms);

    const writer = probes.writer;
    const writerError = probeFailure(writer, 'the Aurora writer lookup');
    if (writerError || !writer?.ok) note('writer', false, writerError ?? 'not probed', writer?.ms);
    else if (!writer.value.member)
      note('writer', false, `this region's Aurora cluster is not a member of the global cluster`, writer.ms);
    else if (!writer.value.isWriter)
      note('writer', false, `this region's Aurora cluster is not the global cluster's writer`, writer.ms);
    else note('writer', true, 'this region holds the Aurora writer', writer.ms);

    const db = probes.db;
    const dbError = probeFailure(db, 'the write-path database probe');
    if (dbError || !db?.ok) {
      note('db', false, dbError ?? 'not probed', db?.ms);
    } else {
      if (db.value.writable === false) note('db', false, 'the database is read-only (not the writer)', db.ms);
      else note('db', true, 'write path answered', db.ms);
      const row = db.value.fence;
      if (!row) note('db-fence', false, 'the dr_fence row is missing');
      else if (row.activeRegion !== region)
        note(
          'db-fence',
          false,
          `the database fence names ${row.activeRegion} (epoch ${row.epoch}): this region was failed away from and stays unhealthy until failback`,
        );
      else if (fence?.ok && row.epoch > fence.value.epoch)
        note(
          'db-fence',
          false,
          `the database fence epoch ${row.epoch} is newer than SSM's ${fence.value.epoch} here: SSM is stale`,
        );
      else note('db-fence', true, `names ${region} at epoch ${row.epoch}`);
    }
  } else {
    note('api', true, input.via ? `request arrived through API ${input.via}` : 'invoked directly');
    const queue = probes.queue;
    const queueError = probeFailure(queue, 'the orders queue');
    if (queueError || !queue?.ok) note('queue', false, queueError ?? 'not probed', queue?.ms);
    else note('queue', true, `reachable (${queue.value.visibleMessages ?? '?'} visible messages)`, queue.ms);

    const db = probes.db;
    const dbError = probeFailure(db, 'the database probe');
    if (dbError || !db?.ok) note('db', false, dbError ?? 'not probed', db?.ms);
    else note('db', true, 'reachable', db.ms);
  }

  return {
    statusCode: failed.length === 0 ? 200 : 503,
    body: { status: failed.length === 0 ? 'healthy' : 'unhealthy', region, record, failed, checks },
  };
}
