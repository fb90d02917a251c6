/**
 * The probes behind /health, each behind an injected function so tests pass stand-ins
 * or a real PostgreSQL. They run concurrently, each with its own time limit (1 s), so
 * the answer comes within about a second whatever hangs.
 */
import type pg from 'pg';
import { readFence } from '../../contract/database.js';
import { isReadOnlyError } from '../trade-processor/fencing.js';
import type { SsmFence } from '../shared/params.js';
import { TimeoutError, withTimeout } from '../shared/timeout.js';
import type { DbProbeResult, HealthProbes, Probe, WriterRole } from './decide.js';

export const PROBE_TIMEOUT_MS = 1_000;

export interface HealthProbeDeps {
  readonly record: 'primary' | 'secondary';
  /** SSM fence (cached ≤ 5 s by the caller). */
  readonly ssmFence: (signal: AbortSignal) => Promise<SsmFence>;
  /** Whether this region's cluster is the global cluster's writer (cached ≤ 5 s by the caller). */
  readonly writer: (signal: AbortSignal) => Promise<WriterRole>;
  /** The orders queue's attributes. */
  readonly queue: (signal: AbortSignal) => Promise<{ visibleMessages?: number }>;
  readonly db: { connect(): Promise<pg.PoolClient> };
  /** @default - PROBE_TIMEOUT_MS */
  readonly timeoutMs?: number;
}

async function probe<T>(
  label: string,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<Probe<T>> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const value = await withTimeout(label, ms, fn);
    return { ok: true, value, ms: elapsed() };
  } catch (error) {
    return {
      ok: false,
      error: error instanceof Error ? error.message : String(error),
      timedOut: error instanceof TimeoutError,
      ms: elapsed(),
    };
  }
}

/**
 * Runs `work` on a pooled client. When the time limit fires first the client is
 * destroyed, not returned: its connection may still be waiting on the server.
 */
async function withClient<T>(
  db: HealthProbeDeps['db'],
  signal: AbortSignal,
  work: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await db.connect();
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    client.release(error);
  };
  if (signal.aborted) {
    release(new Error('timed out'));
    throw signal.reason;
  }
  const onAbort = () => release(new Error('health probe timed out'));
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await work(client);
  } catch (error) {
    release(error as Error);
    throw error;
  } finally {
    signal.removeEventListener('abort', onAbort);
    release();
  }
}

/**
 * The write-path probe: in a transaction, read the fence row, then take a share lock on
 * it (what the trade processor does before inserting). The lock fails on a read-only
 * (demoted) node and waits behind a fence change or a stuck writer.
 */
export async function dbWriteProbe(db: HealthProbeDeps['db'], signal: AbortSignal): Promise<DbProbeResult> {
  return withClient(db, signal, async (client) => {
    await client.query('BEGIN');
    try {
      const fence = await readFence(client);
      let writable = true;
      try {
        await readFence(client, 'share');
      } catch (error) {
        if (!isReadOnlyError(error)) throw error;
        writable = false;
      }
      return { fence, writable };
    } finally {
      await client.query('ROLLBACK').catch(() => {});
    }
  });
}

/** The read probe for the standby: the database answers. */
export async function dbReadProbe(db: HealthProbeDeps['db'], signal: AbortSignal): Promise<DbProbeResult> {
  return withClient(db, signal, async (client) => ({ fence: await readFence(client) }));
}

export async function runHealthProbes(deps: HealthProbeDeps): Promise<HealthProbes> {
  const ms = deps.timeoutMs ?? PROBE_TIMEOUT_MS;
  if (deps.record === 'primary') {
    const [fence, writer, db] = await Promise.all([
      probe('SSM', ms, deps.ssmFence),
      probe('RDS', ms, deps.writer),
      probe('database', ms, (signal) => dbWriteProbe(deps.db, signal)),
    ]);
    return { fence, writer, db };
  }
  const [queue, db] = await Promise.all([
    probe('SQS', ms, deps.queue),
    probe('database', ms, (signal) => dbReadProbe(deps.db, signal)),
  ]);
  return { queue, db };
}

/**
 * This region's role in the global cluster from DescribeGlobalClusters' members: match
 * the member ARN `arn:aws:rds:<region>:<account>:cluster:<clusterId>`.
 */
export function writerRoleOf(
  members: ReadonlyArray<{ DBClusterArn?: string | undefined; IsWriter?: boolean | undefined }>,
  region: string,
  clusterId: string,
): WriterRole {
  const mine = members.find((m) => {
    const parts = m.DBClusterArn?.split(':') ?? [];
    return parts[3] === region && parts[5] === 'cluster' && parts[6] === clusterId;
  });
  return { member: mine !== undefined, isWriter: mine?.IsWriter === true };
}
