/**
 * What the replication pair (region-databases.ts) asks its PostgreSQL servers: WAL
 * positions, the writer's view of its standby, promotion. One short connection per
 * question (loopback, trust auth: cheap), so a server that restarts between two
 * questions never leaves a broken pooled connection behind. Also the bounded,
 * condition-driven wait every step of a switchover or resync uses.
 */
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';

/** `postgres://postgres@127.0.0.1:<port>/<database>` */
export function serverUrl(port: number, database = 'postgres'): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

export async function query<T extends object>(
  port: number,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: serverUrl(port) });
  client.on('error', () => {}); // a server shutting down under an idle client
  await client.connect();
  try {
    return (await client.query<T>(sql, [...params])).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** A WAL position (`16/B374D848`) as a number of bytes, for comparisons. */
export function lsnBytes(lsn: string): bigint {
  const match = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(lsn);
  if (!match) throw new Error(`not a WAL position: ${lsn}`);
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** The writer's current WAL insert position. */
export async function currentLsn(port: number): Promise<string> {
  const [row] = await query<{ lsn: string }>(port, 'SELECT pg_current_wal_lsn()::text AS lsn');
  return row!.lsn;
}

/** The end of the last WAL record a standby replayed (static once promoted). */
export async function replayLsn(port: number): Promise<string | null> {
  const [row] = await query<{ lsn: string | null }>(port, 'SELECT pg_last_wal_replay_lsn()::text AS lsn');
  return row?.lsn ?? null;
}

/**
 * What a standby replayed, and how long the last message from its writer took to arrive
 * (`pg_stat_wal_receiver`: receipt minus the walsender's send time; one clock here).
 */
export async function standbyState(port: number): Promise<{ lsn: string | null; transitMs: number | null }> {
  const [row] = await query<{ lsn: string | null; transit_ms: number | null }>(
    port,
    `SELECT pg_last_wal_replay_lsn()::text AS lsn,
       (SELECT (extract(epoch FROM last_msg_receipt_time - last_msg_send_time) * 1000)::float8
          FROM pg_stat_wal_receiver) AS transit_ms`,
  );
  return { lsn: row?.lsn ?? null, transitMs: row?.transit_ms ?? null };
}

/** Whether `standby` streams from the writer on `port`, and its replay lag as the writer measures it. */
export async function walSenderState(
  port: number,
  standby: string,
): Promise<{ streaming: boolean; replayLagMs: number | null }> {
  const rows = await query<{ replay_lag_ms: number | null }>(
    port,
    `SELECT (extract(epoch FROM replay_lag) * 1000)::float8 AS replay_lag_ms
       FROM pg_stat_replication WHERE application_name = $1 AND state = 'streaming'`,
    [standby],
  );
  const row = rows[0];
  return { streaming: row !== undefined, replayLagMs: row?.replay_lag_ms ?? null };
}

/**
 * `pg_promote()`, waiting (up to a minute) until the server accepts writes, then a
 * checkpoint: promotion only requests one, and until it is done the control file still
 * names the old timeline, so a pg_rewind with this server as its source would see no
 * divergence (or a wrong one) and leave a standby that cannot start.
 */
export async function promote(port: number): Promise<void> {
  const [row] = await query<{ promoted: boolean }>(port, 'SELECT pg_promote(true, 60) AS promoted');
  if (!row?.promoted) throw new Error(`the server on port ${port} did not finish promotion within 60 s`);
  await query(port, 'CHECKPOINT');
}

/** Polls `condition` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${(lastError as Error).message})` : '';
      throw new Error(`${what}: not within ${Math.round(timeoutMs / 1000)} s${cause}`);
    }
    await delay(50);
  }
}
