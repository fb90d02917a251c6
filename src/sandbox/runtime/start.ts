/**
 * Starting, finding and stopping the live runtime from `dr` (the runtime itself is
 * ./daemon.ts). Used by `dr sandbox up | down | reset | env` (../sandbox.ts, ../env.ts).
 *
 * - `startRuntime`: spawns the daemon detached (its own process group, outliving `dr`),
 *   stdout and stderr appended to `.dr/runtime.log`, and waits (bounded) until it says it
 *   is ready over IPC and its control endpoint answers `GET /status`. A runtime that fails
 *   or does not get ready in time is stopped, with whatever it started, and the error says
 *   what failed and points to the log.
 * - `liveRuntime`: the recorded runtime when its control endpoint answers for its pid.
 * - `stopRuntime`: `POST /stop` (it stops what it started, then exits); a runtime that
 *   does not answer is ended by signal (SIGTERM, then SIGKILL, to its process group). Then,
 *   as after every stop, the database servers a killed runtime left behind
 *   (`.dr/runtime-databases.json`) are stopped, and the emulator's database hook it left
 *   pointing at itself is taken back (else every move of Aurora's writer would fail).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { processAlive, readSandboxState, RUNTIME_DATABASES_FILE, RUNTIME_LOG_FILE } from '../state.js';
import type { RuntimeRecord, RuntimeStatus } from './contract.js';
import { stopRecordedDatabases } from './database.js';
import type { RuntimeMessage } from './daemon.js';
import type { Pace } from './pace.js';
import { FailedError } from '../../contract/errors.js';

/** How long `up` waits for the runtime to be ready (its budget is 10 s; PostgreSQL's first start can be slow). */
export const RUNTIME_START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;
const SIGNAL_GRACE_MS = 5000;

/** The runtime did not start; nothing it started is left running. */
export class RuntimeStartError extends FailedError {
  override readonly name = 'RuntimeStartError';
}

export interface StartedRuntime {
  readonly record: RuntimeRecord;
  /** From spawn to ready, ms. */
  readonly ms: number;
}

/** The daemon's entry beside this module: the built `.js`, or the `.ts` under tsx (bin/dev.js, tests). */
function daemonCommand(): { args: string[] } {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.ts')) {
    // By its own location: `--import tsx` would be looked up from the sandbox directory.
    return { args: ['--import', import.meta.resolve('tsx'), join(dirname(here), 'daemon.ts')] };
  }
  return { args: [join(dirname(here), 'daemon.js')] };
}

/** True when `pid` runs our daemon (`/proc/PID/cmdline`); without procfs the record is trusted. */
function isRuntimeProcess(pid: number): boolean {
  try {
    return /runtime[/\\]daemon\.[jt]s/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return processAlive(pid);
  }
}

function signalGroup(pid: number, name: NodeJS.Signals): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, name);
      return;
    } catch {
      // not a group leader (or gone): try the process itself
    }
  }
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid) && isRuntimeProcess(pid)) {
    if (Date.now() >= deadline) return false;
    await delay(50);
  }
  return true;
}

/** The runtime's status, or undefined when its control endpoint does not answer for `record.pid`. */
export async function runtimeStatus(
  record: RuntimeRecord,
  timeoutMs = 5000,
): Promise<RuntimeStatus | undefined> {
  if (!processAlive(record.pid)) return undefined;
  try {
    const response = await fetch(new URL('/status', record.control), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const status = (await response.json()) as RuntimeStatus;
    return status.pid === record.pid ? status : undefined;
  } catch {
    return undefined;
  }
}

/** The recorded runtime and its status when it runs and answers; undefined otherwise. */
export async function liveRuntime(
  record: RuntimeRecord | undefined,
): Promise<{ record: RuntimeRecord; status: RuntimeStatus } | undefined> {
  if (!record) return undefined;
  const status = await runtimeStatus(record);
  return status ? { record, status } : undefined;
}

/**
 * Stops the database servers a runtime recorded and did not stop (it was killed): true when
 * one was running. The record is removed.
 */
export async function stopLeftoverDatabases(cwd: string): Promise<number> {
  const file = join(cwd, RUNTIME_DATABASES_FILE);
  const recorded = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as unknown,
    () => [],
  );
  const stopped = await stopRecordedDatabases(recorded);
  await rm(file, { force: true });
  return stopped;
}

/**
 * Takes back the emulator's database hook a killed runtime left (it could not): only a
 * hook of the runtime at `control`, or any when none is given. Aurora's writer then moves
 * without the runtime's databases, as before there was a runtime.
 */
async function forgetDatabaseHook(cwd: string, control?: string): Promise<void> {
  const state = await readSandboxState(cwd).catch(() => undefined);
  if (!state) return;
  const { configureEmulator } = await import('../emulator.js');
  try {
    const { databaseHook } = await configureEmulator(state.endpoint, {});
    if (databaseHook && (control === undefined || databaseHook.startsWith(`${control}/`))) {
      await configureEmulator(state.endpoint, { databaseHook: null });
    }
  } catch {
    // The emulator does not answer: it holds no hook worth taking back.
  }
}

export interface RuntimeStopResult {
  /** The runtime process was running and is gone now. */
  readonly stopped: boolean;
  /** `stop`: it stopped itself when asked; `signal`: it had to be ended by signal. */
  readonly how?: 'stop' | 'signal';
  /** Database servers a killed runtime had left running, stopped now. */
  readonly leftovers: number;
}

/** Stops the recorded runtime (if it runs) and any database server a killed one left. */
export async function stopRuntime(
  record: RuntimeRecord | undefined,
  cwd: string,
): Promise<RuntimeStopResult> {
  let stopped = false;
  let how: RuntimeStopResult['how'];
  if (record && processAlive(record.pid) && isRuntimeProcess(record.pid)) {
    try {
      const response = await fetch(new URL('/stop', record.control), {
        method: 'POST',
        signal: AbortSignal.timeout(STOP_TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.ok && (await goneWithin(record.pid, SIGNAL_GRACE_MS))) how = 'stop';
    } catch {
      // does not answer: ended by signal below
    }
    if (!how) {
      signalGroup(record.pid, 'SIGTERM');
      if (!(await goneWithin(record.pid, SIGNAL_GRACE_MS))) {
        signalGroup(record.pid, 'SIGKILL');
        await goneWithin(record.pid, SIGNAL_GRACE_MS);
      }
      how = 'signal';
    }
    stopped = !processAlive(record.pid) || !isRuntimeProcess(record.pid);
  }
  const leftovers = await stopLeftoverDatabases(cwd);
  if (record) await forgetDatabaseHook(cwd, record.control);
  return { stopped, ...(how ? { how } : {}), leftovers };
}

/**
 * Starts the runtime for the sandbox recorded in `cwd` at `pace` and waits until it is
 * ready. Throws RuntimeStartError (one line: what failed, and the log) after stopping it.
 */
export async function startRuntime(options: {
  readonly cwd: string;
  readonly pace: Pace;
  /** How late WAL reaches the standby, ms. @default - the daemon's (./database.ts DEFAULT_SHIPPING_DELAY_MS) */
  readonly shippingDelayMs?: number;
  readonly timeoutMs?: number;
}): Promise<StartedRuntime> {
  const cwd = resolve(options.cwd);
  const logFile = join(cwd, RUNTIME_LOG_FILE);
  await mkdir(dirname(logFile), { recursive: true });
  // A runtime killed earlier may have left its database servers.
  await stopLeftoverDatabases(cwd);
  const started = Date.now();
  const fd = openSync(logFile, 'a', 0o600);
  writeSync(
    fd,
    `\n${new Date().toISOString()} dr sandbox up: starting the runtime at pace ${options.pace.name}\n`,
  );
  const { args } = daemonCommand();
  let child;
  try {
    const lag =
      options.shippingDelayMs === undefined ? [] : ['--replication-lag-ms', String(options.shippingDelayMs)];
    child = spawn(process.execPath, [...args, cwd, '--pace', options.pace.name, ...lag], {
      cwd,
      detached: true,
      stdio: ['ignore', fd, fd, 'ipc'],
      env: process.env,
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  const fail = async (reason: string): Promise<never> => {
    if (pid !== undefined && processAlive(pid)) {
      signalGroup(pid, 'SIGTERM');
      if (!(await goneWithin(pid, SIGNAL_GRACE_MS))) signalGroup(pid, 'SIGKILL');
    }
    await stopLeftoverDatabases(cwd);
    await forgetDatabaseHook(cwd);
    throw new RuntimeStartError(`the sandbox runtime did not start: ${reason}; see ${logFile}`);
  };
  const outcome = await new Promise<RuntimeMessage | { exited: string } | { timeout: true }>((done) => {
    const timer = setTimeout(() => done({ timeout: true }), options.timeoutMs ?? RUNTIME_START_TIMEOUT_MS);
    child.once('message', (message: RuntimeMessage) => {
      clearTimeout(timer);
      done(message);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      done({ exited: signal ? `it was ended by ${signal}` : `it exited with ${code}` });
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      done({ exited: error.message });
    });
  });
  if ('timeout' in outcome) {
    return fail(`not ready within ${((options.timeoutMs ?? RUNTIME_START_TIMEOUT_MS) / 1000).toFixed(0)} s`);
  }
  if ('exited' in outcome) return fail(outcome.exited);
  if ('failed' in outcome) return fail(outcome.failed);
  // Ready: let it go on alone (no channel, not waited for).
  if (child.connected) child.disconnect();
  child.unref();
  const record = outcome.ready;
  if (!(await runtimeStatus(record, 5000)))
    return fail(`its control endpoint ${record.control} did not answer`);
  return { record, ms: Date.now() - started };
}
