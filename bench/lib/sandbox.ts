/**
 * For benches that measure something on the deployed platform (the synthesized stacks applied
 * by Terraform into the sandbox), never on a hand-made copy of it.
 *
 *   const sandbox = await benchSandbox();          // { dir, endpoint, restore(), close() }
 *   try { …; await sandbox.restore(); … } finally { await sandbox.close(); }
 *
 * With DR_BENCH_SANDBOX_DIR set, the sandbox in that directory is used and left up (brought
 * up first when it is not: CI brings one up for all benches that need it); otherwise a cold
 * `dr sandbox up` in a directory of its own, and `dr sandbox down` at the end.
 * It runs without the live runtime (`--no-runtime`): the benches drive the platform
 * themselves, and the runtime's health checks and pumps would be measured with them.
 * Its root key pair (`.dr/sandbox.json`) is registered for the test clients
 * (test/emulator/credentials.ts), so `emulatorClients(endpoint)` signs as it.
 * `restore()` puts the platform back as deployed (the emulator snapshot `dr sandbox up` took
 * after the deploy), so every run of a bench starts from the same platform.
 */
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { restoreEmulatorSnapshot } from '../../src/sandbox/emulator.js';
import { DEPLOYED_SNAPSHOT } from '../../src/sandbox/deploy.js';
import type { UpResult } from '../../src/sandbox/sandbox.js';
import { SANDBOX_STATE_FILE, type SandboxState } from '../../src/sandbox/state.js';
import { registerRootCredentials } from '../../test/emulator/credentials.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** The built CLI as a process, no terminal (as a runbook runs it); killed after 15 min. */
export function dr(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
    child.on('error', reject);
    child.on('close', (c) => {
      clearTimeout(timer);
      resolve({ code: c ?? 1, stdout: out, stderr: err, ms: performance.now() - started });
    });
  });
}

/** A fresh directory for a sandbox: the repo's dr.config.json, readable by PostgreSQL's user. */
export async function sandboxDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o755); // PostgreSQL runs as `postgres` when root
  await copyFile(join(ROOT, 'dr.config.json'), join(dir, 'dr.config.json'));
  return dir;
}

export interface BenchSandbox {
  readonly dir: string;
  readonly endpoint: string;
  /** The platform as deployed again (outages ended, data as Terraform left it). */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function benchSandbox(): Promise<BenchSandbox> {
  const kept = process.env.DR_BENCH_SANDBOX_DIR;
  const dir = kept ?? (await sandboxDir('dr-bench-'));
  if (kept) {
    await mkdir(kept, { recursive: true });
    await chmod(kept, 0o755);
    await copyFile(join(ROOT, 'dr.config.json'), join(kept, 'dr.config.json')).catch(() => {});
  }
  const up = await dr(['sandbox', 'up', '--no-runtime', '--json'], dir);
  const close = async () => {
    if (kept) return;
    await dr(['sandbox', 'down'], dir);
    await rm(dir, { recursive: true, force: true });
  };
  if (up.code !== 0) {
    await close();
    // Under --json the error is on stdout: {"error": {"message": …}}.
    const said = (up.stderr.trim() || up.stdout.trim()).split('\n').slice(-6).join(' ');
    throw new Error(`dr sandbox up exited ${up.code}: ${said}`);
  }
  const { endpoint } = JSON.parse(up.stdout) as UpResult;
  const state = JSON.parse(await readFile(join(dir, SANDBOX_STATE_FILE), 'utf8')) as SandboxState;
  if (state.rootCredentials) registerRootCredentials(endpoint, state.rootCredentials);
  const restore = async () => void (await restoreEmulatorSnapshot(endpoint, DEPLOYED_SNAPSHOT));
  await restore();
  return { dir, endpoint, restore, close };
}
