/**
 * Runs the built CLI (`bin/run.js`, compiled dist/) as a child process, the way a
 * runbook does: no terminal, CI set, colour off.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rootCredentialsFor } from '../emulator/credentials.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export function runCli(
  args: readonly string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    input?: string;
  } = {},
): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? REPO_ROOT,
      env: withEmulatorCredentials({ ...process.env, NO_COLOR: '1', CI: 'true', ...options.env }),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * `DR_ENDPOINT` points the CLI at an emulator, which signs with the SDK's credential chain:
 * the emulator's root key pair, unless the test set a key of its own.
 */
export function withEmulatorCredentials(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  if (!env.DR_ENDPOINT || env.AWS_ACCESS_KEY_ID) return env;
  const root = rootCredentialsFor(env.DR_ENDPOINT);
  return {
    ...env,
    AWS_ACCESS_KEY_ID: root.accessKeyId,
    AWS_SECRET_ACCESS_KEY: root.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
  };
}
