/**
 * The regions' databases as the live runtime uses them: a seam, so the one PostgreSQL the
 * runtime starts today can be replaced by a replicated pair (one server per region, the
 * secondary a hot standby: src/sandbox/replication/) without touching the runtime.
 *
 * Today (`startSingleDatabase`): ONE throw-away PostgreSQL (../postgres.ts) plays the
 * Aurora global database for both regions — both clusters' Data API and both trade
 * processors use it, the writer is whichever cluster the emulator's global cluster calls
 * the writer, and nothing replicates (no lag, nothing can be lost at a cut).
 *
 * The server runs in its own process group and is recorded (`leftovers`), so a runtime
 * killed with SIGKILL does not leave it behind: the next `dr sandbox up` or `down` stops
 * what the record names (./start.ts).
 */
import { startPostgres } from '../postgres.js';

/** A server the runtime started, as `stopLeftoverPostgres` (../postgres.ts) takes it. */
export interface DatabaseProcess {
  readonly pid: number;
  readonly dir: string;
}

export interface RuntimeDatabases {
  /** The region's database, superuser URL (`postgres://postgres@127.0.0.1:PORT/DB`). */
  url(region: string): string;
  /** The region whose database takes writes now. */
  writer(): Promise<string>;
  /** The replication lag the reader shows now, ms; null when nothing replicates. */
  observedLagMs(): Promise<number | null>;
  /** The servers' processes (recorded, so a killed runtime's servers can be stopped). */
  readonly processes: readonly DatabaseProcess[];
  /** Stops every server and removes its files; a second call does nothing. */
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  readonly regions: readonly string[];
  /** The database the platform's cluster holds (`config.database.databaseName`). */
  readonly databaseName: string;
  /** The writer region as the emulator's global cluster says (the Aurora membership). */
  readonly auroraWriter: () => Promise<string>;
}

/** How the runtime gets its databases (replaced by the replicated pair's starter). */
export type StartDatabases = (options: DatabaseOptions) => Promise<RuntimeDatabases>;

/** One PostgreSQL for both regions: what the sandbox had before replication. */
export const startSingleDatabase: StartDatabases = async (options) => {
  const server = await startPostgres({ database: options.databaseName, ownProcessGroup: true });
  return {
    url(region) {
      if (!options.regions.includes(region)) {
        throw new Error(`${region} is neither ${options.regions.join(' nor ')}`);
      }
      return server.url;
    },
    writer: options.auroraWriter,
    // One server: nothing replicates, so no lag to observe.
    observedLagMs: () => Promise.resolve(null),
    processes: server.pid === undefined ? [] : [{ pid: server.pid, dir: server.dir }],
    stop: () => server.stop(),
  };
};
