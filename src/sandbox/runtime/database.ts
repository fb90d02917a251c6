/**
 * The regions' databases as the live runtime runs them: one PostgreSQL server per region
 * (../replication/region-databases.ts), the writer where Aurora's global cluster has it,
 * the other region's server its read-only hot standby, fed by streaming replication over
 * a link that ships WAL `shippingDelayMs` late. So the secondary lags as an Aurora
 * secondary does, a switchover waits for zero lag, and a failover with data loss really
 * loses what was in flight (./replication-link.ts drives them from Aurora's writer moves).
 *
 * The servers run in their own process groups and are recorded as they start, stop and
 * restart (`onProcesses`: a switchover or a re-sync restarts one), so a runtime killed with
 * SIGKILL does not leave them behind: the next `dr sandbox up` or `down` stops what the
 * record names (`stopRecordedDatabases`, from ./start.ts).
 */
import {
  startRegionDatabases,
  stopLeftoverRegionDatabases,
  type RegionDatabases,
  type RegionProcess,
} from '../replication/region-databases.js';

/** How late WAL reaches the standby unless asked otherwise (`--replication-lag-ms`). */
export const DEFAULT_SHIPPING_DELAY_MS = 250;

/** A server the runtime started, as recorded in `.dr/runtime-databases.json` (no pid while stopped). */
export type DatabaseProcess = RegionProcess;

/** The pair as the runtime uses it. */
export type RuntimeDatabases = RegionDatabases;

export interface DatabaseOptions {
  /** The region whose server starts as the writer: Aurora's writer now. */
  readonly writer: string;
  /** The other region: its server starts as the writer's standby. */
  readonly standby: string;
  /** The database the platform's cluster holds (`config.database.databaseName`). */
  readonly databaseName: string;
  /** @default DEFAULT_SHIPPING_DELAY_MS */
  readonly shippingDelayMs?: number;
  /** Called with every server's process whenever one starts or stops (the leftover record). */
  readonly onProcesses?: (processes: readonly DatabaseProcess[]) => void;
}

/** Starts the pair: the writer's server, its standby streaming from it, the database on both. */
export function startReplicatedDatabases(options: DatabaseOptions): Promise<RuntimeDatabases> {
  return startRegionDatabases({
    primary: options.writer,
    secondary: options.standby,
    database: options.databaseName,
    shippingDelayMs: options.shippingDelayMs ?? DEFAULT_SHIPPING_DELAY_MS,
    ownProcessGroup: true,
    ...(options.onProcesses ? { onProcesses: options.onProcesses } : {}),
  });
}

/**
 * Stops what a killed runtime's record names (anything but a list of `{pid?, dir}` is
 * ignored); the number of servers that were still running.
 */
export async function stopRecordedDatabases(recorded: unknown): Promise<number> {
  const servers = (Array.isArray(recorded) ? (recorded as unknown[]) : []).filter(
    (s): s is { pid: number | undefined; dir: string } =>
      typeof s === 'object' &&
      s !== null &&
      typeof (s as { dir?: unknown }).dir === 'string' &&
      ['number', 'undefined'].includes(typeof (s as { pid?: unknown }).pid),
  );
  const stopped = await Promise.all(
    servers.map((server) => stopLeftoverRegionDatabases([server]).catch(() => 0)),
  );
  return stopped.reduce((sum, n) => sum + n, 0);
}
