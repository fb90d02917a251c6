/**
 * Where a running sandbox is recorded: `.dr/sandbox.json` in the working directory,
 * written by `dr sandbox up`, read by every command given `--sandbox`, removed by
 * `dr sandbox down`. Beside it, the live runtime's files (./runtime/start.ts): its log
 * and the record of the database servers it started (so a killed runtime's are stopped).
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { StaticCredentials } from '../aws/sdk-config.js';
import { UsageError } from '../contract/errors.js';
import type { RuntimeRecord } from './runtime/contract.js';

export const SANDBOX_STATE_FILE = join('.dr', 'sandbox.json');
/** The live runtime's output (stdout and stderr of the detached process), appended per start. */
export const RUNTIME_LOG_FILE = join('.dr', 'runtime.log');
/** The database servers the live runtime started (pid, temp dir), while they run. */
export const RUNTIME_DATABASES_FILE = join('.dr', 'runtime-databases.json');

export interface SandboxState {
  /** `http://127.0.0.1:PORT`: the endpoint override every client uses. */
  readonly endpoint: string;
  /** The emulator process. */
  readonly pid: number;
  /** ISO 8601. */
  readonly startedAt: string;
  /** Absolute path of the config file the sandbox was seeded from. */
  readonly configFile: string;
  readonly regions: { readonly primary: string; readonly secondary: string };
  /** The emulator's log, when it writes one. */
  readonly logFile?: string;
  /**
   * The emulated account's root key pair (an administrator: what `dr sandbox env` prints and
   * Terraform deploys with). The file is readable by its owner only.
   */
  readonly rootCredentials?: StaticCredentials;
  /**
   * The live runtime `up` started (absent: deployed only, `--no-runtime`). Recorded while
   * it runs; a record whose process is gone is stale (readers check: ./runtime/start.ts).
   */
  readonly runtime?: RuntimeRecord;
}

/** The sandbox's root key pair; a state file written before there was one is refused. */
export function rootCredentialsOf(state: SandboxState): StaticCredentials {
  if (!state.rootCredentials) {
    throw new UsageError(
      `the sandbox at ${state.endpoint} was started by an earlier dr that recorded no credentials: run \`dr sandbox down\`, then \`dr sandbox up\``,
    );
  }
  return state.rootCredentials;
}

export function sandboxStatePath(cwd = process.cwd()): string {
  return resolve(cwd, SANDBOX_STATE_FILE);
}

/** The recorded sandbox, or undefined when there is none (or the file is unreadable). */
export async function readSandboxState(cwd = process.cwd()): Promise<SandboxState | undefined> {
  let text: string;
  try {
    text = await readFile(sandboxStatePath(cwd), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const state = JSON.parse(text) as Partial<SandboxState>;
    if (typeof state.endpoint !== 'string' || !Number.isInteger(state.pid)) return undefined;
    return state as SandboxState;
  } catch {
    return undefined;
  }
}

export async function writeSandboxState(state: SandboxState, cwd = process.cwd()): Promise<string> {
  const file = sandboxStatePath(cwd);
  await mkdir(dirname(file), { recursive: true });
  // Write-then-rename: a reader never sees half a file.
  const partial = `${file}.${process.pid}.tmp`;
  await writeFile(partial, `${JSON.stringify(state, null, 2)}\n`, { encoding: 'utf8', mode: 0o600 });
  await rename(partial, file);
  return file;
}

export async function removeSandboxState(cwd = process.cwd()): Promise<void> {
  await rm(sandboxStatePath(cwd), { force: true });
}

/** True while a process with this id exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the emulator answers its control endpoint within `timeoutMs`. */
export async function endpointAnswers(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  try {
    const response = await fetch(new URL('/dr-emulator/outages', endpoint), {
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** The recorded sandbox when its process is alive and answers; undefined otherwise. */
export async function liveSandbox(cwd = process.cwd()): Promise<SandboxState | undefined> {
  const state = await readSandboxState(cwd);
  if (!state || !processAlive(state.pid)) return undefined;
  return (await endpointAnswers(state.endpoint)) ? state : undefined;
}
