/**
 * The `dr_fence` row: the database's copy of which region holds the writer role and at
 * which epoch (migration 002). Why it exists and how the trade processor uses it is
 * explained in src/lambdas/trade-processor/fencing.ts.
 *
 * Writers: `dr deploy` seeds it (once, on the primary's writer); every failover and
 * failback advances it on the NEW writer right after promotion (the state machine runs
 * `ADVANCE_FENCE_SQL` through the RDS Data API or a client), before the new region's
 * event source mapping is enabled. The epoch only moves forward.
 */
/** The smallest SQL client the migration runner and the fence need (`pg.Client` and `pg.PoolClient` fit). */
export interface SqlClient {
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params?: unknown[],
  ): Promise<{ rows: R[] }>;
}

export interface FenceRow {
  readonly activeRegion: string;
  readonly epoch: number;
}

/** Inserts the first row; does nothing when a row exists. */
export const SEED_FENCE_SQL = `INSERT INTO dr_fence (singleton, active_region, epoch)
VALUES (true, $1, $2) ON CONFLICT (singleton) DO NOTHING`;

/** Moves the fence to `$1` at epoch `$2`; a no-op unless `$2` is higher than the stored epoch. */
export const ADVANCE_FENCE_SQL = `INSERT INTO dr_fence (singleton, active_region, epoch, updated_at)
VALUES (true, $1, $2, now())
ON CONFLICT (singleton) DO UPDATE
  SET active_region = EXCLUDED.active_region, epoch = EXCLUDED.epoch, updated_at = now()
  WHERE dr_fence.epoch < EXCLUDED.epoch`;

/** `ADVANCE_FENCE_SQL` with named parameters, as the RDS Data API takes them (the state machine's fence step). */
export const ADVANCE_FENCE_DATA_API_SQL = ADVANCE_FENCE_SQL.replace('$1', ':region').replace('$2', ':epoch');

export async function seedFence(client: SqlClient, fence: FenceRow): Promise<void> {
  await client.query(SEED_FENCE_SQL, [fence.activeRegion, fence.epoch]);
}

/** True when the row moved; false when it already held this or a higher epoch. */
export async function advanceFence(client: SqlClient, fence: FenceRow): Promise<boolean> {
  const result = await client.query(`${ADVANCE_FENCE_SQL} RETURNING epoch`, [
    fence.activeRegion,
    fence.epoch,
  ]);
  return result.rows.length === 1;
}

/** Reads the row; `lock: 'share'` takes a row share lock (write path: fails on a read-only node). */
export async function readFence(client: SqlClient, lock?: 'share'): Promise<FenceRow | undefined> {
  const { rows } = await client.query<{ active_region: string; epoch: string | number }>(
    `SELECT active_region, epoch FROM dr_fence WHERE singleton${lock === 'share' ? ' FOR SHARE' : ''}`,
  );
  const row = rows[0];
  return row ? { activeRegion: row.active_region, epoch: Number(row.epoch) } : undefined;
}
