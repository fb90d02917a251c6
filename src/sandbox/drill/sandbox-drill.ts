/**
 * `dr drill --sandbox`: the drill against the live sandbox. It starts the sandbox when none
 * runs (and stops it again; one that was running is left running), and the sandbox's
 * runtime (src/sandbox/runtime/) when the sandbox runs without one (`up --no-runtime`;
 * stopped again at the end). The runtime plays the platform — order APIs, trade
 * processors, Route 53's health checkers, the scheduled watchdog, each region's database —
 * and the drill acts on it as an operator and a client would (./live-target.ts).
 *
 * Also here: mapping the clusters' RDS Data API to a PostgreSQL of the caller's (tests
 * that run the platform's pieces themselves, on one database).
 */
import { resolve } from 'node:path';
import pg from 'pg';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { applyDbCredentials } from '../../core/db-credentials.js';
import { InterruptedError, UsageError } from '../../contract/errors.js';
import { silentReporter, type Reporter } from '../../core/reporter.js';
import { mapDataApi, sandboxClusterArn } from '../emulator.js';
import { sandboxDown, sandboxUp } from '../sandbox.js';
import { liveSandbox, processAlive, readSandboxState, writeSandboxState } from '../state.js';
import { runDrill } from '../../core/drill/drill.js';
import type { DrillReport, ScenarioName } from '../../core/drill/model.js';
import { Interrupt, interruptOf } from '../../core/drill/interrupt.js';
import type { Pace, RuntimeRecord } from '../runtime/contract.js';
import { LiveSandboxTarget } from './live-target.js';

export interface SandboxDrillOptions {
  readonly config: DrConfig;
  readonly configFile: string;
  readonly scenarios: readonly ScenarioName[];
  /** Directory holding `.dr/`. @default - the working directory */
  readonly cwd?: string;
  readonly reporter?: Reporter;
  /**
   * The runtime's pace (src/sandbox/runtime/pace.ts): a runtime started for the drill runs
   * at it; a running runtime at another pace is refused. @default - the running runtime's,
   * else compressed
   */
  readonly pace?: Pace;
  /** Clients as the DR operator role in the running sandbox (the command's factory: ../identity.ts). */
  readonly operatorClients: () => Promise<AwsClients>;
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
export class DrillInterruptedEarly extends InterruptedError {
  override readonly name = 'DrillInterruptedEarly';
  constructor(
    readonly signal: string,
    readonly atStep: string,
    readonly restored: readonly string[],
  ) {
    super(
      `drill interrupted at ${atStep} (${signal}): ${restored.join(', ') || 'nothing to put back'}; no report (no scenario had begun)`,
      { details: { signal, atStep, restored } },
    );
  }
}

export interface SandboxDrillResult {
  readonly report: DrillReport;
  /** True when this run started the sandbox (and stopped it again). */
  readonly startedSandbox: boolean;
}

/**
 * For a database already migrated by its superuser (tests): the application roles'
 * passwords from their secrets, through that superuser, then the emulator's RDS Data API
 * of both clusters pointed at it, so it runs its SQL there (the failover machine's fence
 * step), as Aurora's Data API does on the global database (the emulator also makes the
 * cluster's master user there, as RDS does). Returns the cluster ARNs (to unmap them).
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
  const clusterArns = await Promise.all(
    [config.regions.primary, config.regions.secondary].map((region) =>
      sandboxClusterArn(clients, naming, region),
    ),
  );
  for (const arn of clusterArns) await mapDataApi(endpoint, arn, dbUrl);
  return clusterArns;
}

/** The running sandbox's runtime at the asked pace: the one that runs, or one started for the drill. */
async function runtimeFor(
  cwd: string,
  asked: Pace | undefined,
  reporter: Reporter,
): Promise<{ record: RuntimeRecord; started: boolean }> {
  const [{ liveRuntime, startRuntime }, { paceOf, DEFAULT_PACE }] = await Promise.all([
    import('../runtime/start.js'),
    import('../runtime/pace.js'),
  ]);
  const state = await readSandboxState(cwd);
  const live = await liveRuntime(state?.runtime);
  const killedDrill = live?.record.startedByDrill;
  if (live && killedDrill !== undefined && killedDrill !== process.pid && !processAlive(killedDrill)) {
    // A drill that was killed could not stop the runtime it started: this one finishes its job.
    reporter.info(
      `Taking over the sandbox runtime a killed drill left running (pid ${live.record.pid}, drill pid ${killedDrill}); stopped when this drill ends`,
    );
    const record = { ...live.record, startedByDrill: process.pid };
    const now = await readSandboxState(cwd);
    if (now) await writeSandboxState({ ...now, runtime: record }, cwd);
    if (asked && record.pace.name !== asked.name) {
      await stopDrillRuntime(cwd, record);
    } else {
      return { record, started: true };
    }
  } else if (live) {
    if (asked && live.record.pace.name !== asked.name) {
      throw new UsageError(
        `the sandbox's runtime runs at pace ${live.record.pace.name}, not ${asked.name}: run \`dr sandbox up --pace ${asked.name}\` first, or drill with --pace ${live.record.pace.name}`,
      );
    }
    reporter.info(`Using the sandbox's runtime (pid ${live.record.pid}, pace ${live.record.pace.name})`);
    return { record: live.record, started: false };
  }
  const pace = asked ?? paceOf(DEFAULT_PACE);
  const step = reporter.step(`Starting the sandbox runtime for the drill at pace ${pace.name}`);
  try {
    const started = await startRuntime({ cwd, pace });
    const record: RuntimeRecord = { ...started.record, startedByDrill: process.pid };
    // Recorded, so `dr sandbox down` or the next drill stops it if this drill is killed.
    const now = await readSandboxState(cwd);
    if (now) await writeSandboxState({ ...now, runtime: record }, cwd);
    step.succeed(`pid ${record.pid}`);
    return { record, started: true };
  } catch (error) {
    step.fail();
    throw error;
  }
}

/** Stops a runtime the drill started and forgets its record. */
async function stopDrillRuntime(cwd: string, record: RuntimeRecord): Promise<void> {
  const { stopRuntime } = await import('../runtime/start.js');
  await stopRuntime(record, cwd);
  const state = await readSandboxState(cwd);
  if (state?.runtime?.pid === record.pid) {
    const { runtime: _stopped, ...rest } = state;
    await writeSandboxState(rest, cwd);
  }
}

export async function runSandboxDrill(options: SandboxDrillOptions): Promise<SandboxDrillResult> {
  const reporter = options.reporter ?? silentReporter;
  const cwd = resolve(options.cwd ?? process.cwd());
  const running = await liveSandbox(cwd);
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
      cwd,
      ...(options.pace ? { pace: options.pace } : {}),
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
  let atStep = 'starting the sandbox runtime';
  try {
    const runtime = await runtimeFor(cwd, options.pace, reporter);
    if (runtime.started) {
      cleanups.push(async () => {
        await stopDrillRuntime(cwd, runtime.record);
        stopped.push(
          `the sandbox runtime this drill started stopped (pid ${runtime.record.pid}, its databases with it)`,
        );
      });
    }
    interrupted(signal);
    const operator = await options.operatorClients();
    cleanups.push(async () => operator.destroy());
    atStep = 'reading the sandbox runtime';
    const target = await LiveSandboxTarget.start({
      config: options.config,
      endpoint,
      record: runtime.record,
      credentials: operator.credentials,
    });
    cleanups.push(() => target.close());
    interrupted(signal);
    report = await runDrill({
      clients: operator,
      config: options.config,
      target,
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
      await sandboxDown({ cwd }).catch(() => {});
      stopped.push('the sandbox this drill started stopped (its runtime and databases with it)');
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
