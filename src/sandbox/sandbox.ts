/**
 * `dr sandbox up | down | reset | outage | restore`: the platform that synth produces,
 * deployed into a local two-region AWS emulator. The emulator is started by the launcher
 * (./emulator.ts) and recorded in `.dr/sandbox.json` (./state.ts); the synthesized stacks
 * are applied into it by real Terraform through the deploy path (./deploy.ts), then the
 * verify-sync gate runs. Then, unless `runtime: false` (`--no-runtime`), the live runtime
 * (./runtime/: the order APIs, the DNS-following order endpoint, the trade processors,
 * Route 53's health checkers, the watchdog, the databases) is started detached at the
 * asked pace and recorded beside it, running until `down`. Nothing here prints or exits.
 *
 * A reused sandbox (`up` again) keeps a runtime that runs at the asked pace and replication
 * lag on stacks that did not change; at another pace or lag, or after an apply changed the
 * stacks, it is restarted
 * (the reporter says why); `--no-runtime` stops one that runs. `reset` restarts a running
 * runtime after putting the platform back (its databases start empty, as deployed).
 */
import { join, resolve } from 'node:path';
import type { AwsClients } from '../aws/clients.js';
import type { StaticCredentials } from '../aws/sdk-config.js';
import { AWS_REGION, type DrConfig } from '../config/schema.js';
import { CheckFailedError, FailedError, UsageError } from '../contract/errors.js';
import { silentReporter, type Reporter } from '../core/reporter.js';
import type { TerraformBinary } from '../core/deploy/terraform-bin.js';
import type { DeployFailure, DeployOutcome, StackResult } from '../core/deploy/deploy.js';
import type { OutageMode } from './emulator.js';
import type { SandboxDeployResult, SandboxProvider } from './deploy.js';
import {
  endpointAnswers,
  processAlive,
  readSandboxState,
  removeSandboxState,
  rootCredentialsOf,
  SANDBOX_STATE_FILE,
  sandboxStatePath,
  writeSandboxState,
  type SandboxState,
} from './state.js';
import { NO_SANDBOX_MESSAGE } from './target.js';
import type { Pace, RuntimeRecord } from './runtime/contract.js';

/** The recorded sandbox without its secret: what `up` prints (the key pair stays in the file). */
function publicPart(state: SandboxState): Omit<SandboxState, 'rootCredentials' | 'runtime'> {
  const { rootCredentials: _secret, runtime: _runtime, ...rest } = state;
  return rest;
}

/** Emulator calls: one attempt (an unimplemented action answers 500, and a retry would not help). */
const SANDBOX_CLIENT = { timeoutMs: 5000, maxAttempts: 1 } as const;

interface CommonOptions {
  /** Directory holding `.dr/`. @default - the working directory */
  readonly cwd?: string;
  readonly reporter?: Reporter;
}

export interface UpOptions extends CommonOptions {
  readonly config: DrConfig;
  /** Absolute path of the config file, recorded in the state file. */
  readonly configFile: string;
  /** Terraform or OpenTofu. @default - findTerraform(): DR_TERRAFORM_BIN, terraform, tofu */
  readonly terraform?: TerraformBinary;
  /** Start the live runtime after the deploy (`--no-runtime`: false). @default true */
  readonly runtime?: boolean;
  /** The runtime's pace (./runtime/pace.ts). @default - compressed */
  readonly pace?: Pace;
  /**
   * How late WAL reaches the secondary region's database in the runtime, ms (the lag an
   * unplanned failover can lose). @default - 250 (./runtime/database.ts)
   */
  readonly replicationLagMs?: number;
}

/** The live runtime after `up`: its record, and what `up` did with it. */
export interface UpRuntime extends RuntimeRecord {
  /** `started`: none ran; `kept`: one ran at this pace; `restarted`: one ran, `reason` says why it was not kept. */
  readonly action: 'started' | 'kept' | 'restarted';
  readonly reason?: string;
  /** Spawn to ready, ms (0 when kept). */
  readonly ms: number;
}

/** What the deploy into the sandbox did (the sandbox's part of `dr deploy`'s result). */
export interface SandboxDeploySummary {
  readonly outcome: DeployOutcome;
  readonly provider: SandboxProvider;
  readonly terraform: string;
  readonly logDir: string;
  readonly stacks: ReadonlyArray<
    Pick<StackResult, 'name' | 'wave' | 'status' | 'plan' | 'durations'> & { readonly resources: number }
  >;
  readonly gate?: { readonly passed: number; readonly failed: number };
  /** Not planned: the stacks are unchanged since their apply at this time (ISO 8601). */
  readonly unchangedSince?: string;
  readonly ms: number;
}

/** The deploy into the sandbox stopped: names the stack, its resources and the log. */
export class SandboxDeployError extends FailedError {
  override readonly name = 'SandboxDeployError';
  constructor(
    message: string,
    readonly failure?: DeployFailure,
  ) {
    super(message);
  }
}

export interface UpResult {
  readonly endpoint: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly configFile: string;
  readonly regions: { readonly primary: string; readonly secondary: string };
  readonly stateFile: string;
  readonly logFile?: string;
  /** True when a running sandbox was found and reused (not re-seeded). */
  readonly reused: boolean;
  /** True when the running sandbox was deployed from another config file than the one given. */
  readonly configMismatch: boolean;
  /** The deploy of the synthesized stacks (a reused sandbox is planned again: no changes, nothing applied). */
  readonly deploy: SandboxDeploySummary;
  /** The live runtime (absent with `--no-runtime`). */
  readonly runtime?: UpRuntime;
  /** A runtime that was running and `--no-runtime` stopped (its pid). */
  readonly runtimeStopped?: { readonly pid: number };
}

/** The emulator and the root key pair it was started with. */
interface SandboxAccess {
  readonly endpoint: string;
  readonly credentials: StaticCredentials;
}

async function sandboxClients(access: SandboxAccess): Promise<AwsClients> {
  const { createClients } = await import('../aws/clients.js');
  return createClients({ endpoint: access.endpoint, credentials: access.credentials, ...SANDBOX_CLIENT });
}

/**
 * Replication lag the sandbox's Aurora reports (AuroraGlobalDBReplicationLag, ms): a
 * healthy global database, well inside any sensible `objectives.maxReplicationLagMs`.
 */
export const SANDBOX_REPLICATION_LAG_MS = 20;

function summarize(result: SandboxDeployResult): SandboxDeploySummary {
  return {
    outcome: result.outcome,
    provider: result.provider,
    terraform: result.terraform.path,
    logDir: result.logDir,
    stacks: result.stacks.map((s) => ({
      name: s.name,
      wave: s.wave,
      status: s.status,
      ...(s.plan ? { plan: s.plan } : {}),
      durations: s.durations,
      resources: result.resources[s.name] ?? 0,
    })),
    ...(result.gate ? { gate: { passed: result.gate.passed, failed: result.gate.failed } } : {}),
    ...(result.unchangedSince ? { unchangedSince: result.unchangedSince } : {}),
    ms: result.ms,
  };
}

/** One line naming what stopped the deploy: the stack, its resources and its log. */
export function sandboxDeployFailure(result: SandboxDeployResult): string {
  const f = result.failure;
  if (f) {
    const on = f.resources.length ? ` on ${f.resources.join(', ')}` : '';
    return `deploying the sandbox failed: stack ${f.stack} at terraform ${f.subcommand}${on}; see ${f.log}`;
  }
  if (result.outcome === 'gate-failed') {
    const failing = result.gate?.checks.filter((c) => !c.ok).map((c) => c.name) ?? [];
    return `the sandbox deployed, but its verify-sync gate failed (${failing.join(', ')}); see \`dr verify-sync --sandbox\``;
  }
  return `deploying the sandbox stopped: ${result.outcome}`;
}

/** Deploys the synthesized stacks into the emulator at `endpoint`, then the verify-sync gate. */
async function deployInto(
  access: SandboxAccess,
  terraform: TerraformBinary,
  options: UpOptions,
  skipUnchanged = false,
): Promise<SandboxDeploySummary> {
  const [{ deploySandbox }, { configureEmulator }, { verifySync }] = await Promise.all([
    import('./deploy.js'),
    import('./emulator.js'),
    import('../core/verify-sync.js'),
  ]);
  const { endpoint } = access;
  const clients = await sandboxClients(access);
  try {
    const result = await deploySandbox({
      config: options.config,
      endpoint,
      credentials: access.credentials,
      terraform,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.reporter ? { reporter: options.reporter } : {}),
      // Aurora publishes the lag metric; moto does not, so the extension does it: switched
      // on once the global cluster exists, with a first datapoint before the gate reads it.
      afterApply: {
        label: 'Sandbox: Aurora replication-lag metric',
        run: async () => {
          await configureEmulator(endpoint, { replicationLagMs: SANDBOX_REPLICATION_LAG_MS });
          return `AuroraGlobalDBReplicationLag ${SANDBOX_REPLICATION_LAG_MS} ms for the reader`;
        },
      },
      gate: () => verifySync({ clients, config: options.config }),
      skipUnchanged,
    });
    // Applied but not in sync: the sandbox stays up to be looked at (`dr verify-sync --sandbox`).
    if (result.outcome === 'gate-failed') throw new CheckFailedError(sandboxDeployFailure(result));
    if (!result.ok) throw new SandboxDeployError(sandboxDeployFailure(result), result.failure);
    return summarize(result);
  } finally {
    clients.destroy();
  }
}

async function terraformFor(options: UpOptions): Promise<TerraformBinary> {
  if (options.terraform) return options.terraform;
  const { findTerraform } = await import('../core/deploy/terraform-bin.js');
  return findTerraform({});
}

/** Forgets the Terraform state of the sandbox's stacks (its emulator was wiped or is new). */
async function removeSandboxTerraformState(cwd?: string): Promise<void> {
  const { rm } = await import('node:fs/promises');
  const { sandboxStateDir } = await import('./deploy.js');
  await rm(sandboxStateDir(cwd), { recursive: true, force: true });
}

/** The recorded sandbox when it is alive and answers; a usage error otherwise. */
async function requireRunning(cwd?: string): Promise<SandboxState> {
  const state = await readSandboxState(cwd);
  if (!state || !processAlive(state.pid) || !(await endpointAnswers(state.endpoint))) {
    throw new UsageError(NO_SANDBOX_MESSAGE);
  }
  return state;
}

/** True when the deploy applied something (a runtime started before it may hold stale ids). */
function deployChanged(deploy: SandboxDeploySummary): boolean {
  if (deploy.unchangedSince) return false;
  return deploy.stacks.some(
    (s) => s.plan !== undefined && s.plan.add + s.plan.change + s.plan.destroy + s.plan.import > 0,
  );
}

/** Starts the runtime for the sandbox in `cwd`, with a spinner; returns its record and start time. */
async function startRuntimeStep(
  cwd: string,
  pace: Pace,
  reporter: Reporter,
  shippingDelayMs?: number,
): Promise<{ record: RuntimeRecord; ms: number }> {
  const { startRuntime } = await import('./runtime/start.js');
  const step = reporter.step(`Starting the sandbox runtime at pace ${pace.name}`);
  try {
    const started = await startRuntime({
      cwd,
      pace,
      ...(shippingDelayMs !== undefined ? { shippingDelayMs } : {}),
    });
    step.succeed(`orders at ${started.record.orderApiUrl}, pid ${started.record.pid}`);
    return started;
  } catch (error) {
    step.fail();
    throw error;
  }
}

/**
 * The runtime of a reused sandbox as asked: kept when it runs at `pace` and
 * `replicationLagMs` on unchanged stacks,
 * restarted otherwise, started when none runs; stopped with `runtime: false`.
 */
async function ensureRuntime(
  state: SandboxState,
  options: UpOptions,
  deploy: SandboxDeploySummary,
): Promise<Pick<UpResult, 'runtime' | 'runtimeStopped'>> {
  const reporter = options.reporter ?? silentReporter;
  const cwd = resolve(options.cwd ?? process.cwd());
  const [{ liveRuntime, stopRuntime }, { paceOf, DEFAULT_PACE }, { DEFAULT_SHIPPING_DELAY_MS }] =
    await Promise.all([
      import('./runtime/start.js'),
      import('./runtime/pace.js'),
      import('./runtime/database.js'),
    ]);
  const pace = options.pace ?? paceOf(DEFAULT_PACE);
  const lagMs = options.replicationLagMs ?? DEFAULT_SHIPPING_DELAY_MS;
  const live = await liveRuntime(state.runtime);
  const record = async (runtime: RuntimeRecord | undefined) => {
    const { runtime: _old, ...rest } = state;
    await writeSandboxState(runtime ? { ...rest, runtime } : rest, options.cwd);
  };
  if (options.runtime === false) {
    const stopped = await stopRuntime(state.runtime, cwd);
    if (state.runtime) await record(undefined);
    if (stopped.stopped && state.runtime) {
      reporter.info(`Stopped the sandbox runtime (pid ${state.runtime.pid}): --no-runtime`);
      return { runtimeStopped: { pid: state.runtime.pid } };
    }
    return {};
  }
  let reason: string | undefined;
  if (live) {
    const liveLagMs = live.record.shippingDelayMs ?? DEFAULT_SHIPPING_DELAY_MS;
    if (live.status.pace.name !== pace.name) {
      reason = `it ran at pace ${live.status.pace.name}, ${pace.name} was asked`;
    } else if (liveLagMs !== lagMs) {
      reason = `it shipped WAL ${liveLagMs} ms late, ${lagMs} ms was asked`;
    } else if (deployChanged(deploy)) {
      reason = 'the deploy changed the stacks';
    } else {
      reporter.info(
        `The sandbox runtime is running at pace ${pace.name} (pid ${live.record.pid}, since ${live.record.startedAt}): kept`,
      );
      return { runtime: { ...live.record, action: 'kept', ms: 0 } };
    }
    reporter.info(`Restarting the sandbox runtime (pid ${live.record.pid}): ${reason}`);
  }
  // Stops a runtime that runs, and what a killed one left (its database servers).
  await stopRuntime(state.runtime, cwd);
  if (state.runtime) await record(undefined);
  const started = await startRuntimeStep(cwd, pace, reporter, options.replicationLagMs);
  await record(started.record);
  return {
    runtime: {
      ...started.record,
      action: reason ? 'restarted' : 'started',
      ...(reason ? { reason } : {}),
      ms: started.ms,
    },
  };
}

export async function sandboxUp(options: UpOptions): Promise<UpResult> {
  const reporter = options.reporter ?? silentReporter;
  // Refusals first: without Terraform nothing is started.
  const terraform = await terraformFor(options);
  const stateFile = sandboxStatePath(options.cwd);
  const existing = await readSandboxState(options.cwd);
  const { startEmulator, stopEmulator } = await import('./emulator.js');
  const cwd = resolve(options.cwd ?? process.cwd());

  if (existing && processAlive(existing.pid)) {
    if (await endpointAnswers(existing.endpoint)) {
      reporter.info(
        `A sandbox is already running at ${existing.endpoint} (pid ${existing.pid}); reusing it.`,
      );
      const configMismatch = existing.configFile !== options.configFile;
      if (configMismatch) {
        reporter.warn(
          `it was seeded from ${existing.configFile}, not ${options.configFile}; run \`dr sandbox down\` then \`dr sandbox up\` to switch`,
        );
      }
      // Unchanged stacks are not planned again (./applied.ts); a changed stack is applied.
      const access = { endpoint: existing.endpoint, credentials: rootCredentialsOf(existing) };
      const deployed = await deployInto(access, terraform, options, true);
      // A runtime that fails to start leaves the sandbox as it was found (running, no runtime).
      const runtime = await ensureRuntime(existing, options, deployed);
      return {
        ...publicPart(existing),
        stateFile,
        reused: true,
        configMismatch,
        deploy: deployed,
        ...runtime,
      };
    }
    // Recorded, alive, silent: a hung emulator. The launcher only ends emulator processes.
    await stopEmulator(existing.pid);
  }
  if (existing) {
    // A runtime recorded with a dead emulator: stop it and what it started.
    const { stopRuntime } = await import('./runtime/start.js');
    await stopRuntime(existing.runtime, cwd);
    await removeSandboxState(options.cwd);
  }

  const start = reporter.step('Starting the AWS emulator');
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ detached: true, stateDir: join(cwd, '.dr') });
  } catch (error) {
    start.fail();
    throw error;
  }
  start.succeed(emulator.endpoint);
  const state: SandboxState = {
    endpoint: emulator.endpoint,
    pid: emulator.pid,
    startedAt: new Date().toISOString(),
    configFile: options.configFile,
    regions: { primary: options.config.regions.primary, secondary: options.config.regions.secondary },
    ...(emulator.logFile ? { logFile: emulator.logFile } : {}),
    rootCredentials: emulator.rootCredentials,
  };
  try {
    await writeSandboxState(state, options.cwd);
    // A new emulator holds nothing: state of an earlier sandbox would claim what is gone.
    await removeSandboxTerraformState(options.cwd);
    const deployed = await deployInto(
      { endpoint: emulator.endpoint, credentials: emulator.rootCredentials },
      terraform,
      options,
    );
    const result = {
      ...publicPart(state),
      stateFile,
      reused: false,
      configMismatch: false,
      deploy: deployed,
    };
    if (options.runtime === false) return result;
    const { paceOf, DEFAULT_PACE } = await import('./runtime/pace.js');
    const started = await startRuntimeStep(
      cwd,
      options.pace ?? paceOf(DEFAULT_PACE),
      reporter,
      options.replicationLagMs,
    );
    await writeSandboxState({ ...state, runtime: started.record }, options.cwd);
    return { ...result, runtime: { ...started.record, action: 'started', ms: started.ms } };
  } catch (error) {
    if (error instanceof CheckFailedError) throw error;
    // Leave nothing half-made behind: no process, no state file (a failed runtime start
    // has stopped what it started).
    await emulator.stop();
    await removeSandboxState(options.cwd);
    throw error;
  }
}

export interface DownResult {
  /** True when a running emulator was stopped. */
  readonly stopped: boolean;
  readonly pid?: number;
  readonly endpoint?: string;
  /** The live runtime, when one was recorded or left database servers behind. */
  readonly runtime?: {
    readonly pid?: number;
    /** True when its process was running and is gone now. */
    readonly stopped: boolean;
    /** Database servers a killed runtime had left running, stopped now. */
    readonly leftovers: number;
  };
}

/** Stops the recorded runtime and what a killed one left; undefined when there was nothing. */
async function downRuntime(
  state: SandboxState | undefined,
  options: CommonOptions,
): Promise<DownResult['runtime']> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const { stopRuntime } = await import('./runtime/start.js');
  const running = state?.runtime && processAlive(state.runtime.pid);
  const step = running
    ? (options.reporter ?? silentReporter).step(`Stopping the sandbox runtime (pid ${state.runtime?.pid})`)
    : undefined;
  const result = await stopRuntime(state?.runtime, cwd);
  step?.succeed(result.how === 'signal' ? 'it did not answer: ended by signal' : undefined);
  if (!state?.runtime && result.leftovers === 0) return undefined;
  return {
    ...(state?.runtime ? { pid: state.runtime.pid } : {}),
    stopped: result.stopped,
    leftovers: result.leftovers,
  };
}

/**
 * Stops the sandbox and removes the state file; nothing running is not an error. The
 * runtime goes first (everything it started, PostgreSQL included), then the emulator.
 */
export async function sandboxDown(options: CommonOptions = {}): Promise<DownResult> {
  const state = await readSandboxState(options.cwd);
  const runtime = await downRuntime(state, options);
  if (!state) {
    await removeSandboxState(options.cwd);
    return { stopped: false, ...(runtime ? { runtime } : {}) };
  }
  let stopped = false;
  if (processAlive(state.pid)) {
    const { stopEmulator } = await import('./emulator.js');
    const step = (options.reporter ?? silentReporter).step(`Stopping the sandbox (pid ${state.pid})`);
    await stopEmulator(state.pid);
    if (processAlive(state.pid)) {
      step.fail();
      // The launcher leaves a pid alone that is no longer an emulator (reused after a reboot).
      throw new Error(
        `process ${state.pid} recorded in ${SANDBOX_STATE_FILE} is still running: check \`ps -p ${state.pid}\`; if it is not the emulator, delete ${SANDBOX_STATE_FILE}`,
      );
    }
    step.succeed();
    stopped = true;
  }
  await removeSandboxState(options.cwd);
  return { stopped, pid: state.pid, endpoint: state.endpoint, ...(runtime ? { runtime } : {}) };
}

export interface ResetResult {
  readonly endpoint: string;
  readonly pid: number;
  /** `snapshot`: put back as deployed (seconds); `redeploy`: emptied and deployed again. */
  readonly how: 'snapshot' | 'redeploy';
  /** The redeploy (absent when the snapshot was put back). */
  readonly deploy?: SandboxDeploySummary;
  /** The live runtime, restarted on the reset platform (absent when none ran). */
  readonly runtime?: UpRuntime;
  readonly ms: number;
}

/**
 * Back to the platform as deployed, outages ended: the emulator snapshot taken after the
 * deploy is put back (resources and data as Terraform left them). With `redeploy`, or when
 * there is no snapshot, the emulator is emptied and the stacks deployed again from scratch.
 */
export async function sandboxReset(
  options: UpOptions & { readonly redeploy?: boolean },
): Promise<ResetResult> {
  const started = Date.now();
  const terraform = await terraformFor(options);
  const state = await requireRunning(options.cwd);
  const reporter = options.reporter ?? silentReporter;
  const cwd = resolve(options.cwd ?? process.cwd());
  const [{ resetEmulator, restoreEmulatorSnapshot }, { DEPLOYED_SNAPSHOT, hasDeployedSnapshot }, runtimes] =
    await Promise.all([import('./emulator.js'), import('./deploy.js'), import('./runtime/start.js')]);
  // A running runtime holds state the reset takes away (its Data API mapping, its
  // database's fence row): stopped first, started again at its pace on the reset platform.
  const live = await runtimes.liveRuntime(state.runtime);
  if (state.runtime) {
    const step = live ? reporter.step(`Stopping the sandbox runtime (pid ${state.runtime.pid})`) : undefined;
    await runtimes.stopRuntime(state.runtime, cwd);
    step?.succeed();
    const { runtime: _old, ...rest } = state;
    await writeSandboxState(rest, options.cwd);
  }
  const restart = async (): Promise<Pick<ResetResult, 'runtime'>> => {
    if (!live) return {};
    const again = await startRuntimeStep(cwd, live.status.pace, reporter, live.record.shippingDelayMs);
    const current = (await readSandboxState(options.cwd)) ?? state;
    await writeSandboxState({ ...current, runtime: again.record }, options.cwd);
    return {
      runtime: {
        ...again.record,
        action: 'restarted',
        reason: 'the platform was reset',
        ms: again.ms,
      },
    };
  };
  if (!options.redeploy && (await hasDeployedSnapshot(state.endpoint))) {
    const step = reporter.step('Putting the platform back as deployed');
    const restored = await restoreEmulatorSnapshot(state.endpoint, DEPLOYED_SNAPSHOT);
    step.succeed(`${restored.backends} region backends in ${restored.ms} ms`);
    const runtime = await restart();
    return {
      endpoint: state.endpoint,
      pid: state.pid,
      how: 'snapshot',
      ...runtime,
      ms: Date.now() - started,
    };
  }
  const step = reporter.step('Emptying the emulator');
  await resetEmulator(state.endpoint);
  await removeSandboxTerraformState(options.cwd);
  step.succeed();
  const deployed = await deployInto(
    { endpoint: state.endpoint, credentials: rootCredentialsOf(state) },
    terraform,
    options,
  );
  if (state.configFile !== options.configFile) {
    const current = (await readSandboxState(options.cwd)) ?? state;
    await writeSandboxState({ ...current, configFile: options.configFile }, options.cwd);
  }
  const runtime = await restart();
  return {
    endpoint: state.endpoint,
    pid: state.pid,
    how: 'redeploy',
    deploy: deployed,
    ...runtime,
    ms: Date.now() - started,
  };
}

export interface OutageResult {
  readonly endpoint: string;
  /** Every region down after the call, with its mode. */
  readonly outages: Readonly<Record<string, OutageMode>>;
}

function checkRegionName(region: string): void {
  if (!AWS_REGION.test(region)) {
    throw new UsageError(`"${region}" is not an AWS region; name one such as us-east-1`);
  }
}

function checkRegion(state: SandboxState, region: string): void {
  const known = [state.regions.primary, state.regions.secondary];
  if (!known.includes(region)) {
    throw new UsageError(`unknown region "${region}": the sandbox has ${known.join(' and ')}`);
  }
}

/** Marks a region down: requests signed for it are refused (default) or held without an answer. */
export async function sandboxOutage(
  options: CommonOptions & { readonly region: string; readonly mode: OutageMode },
): Promise<OutageResult> {
  checkRegionName(options.region);
  const state = await requireRunning(options.cwd);
  checkRegion(state, options.region);
  const { setOutage } = await import('./emulator.js');
  const { outages } = await setOutage(state.endpoint, options.region, options.mode);
  return { endpoint: state.endpoint, outages };
}

export async function sandboxRestore(
  options: CommonOptions & { readonly region: string },
): Promise<OutageResult> {
  checkRegionName(options.region);
  const state = await requireRunning(options.cwd);
  checkRegion(state, options.region);
  const { restoreRegion } = await import('./emulator.js');
  const { outages } = await restoreRegion(state.endpoint, options.region);
  return { endpoint: state.endpoint, outages };
}
