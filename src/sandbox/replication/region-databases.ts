/**
 * Two PostgreSQL servers standing in for an Aurora PostgreSQL global database: one per
 * region, the secondary a read-only hot standby that follows the writer through real
 * streaming replication, shipped through a delaying relay (wal-relay.ts) so that the
 * secondary lags like a global database's and an unplanned failover loses what was in
 * flight. Before this, both "regions" shared one server and a failover could never lose
 * a write.
 *
 * - `switchover(to)`: planned, RPO 0. The writer shuts down cleanly (no new writes; its
 *   walsender hands every record, up to the shutdown checkpoint, to the standby), the
 *   standby replays all of it, is promoted, and the old writer rejoins as its standby.
 * - `failover(to)`: unplanned. The relay is severed where it stands (what it holds is
 *   lost), `to` is promoted at once; the old writer keeps running, diverged, holding the
 *   writes that never shipped, as a lost region's database would.
 * - `demote(region)`: the diverged old writer stops taking writes (new sessions read-only,
 *   open ones ended) but keeps its rows for reading until its re-sync, as Aurora's old
 *   primary is detached from a global database that has one writer.
 * - `resync(region)`: the diverged server rejoins the writer (pg_rewind, or a fresh base
 *   backup: rejoin.ts), discarding its divergent writes, as Aurora does when a lost
 *   region comes back.
 *
 * Every server runs with fsync off (throwaway data) but `full_page_writes` and
 * `wal_log_hints` on (pg_rewind needs them), on a port that stays its region's across
 * restarts, in its own `dr-pg-*` temp dir (so `stopLeftoverPostgres` can stop a killed
 * caller's leftovers: `processes()`, `onProcesses`, `stopLeftoverRegionDatabases`).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  createServerDir,
  initDataDir,
  launchPostgres,
  runPostgresTool,
  stopLeftoverPostgres,
  writeServerFile,
  type PostgresProcess,
} from '../postgres.js';
import { freePort } from '../loopback.js';
import { lastCheckpoint, prepareStandby, type RejoinMethod } from './rejoin.js';
import {
  currentLsn,
  lsnBytes,
  promote,
  query,
  replayLsn,
  serverUrl,
  standbyState,
  waitUntil,
  walSenderState,
} from './server-queries.js';
import { startWalRelay, type WalRelay } from './wal-relay.js';

/** Above this the walsender's and walreceiver's timeouts (60 s) could fire on a quiet link. */
export const MAX_SHIPPING_DELAY_MS = 10_000;

/** Settings every server of the pair runs with (on the command line: see rejoin.ts). */
const SERVER_SETTINGS = {
  fsync: 'off',
  synchronous_commit: 'on', // a commit is in the writer's WAL when it returns (fsync stays off)
  full_page_writes: 'on', // pg_rewind's source must have it
  wal_log_hints: 'on', // pg_rewind's target must have it (or data checksums)
  // max_connections, max_wal_senders, max_worker_processes...: initdb's values. A standby
  // refuses to start with less than its writer had (the cold copy records initdb's).
  shared_buffers: '16MB',
  wal_level: 'replica',
  wal_keep_size: '256MB', // what a rewound or lagging standby still needs stays on the writer
  hot_standby: 'on',
  wal_receiver_status_interval: '1s', // fresh replay positions and lag on the writer
  wal_retrieve_retry_interval: '250ms', // a standby started before its writer connects quickly
  wal_sender_timeout: '60s',
  wal_receiver_timeout: '60s',
};

export interface RegionDatabasesOptions {
  /** The region whose server starts as the writer, e.g. `us-east-1`. */
  readonly primary: string;
  /** The region whose server starts as its streaming standby, e.g. `us-east-2`. */
  readonly secondary: string;
  /** The database created on the writer (and replicated), e.g. `orders`. */
  readonly database: string;
  /** How long WAL takes from the writer to the standby. @default 0 */
  readonly shippingDelayMs?: number;
  /** Each server in its own process group (see `startPostgres`). @default false */
  readonly ownProcessGroup?: boolean;
  /** Called with `processes()` whenever a server starts or stops, for a leftover record. */
  readonly onProcesses?: (processes: readonly RegionProcess[]) => void;
}

export interface RegionProcess {
  readonly region: string;
  /** The process spawned for the server (postmaster, or `runuser` in front of it as root); none while stopped. */
  readonly pid: number | undefined;
  /** Its `dr-pg-*` temp dir (data directory in `data/`). */
  readonly dir: string;
}

export type RegionRole = 'writer' | 'standby' | 'diverged';

export interface SwitchoverResult {
  readonly from: string;
  readonly to: string;
  /** The WAL position at the switch: the end of the old writer's shutdown checkpoint, all replayed on `to`. */
  readonly lsn: string;
  /** Old writer shut down: writes refused, its WAL handed to the standby. */
  readonly writesStoppedMs: number;
  /** Then until `to` had replayed everything. */
  readonly caughtUpMs: number;
  readonly promotedMs: number;
  /** The old writer rewound (if needed) and streaming from `to`. */
  readonly rejoinedMs: number;
  readonly totalMs: number;
  readonly rejoin: RejoinMethod;
}

export interface FailoverCut {
  readonly from: string;
  readonly to: string;
  /** When replication was cut. */
  readonly at: Date;
  /** `observedLagMs()` just before the cut (null: it was not replicating). */
  readonly lagMsAtCut: number | null;
  /** The last WAL position `to` replayed: everything after it on `from` is lost. */
  readonly lastReplicatedLsn: string | null;
  /**
   * Commit time of the last transaction `to` replayed (`pg_last_xact_replay_timestamp`):
   * writes committed on `from` after it are lost. Null when `to` replayed no transaction
   * since it last started (PostgreSQL keeps no earlier one).
   */
  readonly lastReplicatedAt: Date | null;
  readonly promotedMs: number;
  readonly totalMs: number;
}

export interface ResyncResult {
  readonly region: string;
  /** The writer it now follows. */
  readonly following: string;
  readonly rejoin: RejoinMethod;
  /** Until it streams and has replayed what the writer had when it started streaming. */
  readonly totalMs: number;
}

export interface RegionDatabases {
  readonly regions: readonly [primary: string, secondary: string];
  /** Superuser URL of that region's server: `postgres://postgres@127.0.0.1:PORT/<database>`. */
  url(region: string): string;
  /** The region whose server is the writer now. */
  writer(): string;
  role(region: string): RegionRole;
  /**
   * How far the standby's replayed state is behind the writer, in ms, as PostgreSQL measures
   * it: 0 when it has replayed the writer's current WAL position, else the writer's
   * `pg_stat_replication.replay_lag`, the standby's transit time of the last message it
   * received (`pg_stat_wal_receiver`) or the age of the oldest WAL the link still holds
   * (it grows through a partition, which the other two do not show), whichever is
   * largest. Null when nothing replicates (cut, or no standby streaming).
   */
  observedLagMs(): Promise<number | null>;
  setShippingDelay(ms: number): void;
  /**
   * A partition between the regions (`true`): the writer's WAL stops reaching the standby
   * and piles up in the relay (a lost region's writes not yet shipped). `false` lets it
   * through in order (nothing lost); a `failover` meanwhile drops it.
   */
  partition(cut: boolean): void;
  switchover(to: string): Promise<SwitchoverResult>;
  failover(to: string): Promise<FailoverCut>;
  /**
   * The diverged old writer takes no more writes: its database's sessions are read-only
   * from now on (`default_transaction_read_only`, set on the database: a change on its own
   * timeline, which the re-sync discards) and the open ones are ended. Its rows stay
   * readable until `resync`.
   */
  demote(region: string): Promise<void>;
  resync(region: string): Promise<ResyncResult>;
  /** Each region's server process and temp dir, as now. */
  processes(): RegionProcess[];
  /** Stops every server and relay, removes the temp dirs; a second call waits for the first. */
  stop(): Promise<void>;
}

interface Server {
  readonly region: string;
  readonly dir: string;
  readonly dataDir: string;
  readonly port: number;
  process: PostgresProcess | undefined;
  role: RegionRole;
}

function validDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_SHIPPING_DELAY_MS) {
    throw new RangeError(
      `shipping delay must be between 0 and ${MAX_SHIPPING_DELAY_MS} ms (the replication timeouts are 60 s), got ${ms}`,
    );
  }
  return ms;
}

/**
 * Starts the pair: initdb of the primary, a cold copy of it as the secondary (a valid base
 * backup, cheaper than pg_basebackup), both started, the database created on the writer
 * and replayed on the standby.
 */
export async function startRegionDatabases(options: RegionDatabasesOptions): Promise<RegionDatabases> {
  const { primary, secondary, database } = options;
  if (primary === secondary) throw new Error(`primary and secondary must differ, both are ${primary}`);
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) {
    throw new Error(`database must be a lower-case SQL identifier, got ${JSON.stringify(database)}`);
  }
  let delayMs = validDelay(options.shippingDelayMs ?? 0);
  const servers = new Map<string, Server>();
  let writerRegion = primary;
  /** The relay the standby streams through; none while nothing replicates. */
  let relay: WalRelay | undefined;
  let stopping: Promise<void> | undefined;
  let busy: Promise<unknown> = Promise.resolve();

  const server = (region: string): Server => {
    const found = servers.get(region);
    if (!found) throw new Error(`unknown region ${region}: the pair is ${primary} and ${secondary}`);
    return found;
  };
  const processes = (): RegionProcess[] =>
    [...servers.values()].map((s) => ({ region: s.region, pid: s.process?.pid, dir: s.dir }));
  const notify = () => options.onProcesses?.(processes());

  /** One operation at a time; none after `stop()`. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = busy.then(() => {
      if (stopping) throw new Error('the region databases are stopped');
      return fn();
    });
    busy = run.catch(() => {});
    return run;
  };

  const launch = async (s: Server, upstreamRelayPort?: number): Promise<void> => {
    const settings: Record<string, string | number> = { ...SERVER_SETTINGS, cluster_name: s.region };
    if (upstreamRelayPort !== undefined) {
      settings.primary_conninfo = `host=127.0.0.1 port=${upstreamRelayPort} user=postgres application_name=${s.region} sslmode=disable gssencmode=disable connect_timeout=5`;
    }
    s.process = await launchPostgres({
      dir: s.dir,
      dataDir: s.dataDir,
      port: s.port,
      settings,
      ownProcessGroup: options.ownProcessGroup ?? false,
      // A rewound standby opens for reads only once it replayed through the relay's delay.
      readyTimeoutMs: 30_000 + 2 * delayMs,
    });
    notify();
    if (stopping) {
      await s.process.shutdown();
      throw new Error('the region databases were stopped meanwhile');
    }
  };

  const shutdown = async (s: Server, timeoutMs: number) => {
    await s.process?.shutdown({ timeoutMs });
    s.process = undefined;
    notify();
  };

  /** Until `standby` has replayed what the writer had written when this was called. */
  const caughtUp = async (standby: Server, timeoutMs: number) => {
    const target = lsnBytes(await currentLsn(server(writerRegion).port));
    await waitUntil(
      `${standby.region} replaying ${writerRegion}'s WAL`,
      async () => {
        const replayed = await replayLsn(standby.port);
        return replayed !== null && lsnBytes(replayed) >= target;
      },
      timeoutMs,
    );
  };

  /** `region`'s server (stopped or not) made a streaming standby of the writer. */
  const follow = async (region: string): Promise<RejoinMethod> => {
    const s = server(region);
    const writer = server(writerRegion);
    await relay?.close();
    relay = undefined;
    s.role = 'diverged';
    await shutdown(s, 30_000);
    const { method } = await prepareStandby({ dir: s.dir, dataDir: s.dataDir, sourcePort: writer.port });
    relay = await startWalRelay({ upstreamPort: writer.port, delayMs });
    await launch(s, relay.port);
    s.role = 'standby';
    try {
      await waitUntil(
        `${region} streaming from ${writerRegion}`,
        async () => (await walSenderState(writer.port, region)).streaming,
        30_000 + 2 * delayMs,
      );
      await caughtUp(s, 30_000 + 4 * delayMs);
    } catch (error) {
      const log = s.process?.output().trim().split('\n').slice(-15).join('\n');
      throw new Error(`${(error as Error).message}\n${region}'s log ends:\n${log}`, { cause: error });
    }
    return method;
  };

  const observedLagMs = async (): Promise<number | null> => {
    const writer = server(writerRegion);
    const standby = [...servers.values()].find((s) => s.role === 'standby');
    const link = relay;
    if (!standby || !link || link.severed) return null;
    try {
      // The writer's position first: a standby that catches up meanwhile reads as 0.
      const written = await currentLsn(writer.port);
      const sender = await walSenderState(writer.port, standby.region);
      if (!sender.streaming) return null;
      const replayed = await standbyState(standby.port);
      if (replayed.lsn !== null && lsnBytes(replayed.lsn) >= lsnBytes(written)) return 0;
      // Behind. The writer's replay_lag is the lag of the last position the standby
      // confirmed: right after a quiet spell it still shows the previous sample (or none)
      // until new WAL has made it through; the standby's transit time of the last message
      // covers that; neither moves while a partition holds the WAL, the age of what the
      // link holds does. The largest.
      const oldest = link.oldestBufferedAt();
      const held = oldest === undefined ? 0 : Date.now() - oldest;
      return Math.round(Math.max(sender.replayLagMs ?? 0, replayed.transitMs ?? 0, held));
    } catch {
      return null; // a server restarting: nothing replicates right now
    }
  };

  const switchover = async (to: string): Promise<SwitchoverResult> => {
    const from = writerRegion;
    const target = server(to);
    const old = server(from);
    if (to === from) throw new Error(`${to} is already the writer`);
    if (target.role !== 'standby' || !relay || relay.severed) {
      throw new Error(`${to} is not streaming from ${from} (it is ${target.role}): resync it first`);
    }
    const t0 = Date.now();
    // 1. No new writes: a clean (fast) shutdown. Sessions end, open transactions roll
    // back, and the walsender ships everything up to the shutdown checkpoint before exiting.
    await shutdown(old, 60_000 + 2 * delayMs);
    const t1 = Date.now();
    // 2. Zero lag: the standby has replayed the shutdown checkpoint.
    const checkpoint = await lastCheckpoint(old.dir, old.dataDir);
    try {
      await waitUntil(
        `${to} replaying ${from}'s shutdown checkpoint ${checkpoint.lsn}`,
        async () => {
          const replayed = await replayLsn(target.port);
          return replayed !== null && lsnBytes(replayed) > lsnBytes(checkpoint.lsn);
        },
        30_000 + 4 * delayMs,
      );
    } catch (error) {
      // Nothing changed yet: the old writer takes writes again, the standby keeps following.
      await launch(old);
      throw new Error(
        `switchover to ${to} abandoned, ${from} is the writer again: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const lsn = (await replayLsn(target.port)) ?? checkpoint.lsn;
    const t2 = Date.now();
    // 3. Promote.
    await relay.close();
    relay = undefined;
    await promote(target.port);
    target.role = 'writer';
    old.role = 'diverged';
    writerRegion = to;
    const t3 = Date.now();
    // 4. The old writer follows the new one (pg_rewind finds nothing to rewind after a clean switch).
    const rejoin = await follow(from);
    const t4 = Date.now();
    return {
      from,
      to,
      lsn,
      writesStoppedMs: t1 - t0,
      caughtUpMs: t2 - t1,
      promotedMs: t3 - t2,
      rejoinedMs: t4 - t3,
      totalMs: t4 - t0,
      rejoin,
    };
  };

  const failover = async (to: string): Promise<FailoverCut> => {
    const from = writerRegion;
    const target = server(to);
    if (to === from) throw new Error(`${to} is already the writer`);
    if (target.role !== 'standby' || !target.process) {
      throw new Error(`${to} is not a standby (it is ${target.role}): nothing to promote`);
    }
    const t0 = Date.now();
    const lagMsAtCut = await observedLagMs();
    // The cut: WAL the relay holds never arrives.
    const at = new Date();
    relay?.sever();
    relay = undefined;
    await promote(target.port);
    // Both stay static once recovery has ended: exactly what survived.
    const [last] = await query<{ lsn: string | null; at: Date | null }>(
      target.port,
      'SELECT pg_last_wal_replay_lsn()::text AS lsn, pg_last_xact_replay_timestamp() AS at',
    );
    target.role = 'writer';
    server(from).role = 'diverged';
    writerRegion = to;
    const t1 = Date.now();
    return {
      from,
      to,
      at,
      lagMsAtCut,
      lastReplicatedLsn: last?.lsn ?? null,
      lastReplicatedAt: last?.at ?? null,
      promotedMs: t1 - at.getTime(),
      totalMs: t1 - t0,
    };
  };

  const demote = async (region: string): Promise<void> => {
    const s = server(region);
    if (s.role !== 'diverged')
      throw new Error(`${region} is the ${s.role}: only a diverged old writer is demoted`);
    await query(s.port, `ALTER DATABASE ${database} SET default_transaction_read_only = on`);
    await query(
      s.port,
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $1 AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
      [database],
    );
  };

  const resync = async (region: string): Promise<ResyncResult> => {
    server(region);
    if (region === writerRegion) throw new Error(`${region} is the writer: there is nothing to resync it to`);
    const t0 = Date.now();
    const rejoin = await follow(region);
    return { region, following: writerRegion, rejoin, totalMs: Date.now() - t0 };
  };

  const stop = () =>
    (stopping ??= (async () => {
      relay?.sever();
      relay = undefined;
      await Promise.all([...servers.values()].map((s) => shutdown(s, 10_000)));
      for (const s of servers.values()) rmSync(s.dir, { recursive: true, force: true });
    })());

  try {
    for (const region of [primary, secondary]) {
      const dir = createServerDir();
      servers.set(region, {
        region,
        dir,
        dataDir: join(dir, 'data'),
        port: await freePort(),
        process: undefined,
        role: region === primary ? 'writer' : 'standby',
      });
    }
    const writer = server(primary);
    const standby = server(secondary);
    initDataDir(writer.dir, writer.dataDir);
    // A cleanly shut down cluster copied while stopped is a valid base backup.
    const copy = await runPostgresTool('/bin/cp', ['-a', writer.dataDir, standby.dataDir]);
    if (copy.status !== 0) throw new Error(`copying the primary's data directory failed: ${copy.output}`);
    writeServerFile(join(standby.dataDir, 'standby.signal'), '');
    relay = await startWalRelay({ upstreamPort: writer.port, delayMs });
    const started = await Promise.allSettled([launch(writer), launch(standby, relay.port)]);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    // FILE_COPY: a few WAL records to ship instead of the template database's pages.
    await query(writer.port, `CREATE DATABASE ${database} STRATEGY FILE_COPY`);
    await caughtUp(standby, 30_000 + 4 * delayMs);
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    regions: [primary, secondary],
    url: (region) => serverUrl(server(region).port, database),
    writer: () => writerRegion,
    role: (region) => server(region).role,
    observedLagMs,
    setShippingDelay: (ms) => {
      delayMs = validDelay(ms);
      relay?.setDelay(ms);
    },
    partition: (cut) => relay?.hold(cut),
    switchover: (to) => exclusive(() => switchover(to)),
    failover: (to) => exclusive(() => failover(to)),
    demote: (region) => exclusive(() => demote(region)),
    resync: (region) => exclusive(() => resync(region)),
    processes,
    stop,
  };
}

/**
 * Stops what a killed caller's pair left running (each server's process group, given
 * `ownProcessGroup`) and removes its temp dirs: `processes()` as last recorded. The
 * number of servers that were still running.
 */
export async function stopLeftoverRegionDatabases(
  leftovers: readonly { pid: number | undefined; dir: string }[],
): Promise<number> {
  const stopped = await Promise.all(
    leftovers.map(async ({ pid, dir }) => {
      if (pid !== undefined) return stopLeftoverPostgres({ pid, dir });
      // Stopped when recorded: only its directory is left (and only ever one of ours).
      if (/^dr-pg-/.test(dir.split('/').at(-1) ?? '')) rmSync(dir, { recursive: true, force: true });
      return false;
    }),
  );
  return stopped.filter(Boolean).length;
}
