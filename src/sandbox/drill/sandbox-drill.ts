/**
 * `dr drill --sandbox`: everything the drill needs on a laptop, started here and stopped
 * again — the sandbox (only when none runs; one that was running is left running), a
 * throw-away PostgreSQL for the in-process trade processor (migrations applied, fence
 * row seeded from SSM), the in-process platform pieces (./platform.ts) — then the drill.
 */
import pg from 'pg';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../infra/naming.js';
import { seedFence } from '../../core/db-fence.js';
import { applyMigrations, loadMigrations } from '../../core/db-migrations.js';
import { silentReporter, type Reporter } from '../../core/reporter.js';
import { startPostgres } from '../postgres.js';
import { mapDataApi } from '../emulator.js';
import { sandboxDown, sandboxUp } from '../sandbox.js';
import { liveSandbox } from '../state.js';
import { runDrill } from '../../core/drill/drill.js';
import type { DrillReport, ScenarioName } from '../../core/drill/model.js';
import { SandboxPlatform } from './platform.js';
import { SANDBOX_TUNING, SandboxTarget } from './sandbox-target.js';
import type { Tuning } from '../../core/drill/target.js';

export interface SandboxDrillOptions {
  readonly config: DrConfig;
  readonly configFile: string;
  readonly scenarios: readonly ScenarioName[];
  /** Directory holding `.dr/`. @default - the working directory */
  readonly cwd?: string;
  readonly reporter?: Reporter;
  readonly tuning?: Tuning;
  /** Builds clients for the sandbox endpoint (the command's factory). */
  readonly clientsFor: (endpoint: string) => Promise<AwsClients>;
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
 * there (the failover machine's fence step), as Aurora's Data API does on the global
 * database. Returns the cluster ARNs (to unmap them).
 */
export async function mapDataApiToDatabase(
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
  const cleanups: Array<() => Promise<unknown>> = [];
  try {
    const clients = await options.clientsFor(endpoint);
    cleanups.push(async () => clients.destroy());
    const dbStep = reporter.step('Starting PostgreSQL for the in-process trade processor');
    let database: Awaited<ReturnType<typeof startPostgres>>;
    try {
      database = await startPostgres({ database: options.config.database.databaseName });
    } catch (error) {
      dbStep.fail((error as Error).message);
      throw error;
    }
    cleanups.push(() => database.stop());
    const admin = new pg.Client({ connectionString: database.url });
    admin.on('error', () => {}); // a dropped connection fails the pending query; no crash
    await admin.connect();
    try {
      await applyMigrations(admin, loadMigrations());
      await seedFence(admin, await ssmFence(clients, options.config));
    } finally {
      await admin.end();
    }
    const clusterArns = await mapDataApiToDatabase(clients, options.config, endpoint, database.url);
    cleanups.push(() => Promise.all(clusterArns.map((arn) => mapDataApi(endpoint, arn, null))));
    dbStep.succeed(`127.0.0.1:${database.port}, migrations applied, fence seeded, Data API mapped`);
    const platform = await SandboxPlatform.start({
      clients,
      config: options.config,
      endpoint,
      dbUrl: database.url,
      healthIntervalMs: (options.tuning ?? SANDBOX_TUNING).probeIntervalMs,
    });
    cleanups.push(() => platform.close());
    const report = await runDrill({
      clients,
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
    });
    return { report, startedSandbox };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
    if (startedSandbox) await sandboxDown({ ...(options.cwd ? { cwd: options.cwd } : {}) }).catch(() => {});
  }
}
