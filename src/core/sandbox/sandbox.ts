/**
 * `dr sandbox up | down | reset | outage | restore`: a local two-region copy of the
 * deployed platform. The emulator is started by the launcher (./emulator.ts), recorded
 * in `.dr/sandbox.json` (./state.ts) and seeded from the config (./seed.ts). Nothing
 * here prints or exits.
 */
import { join } from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import { AWS_REGION, type DrConfig } from '../../config/schema.js';
import { UsageError } from '../errors.js';
import { silentReporter, type Reporter } from '../reporter.js';
import type { OutageMode } from './emulator.js';
import type { SeedResult } from './seed.js';
import {
  endpointAnswers,
  processAlive,
  readSandboxState,
  removeSandboxState,
  SANDBOX_STATE_FILE,
  sandboxStatePath,
  writeSandboxState,
  type SandboxState,
} from './state.js';
import { NO_SANDBOX_MESSAGE } from './target.js';

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
  /** Where built Lambda zips are looked for. @default - `dist/lambdas` */
  readonly lambdaDir?: string;
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
  /** True when the running sandbox was seeded from another config file than the one given. */
  readonly configMismatch: boolean;
  /** What was seeded; absent when reused. */
  readonly seed?: SeedResult;
}

async function sandboxClients(endpoint: string): Promise<AwsClients> {
  const { createClients } = await import('../../aws/clients.js');
  return createClients({ endpoint, ...SANDBOX_CLIENT });
}

/**
 * Replication lag the sandbox's Aurora reports (AuroraGlobalDBReplicationLag, ms): a
 * healthy global database, well inside any sensible `objectives.maxReplicationLagMs`.
 */
export const SANDBOX_REPLICATION_LAG_MS = 20;

async function seedInto(endpoint: string, options: UpOptions): Promise<SeedResult> {
  const { seedPlatform } = await import('./seed.js');
  const { configureEmulator } = await import('./emulator.js');
  const clients = await sandboxClients(endpoint);
  try {
    const seeded = await seedPlatform({
      clients,
      config: options.config,
      ...(options.reporter ? { reporter: options.reporter } : {}),
      ...(options.lambdaDir ? { lambdaDir: options.lambdaDir } : {}),
    });
    // Aurora publishes the lag metric; moto does not, so the extension does it for us:
    // switched on once the global cluster exists, and the first datapoint is there when
    // this returns (a verify-sync right after `up` finds it).
    await configureEmulator(endpoint, { replicationLagMs: SANDBOX_REPLICATION_LAG_MS });
    return seeded;
  } finally {
    clients.destroy();
  }
}

/** The recorded sandbox when it is alive and answers; a usage error otherwise. */
async function requireRunning(cwd?: string): Promise<SandboxState> {
  const state = await readSandboxState(cwd);
  if (!state || !processAlive(state.pid) || !(await endpointAnswers(state.endpoint))) {
    throw new UsageError(NO_SANDBOX_MESSAGE);
  }
  return state;
}

export async function sandboxUp(options: UpOptions): Promise<UpResult> {
  const reporter = options.reporter ?? silentReporter;
  const stateFile = sandboxStatePath(options.cwd);
  const existing = await readSandboxState(options.cwd);
  const { startEmulator, stopEmulator } = await import('./emulator.js');

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
      return { ...existing, stateFile, reused: true, configMismatch };
    }
    // Recorded, alive, silent: a hung emulator. The launcher only ends emulator processes.
    await stopEmulator(existing.pid);
  }
  if (existing) await removeSandboxState(options.cwd);

  const start = reporter.step('Starting the AWS emulator');
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ detached: true, stateDir: join(options.cwd ?? process.cwd(), '.dr') });
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
  };
  try {
    await writeSandboxState(state, options.cwd);
    const seed = await seedInto(emulator.endpoint, options);
    return { ...state, stateFile, reused: false, configMismatch: false, seed };
  } catch (error) {
    // Leave nothing half-made behind: no process, no state file.
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
}

/** Stops the sandbox and removes the state file; nothing running is not an error. */
export async function sandboxDown(options: CommonOptions = {}): Promise<DownResult> {
  const state = await readSandboxState(options.cwd);
  if (!state) {
    await removeSandboxState(options.cwd);
    return { stopped: false };
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
  return { stopped, pid: state.pid, endpoint: state.endpoint };
}

export interface ResetResult {
  readonly endpoint: string;
  readonly pid: number;
  readonly seed: SeedResult;
}

/** Wipes the running emulator (outages restored too) and seeds the platform afresh. */
export async function sandboxReset(options: UpOptions): Promise<ResetResult> {
  const state = await requireRunning(options.cwd);
  const { resetEmulator } = await import('./emulator.js');
  const step = (options.reporter ?? silentReporter).step('Resetting the emulator');
  await resetEmulator(state.endpoint);
  step.succeed();
  const seed = await seedInto(state.endpoint, options);
  if (state.configFile !== options.configFile) {
    await writeSandboxState({ ...state, configFile: options.configFile }, options.cwd);
  }
  return { endpoint: state.endpoint, pid: state.pid, seed };
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
