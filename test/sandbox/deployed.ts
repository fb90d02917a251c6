/**
 * The platform that synth produces, deployed once per test run into a sandbox by the
 * built CLI exactly as a user runs it (`dr sandbox up --json` in a directory of its own:
 * real Terraform, the provider from the machine's mirror). Tests that import this module
 * share it; the harness (scripts/run-tests.ts → test/harness/services.ts) starts it
 * before the first test file and runs `dr sandbox down` after the last.
 *
 *   import { deployedSandbox } from '../sandbox/deployed.js';
 *   const sandbox = deployedSandbox();   // { dir, endpoint, up }
 *
 * Files share one platform: a test that changes it (a failover, an outage) puts it back.
 * The cold `up` is measured by bench/sandbox-up.ts, not here.
 */
import { mkdtemp, readFile, rm, writeFile, copyFile, chmod } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceDefinition } from '../harness/services.js';
import { sourceMatches } from '../harness/source.js';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import type { UpResult } from '../../src/core/sandbox/sandbox.js';

export interface DeployedSandbox {
  /** The directory holding `.dr/` (run `dr … --sandbox` with this cwd). */
  readonly dir: string;
  readonly endpoint: string;
  /** What the cold `dr sandbox up --json` returned. */
  readonly up: UpResult;
  /** The cold `up`'s wall time, ms. */
  readonly upMs: number;
}

const DIR_ENV = 'DR_TEST_SANDBOX_DIR';
const ERROR_ENV = 'DR_TEST_SANDBOX_ERROR';
const UP_FILE = 'up.json';

/** The shared deployed sandbox; throws (failing the test) when it could not be deployed. */
export function deployedSandbox(): DeployedSandbox {
  const failed = process.env[ERROR_ENV];
  if (failed) throw new Error(`the shared sandbox could not be deployed: ${failed}`);
  const dir = process.env[DIR_ENV];
  if (!dir) {
    throw new Error(
      `${DIR_ENV} is not set: run these tests with \`npx tsx scripts/run-tests.ts <filter>\`, which deploys the sandbox`,
    );
  }
  const saved = JSON.parse(readFileSync(join(dir, UP_FILE), 'utf8')) as { up: UpResult; ms: number };
  return { dir, endpoint: saved.up.endpoint, up: saved.up, upMs: saved.ms };
}

const IMPORTS_ME = /from\s+['"](?:\.\/|[^'"]*\/sandbox\/)deployed\.js['"]/;

export const deployedSandboxService: ServiceDefinition = {
  name: 'deployed-sandbox',
  needs: (file) => sourceMatches(file, IMPORTS_ME),
  start: async (): Promise<{ env: Record<string, string>; stop(): Promise<void> }> => {
    const dir = await mkdtemp(join(tmpdir(), 'dr-test-sandbox-'));
    // PostgreSQL (a drill's) runs as the `postgres` user when the tests run as root.
    await chmod(dir, 0o755);
    await copyFile(join(REPO_ROOT, 'dr.config.json'), join(dir, 'dr.config.json'));
    const started = Date.now();
    const up = await runCli(['sandbox', 'up', '--json'], { cwd: dir, timeoutMs: 15 * 60_000 });
    const ms = Date.now() - started;
    const stop = async () => {
      await runCli(['sandbox', 'down'], { cwd: dir, timeoutMs: 60_000 });
      await rm(dir, { recursive: true, force: true });
    };
    if (up.code !== 0) {
      const reason = `dr sandbox up exited ${up.code}: ${up.stderr.trim().split('\n').slice(-3).join(' | ')}`;
      process.stderr.write(`deployed sandbox: ${reason}\n`);
      await stop();
      return { env: { [ERROR_ENV]: reason }, stop: async () => {} };
    }
    await writeFile(join(dir, UP_FILE), JSON.stringify({ up: JSON.parse(up.stdout) as UpResult, ms }));
    process.stderr.write(`deployed sandbox: ${dir}, dr sandbox up took ${(ms / 1000).toFixed(1)} s\n`);
    return { env: { [DIR_ENV]: dir }, stop };
  },
};

/** The Terraform state of one deployed stack (local backend under `.dr/sandbox/`). */
export async function stackState(
  dir: string,
  stack: string,
): Promise<{
  resources: Array<{ mode: string; type: string; name: string; instances: unknown[] }>;
}> {
  return JSON.parse(
    await readFile(join(dir, '.dr', 'sandbox', 'terraform-state', `${stack}.tfstate`), 'utf8'),
  ) as { resources: Array<{ mode: string; type: string; name: string; instances: unknown[] }> };
}
