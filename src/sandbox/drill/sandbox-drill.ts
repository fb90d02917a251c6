/**
 * `dr drill --sandbox`: everything the drill needs on a laptop, started here and stopped
 * again — the sandbox (only when none runs; one that was running is left running), a
 * throw-away PostgreSQL for the in-process trade processor (the emulator's RDS Data API
 * mapped to it, then `dr deploy`'s database step through that Data API: migrations, fence
 * row seeded from SSM, the roles' passwords), the in-process platform pieces (./platform.ts) — then the drill.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../infra/naming.js';
import { applyDbCredentials } from '../../core/db-credentials.js';
import { awsTarget, migrateOrders } from '../../core/deploy/migrate.js';
import { silentReporter, type Reporter } from '../../core/reporter.js';
import { startPostgres, stopLeftoverPostgres } from '../postgres.js';
import { mapDataApi } from '../emulator.js';
import { sandboxDown, sandboxUp } from '../sandbox.js';
import { liveSandbox } from '../state.js';
import { runDrill } from '../../core/drill/drill.js';
import type { DrillReport, ScenarioName } from '../../core/drill/model.js';
import { SandboxPlatform } from './platform.js';
import { SANDBOX_TUNING, SandboxTarget } from './sandbox-target.js';
import type { Tuning } from '../../core/drill/target.js';
import { Interrupt, interruptOf } from '../../core/drill/interrupt.js';

/** The drill's PostgreSQL while it runs (pid, temp dir), under the sandbox's `.dr/`. */
export const DRILL_POSTGRES_FILE = join('.dr', 'drill-postgres.json');

export interface SandboxDrillOptions {
  readonly config: DrConfig;
  readonly configFile: string;
  readonly scenarios: readonly ScenarioName[];
  /** Directory holding `.dr/`. @default - the working directory */
  readonly cwd?: string;
  readonly reporter?: Reporter;
  readonly tuning?: Tuning;
  /**
   * Builds clients for the running sandbox (the command's factory): as its administrator
   * for what the sandbox plays (the AWS services, the deployer's database step), as the DR
   * operator role for the drill itself (./identity.ts).
   */
  readonly clientsFor: (actAs: 'administrator' | 'operator') => Promise<AwsClients>;
  /**
   * SIGINT/SIGTERM (reason: an `Interrupt`): the drill stops at its next wait and puts
   * back what it changed (src/core/drill/drill.ts); everything started here is stopped as
   * after any run, and the partial report's `interrupted.restored` says so. Before the
   * drill began: `DrillInterruptedEarly`, after stopping what was started.
   */
  readonly signal?: AbortSignal;
  /** See DrillOptions.takeOver (src/core/drill/drill.ts). */
  readonly takeOver?: boolean;
}

/** Interrupted while the sandbox pieces were starting: no scenario ran, no report. */
export class DrillInterruptedEarly extends Error {
  override readonly name = 'DrillInterruptedEarly';
  constructor(
    readonly signal: string,
    readonly atStep: string,
    readonly restored: readonly string[],
  ) {
    super(`interrupted (${signal}) at ${atStep}`);
  }
}

export interface SandboxDrillResult {
  readonly report: DrillReport;
  /** True when this run started the sandbox (and stopped it again). */
  readonly startedSandbox: boolean;
}

/** The fencing state as SSM has it: the region with the highest epoch. */
async function ssmFence(
  clients: AwsClients,
  config: DrConfig,
): Promise<{ activeRegion: string; epoch: number }> {
  const naming = new Naming(config);
  const read = async (region: string) => {
    const ssm = clients.ssm(region);
    const [active, epoch] = await Promise.all([
      ssm.getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true }),
      ssm.getParameter({ Name: naming.ssmEpoch(), WithDecryption: true }),
    ]);
    return { activeRegion: active.Parameter?.Value ?? region, epoch: Number(epoch.Parameter?.Value ?? '0') };
  };
  const both = await Promise.all([read(config.regions.primary), read(config.regions.secondary)]);
  return both.sort((a, b) => b.epoch - a.epoch)[0] as { activeRegion: string; epoch: number };
}

/**
 * Points the emulator's RDS Data API of both clusters at `dbUrl`, so it runs its SQL
 * there, as Aurora's Data API does on the global database (the emulator also makes the
 * cluster's master user there, as RDS does). Returns the cluster ARNs (to unmap them).
 */
export async function mapClustersToDatabase(
  clients: AwsClients,
  config: DrConfig,
  endpoint: string,
  dbUrl: string,
): Promise<string[]> {
  const naming = new Naming(config);
  const clusterArns = await Promise.all(
    [config.regions.primary, config.regions.secondary].map(async (region) => {
      const out = await clients
        .rds(region)
        .describeDBClusters({ DBClusterIdentifier: naming.dbCluster(region) });
      const arn = out.DBClusters?.[0]?.DBClusterArn;
      if (!arn) throw new Error(`the sandbox has no Aurora cluster ${naming.dbCluster(region)} in ${region}`);
      return arn;
    }),
  );
  for (const arn of clusterArns) await mapDataApi(endpoint, arn, dbUrl);
  return clusterArns;
}

/**
 * For a database already migrated by its superuser (tests): the application roles'
 * passwords from their secrets, through that superuser, then the Data API of both
 * clusters mapped to it (the failover machine's fence step). Returns the cluster ARNs.
 */
export async function mapDataApiToDatabase(
  clients: AwsClients,
  config: DrConfig,
  endpoint: string,
  dbUrl: string,
): Promise<string[]> {
  const naming = new Naming(config);
  // The Data API runs each statement as its secret's user: the roles' passwords come from
  // the secrets the deploy created, as `dr deploy`'s database step sets them on AWS.
  const admin = new pg.Client({ connectionString: dbUrl });
  admin.on('error', () => {});
  await admin.connect();
  try {
    await applyDbCredentials({ clients, naming, secretRegion: config.regions.primary, sql: admin });
  } finally {
    await admin.end();
  }
  return mapClustersToDatabase(clients, config, endpoint, dbUrl);
}

export async function runSandboxDrill(options: SandboxDrillOptions): Promise<SandboxDrillResult> {
  const reporter = options.reporter ?? silentReporter;
  const running = await liveSandbox(options.cwd);
  let startedSandbox = false;
  let endpoint: string;
  if (running) {
    endpoint = running.endpoint;
    reporter.info(`Using the running sandbox at ${endpoint}`);
  } else {
    const up = await sandboxUp({
      config: options.config,
      configFile: options.configFile,
      reporter,
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    endpoint = up.endpoint;
    startedSandbox = !up.reused;
  }
  const { signal } = options;
  const cleanups: Array<() => Promise<unknown>> = [];
  // What the cleanups stopped, for an interrupted drill's report (in the order stopped).
  const stopped: string[] = [];
  let report: DrillReport | undefined;
  let sandboxStopped = false;
  let atStep = 'starting PostgreSQL for the in-process trade processor';
  try {
    const clients = await options.clientsFor('administrator');
    cleanups.push(async () => clients.destroy());
    const operator = await options.clientsFor('operator');
    cleanups.push(async () => operator.destroy());
    // A drill killed with SIGKILL could not stop its PostgreSQL (its own process group
    // outlives it): the record it left says which one to stop now.
    const record = join(options.cwd ?? process.cwd(), DRILL_POSTGRES_FILE);
    const leftover = await readFile(record, 'utf8').then(
      (text) => JSON.parse(text) as { pid: number; dir: string },
      () => undefined,
    );
    if (leftover) {
      if (await stopLeftoverPostgres(leftover)) {
        reporter.info(
          `Stopped the PostgreSQL a killed drill left running (pid ${leftover.pid}, ${leftover.dir})`,
        );
      }
      await rm(record, { force: true });
    }
    const dbStep = reporter.step('Starting PostgreSQL for the in-process trade processor');
    let database: Awaited<ReturnType<typeof startPostgres>>;
    try {
      // Its own process group: a Ctrl-C in the terminal reaches `dr` only, which stops
      // PostgreSQL after what still needs it (a failover's fence step) has finished.
      database = await startPostgres({
        database: options.config.database.databaseName,
        ownProcessGroup: true,
      });
    } catch (error) {
      dbStep.fail((error as Error).message);
      throw error;
    }
    if (database.pid !== undefined) {
      await mkdir(dirname(record), { recursive: true });
      await writeFile(record, JSON.stringify({ pid: database.pid, dir: database.dir }));
    }
    cleanups.push(async () => {
      await database.stop();
      await rm(record, { force: true });
      stopped.push(`PostgreSQL stopped (pid ${database.pid ?? '?'}) and its temp dir removed`);
    });
    atStep = 'preparing the database (migrations, fence, Data API)';
    interrupted(signal, dbStep);
    const clusterArns = await mapClustersToDatabase(clients, options.config, endpoint, database.url);
    cleanups.push(() => Promise.all(clusterArns.map((arn) => mapDataApi(endpoint, arn, null))));
    // `dr deploy`'s database step as shipped: the RDS Data API on the writer, as the master
    // secret's user; migrations, fence seed, the roles' passwords from their secrets.
    const naming = new Naming(options.config);
    const migrated = await migrateOrders({
      target: awsTarget({ clients, naming, database: options.config.database.databaseName }),
      writer: () => ssmFence(clients, options.config),
      credentials: (sql) =>
        applyDbCredentials({ clients, naming, secretRegion: options.config.regions.primary, sql }),
    });
    if (migrated.status !== 'applied') {
      throw new Error(`the orders database step failed on the drill's PostgreSQL: ${migrated.reason}`);
    }
    interrupted(signal, dbStep);
    dbStep.succeed(
      `127.0.0.1:${database.port}, Data API mapped; migrations applied, fence seeded through it`,
    );
    atStep = 'starting the order pumps and health checkers';
    const platform = await SandboxPlatform.start({
      clients,
      config: options.config,
      endpoint,
      dbUrl: database.url,
      healthIntervalMs: (options.tuning ?? SANDBOX_TUNING).probeIntervalMs,
    });
    cleanups.push(async () => {
      await platform.close();
      stopped.push('order pumps and health checkers stopped');
    });
    interrupted(signal);
    report = await runDrill({
      clients: operator,
      config: options.config,
      target: new SandboxTarget(
        clients,
        options.config,
        endpoint,
        platform,
        options.tuning ?? SANDBOX_TUNING,
      ),
      scenarios: options.scenarios,
      reporter,
      ...(signal ? { signal } : {}),
      ...(options.takeOver ? { takeOver: true } : {}),
    });
  } catch (error) {
    if (!(error instanceof Interrupt)) throw error;
    await cleanUp();
    throw new DrillInterruptedEarly(error.signal, atStep, stopped);
  } finally {
    await cleanUp();
  }
  if (report.interrupted) {
    report = {
      ...report,
      interrupted: { ...report.interrupted, restored: [...report.interrupted.restored, ...stopped] },
    };
  }
  return { report, startedSandbox };

  async function cleanUp(): Promise<void> {
    // Each runs once: a cleanup is taken off the list before it runs.
    for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup().catch(() => {});
    if (startedSandbox && !sandboxStopped) {
      sandboxStopped = true;
      await sandboxDown({ ...(options.cwd ? { cwd: options.cwd } : {}) }).catch(() => {});
      stopped.push('the sandbox this drill started stopped');
    }
  }
}

/** Throws the Interrupt when `signal` aborted (a setup step in progress is failed first). */
function interrupted(signal: AbortSignal | undefined, step?: { fail(d?: string): void }): void {
  const interrupt = interruptOf(signal);
  if (!interrupt) return;
  step?.fail(`interrupted (${interrupt.signal})`);
  throw interrupt;
}
