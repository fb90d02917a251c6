/**
 * `dr sandbox up | down` and the live runtime's life (issue 15 part 1), the built CLI as a
 * process on the lane's deployed sandbox: a runtime at the asked pace is kept, one at
 * another pace restarted, `--no-runtime` stops it; a runtime that cannot start is named
 * with its log and leaves nothing; `down` stops the runtime (PostgreSQL included) before
 * the emulator, and a runtime killed with SIGKILL leaves no PostgreSQL past the next `up`
 * or `down`. What runs is checked in /proc, not taken from the CLI's word.
 *
 * `down` is exercised in directories of their own, so the lane's sandbox stays up: each
 * records a bare emulator of its own as the sandbox's process and the lane's endpoint as
 * where the platform is, and its runtime is started the way `up` starts it.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runCli } from '../../harness/cli.js';
import { deployedSandbox, stopSandboxRuntime } from '../../sandbox/deployed.js';
import { DEPLOYED_SNAPSHOT } from '../../../src/sandbox/deploy.js';
import { restoreEmulatorSnapshot, startEmulator, stopEmulator } from '../../../src/sandbox/emulator.js';
import type { DownResult, UpResult } from '../../../src/sandbox/sandbox.js';
import {
  endpointAnswers,
  processAlive,
  readSandboxState,
  RUNTIME_DATABASES_FILE,
  writeSandboxState,
} from '../../../src/sandbox/state.js';
import { startRuntime } from '../../../src/sandbox/runtime/start.js';
import { paceOf } from '../../../src/sandbox/runtime/pace.js';
import type { DatabaseProcess } from '../../../src/sandbox/runtime/database.js';
import type { RuntimeStatus } from '../../../src/sandbox/runtime/contract.js';

const shared = deployedSandbox();
const emulators: number[] = [];
let scratch: string;

before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'dr-sandbox-live-'));
});
after(async () => {
  for (const pid of emulators) await stopEmulator(pid);
  await stopSandboxRuntime(shared.dir);
  await restoreEmulatorSnapshot(shared.endpoint, DEPLOYED_SNAPSHOT);
  await rm(scratch, { recursive: true, force: true });
});

/** Runtime processes (`…/runtime/daemon.js DIR`) running for the sandbox in `dir`. */
function runtimeProcesses(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        return argv.some((a) => /runtime[/\\]daemon\.[jt]s$/.test(a)) && argv.includes(dir);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The database servers the runtime in `dir` recorded. */
async function recordedDatabases(dir: string): Promise<DatabaseProcess[]> {
  return JSON.parse(await readFile(join(dir, RUNTIME_DATABASES_FILE), 'utf8')) as DatabaseProcess[];
}

/** A recorded server is gone: no process, no data directory. */
function databaseGone(server: DatabaseProcess): boolean {
  return (server.pid === undefined || !processAlive(server.pid)) && !existsSync(server.dir);
}

/** A recorded server runs. */
function databaseRuns(server: DatabaseProcess): boolean {
  return server.pid !== undefined && processAlive(server.pid);
}

async function up(args: readonly string[] = [], env: Record<string, string | undefined> = {}) {
  const result = await runCli(['sandbox', 'up', ...args], { cwd: shared.dir, env, timeoutMs: 180_000 });
  const json = args.includes('--json') && result.code === 0;
  return { ...result, up: json ? (JSON.parse(result.stdout) as UpResult) : undefined };
}

async function statusOf(control: string): Promise<RuntimeStatus> {
  return (await (await fetch(new URL('/status', control))).json()) as RuntimeStatus;
}

describe('dr sandbox up: the live runtime', () => {
  it('--no-runtime with --pace is bad usage: exit 2, one line, nothing started', async () => {
    const result = await runCli(['sandbox', 'up', '--no-runtime', '--pace', 'aws'], { cwd: shared.dir });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(
      result.stderr,
      "dr: --pace is the runtime's, and --no-runtime starts none: give one or the other (see `dr sandbox up --help`)\n",
    );
    assert.deepEqual(runtimeProcesses(shared.dir), []);
  });

  it('--no-runtime with --replication-lag-ms is bad usage too; a lag out of range is refused', async () => {
    const both = await runCli(['sandbox', 'up', '--no-runtime', '--replication-lag-ms', '100'], {
      cwd: shared.dir,
    });
    assert.equal(both.code, 2);
    assert.equal(
      both.stderr,
      "dr: --replication-lag-ms is the runtime's, and --no-runtime starts none: give one or the other (see `dr sandbox up --help`)\n",
    );
    const tooLate = await runCli(['sandbox', 'up', '--replication-lag-ms', '60000'], { cwd: shared.dir });
    assert.equal(tooLate.code, 2);
    assert.match(tooLate.stderr, /replication-lag-ms/);
    assert.deepEqual(runtimeProcesses(shared.dir), []);
  });

  it('a runtime that cannot start says what failed and where its log is, exit 1, and leaves nothing of it (the sandbox stays up)', async () => {
    // Given a machine whose PostgreSQL binaries are not where PG_BIN says
    // When the runtime is started on the deployed sandbox
    const result = await up([], { PG_BIN: join(scratch, 'no-postgresql') });
    // Then one line names the step that failed and the runtime's log
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(
      result.stderr.trim().split('\n').at(-1) ?? '',
      /^dr: the sandbox runtime did not start: databases: .+; see \/\S+\/\.dr\/runtime\.log$/,
    );
    // And no runtime or database of it runs or is recorded; the sandbox itself still answers
    assert.deepEqual(runtimeProcesses(shared.dir), []);
    assert.equal(existsSync(join(shared.dir, RUNTIME_DATABASES_FILE)), false);
    assert.equal((await readSandboxState(shared.dir))?.runtime, undefined);
    assert.equal(await endpointAnswers(shared.endpoint), true);
  });

  it('is kept at the asked pace, restarted at another, restarted by the next up after a SIGKILL without leaving its PostgreSQL, and stopped by --no-runtime', async () => {
    // Given the deployed sandbox without a runtime / When `up` runs
    const first = await up(['--json']);
    assert.equal(first.code, 0, first.stderr);
    const a = first.up?.runtime;
    assert.equal(a?.action, 'started');
    assert.deepEqual(a?.pace, { name: 'compressed', factor: 50 });
    assert.deepEqual(runtimeProcesses(shared.dir), [a?.pid]);
    // (its databases: one server per region, both running)
    const aDatabases = await recordedDatabases(shared.dir);
    assert.deepEqual(aDatabases.map((d) => d.region).sort(), ['us-east-1', 'us-east-2']);
    assert.ok(aDatabases.every(databaseRuns));
    // When `up` runs again at the same pace / Then the same runtime is kept
    const again = await up(['--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.up?.runtime?.action, 'kept');
    assert.equal(again.up?.runtime?.pid, a?.pid);
    // When it runs at the aws pace / Then the runtime is restarted at that pace, the old one
    // and its PostgreSQL gone
    const aws = await up(['--json', '--pace', 'aws']);
    assert.equal(aws.code, 0, aws.stderr);
    const b = aws.up?.runtime;
    assert.equal(b?.action, 'restarted');
    assert.equal(b?.reason, 'it ran at pace compressed, aws was asked');
    assert.notEqual(b?.pid, a?.pid);
    assert.deepEqual(runtimeProcesses(shared.dir), [b?.pid]);
    assert.ok(aDatabases.every(databaseGone));
    assert.deepEqual((await statusOf(b?.control ?? '')).pace, { name: 'aws', factor: 1 });
    // When that runtime is killed with SIGKILL (it cannot stop anything) / Then its
    // PostgreSQL outlives it…
    const bDatabases = await recordedDatabases(shared.dir);
    process.kill(b?.pid ?? 0, 'SIGKILL');
    await waitGone(b?.pid ?? 0);
    assert.ok(bDatabases.every(databaseRuns));
    // …until the next `up`, which stops it and starts a runtime anew
    const after = await up(['--json']);
    assert.equal(after.code, 0, after.stderr);
    assert.equal(after.up?.runtime?.action, 'started');
    assert.ok(bDatabases.every(databaseGone));
    assert.deepEqual(runtimeProcesses(shared.dir), [after.up?.runtime?.pid]);
    // When `up --no-runtime` runs / Then it stops the runtime and what it started
    const cDatabases = await recordedDatabases(shared.dir);
    const deployOnly = await up(['--json', '--no-runtime']);
    assert.equal(deployOnly.code, 0, deployOnly.stderr);
    assert.equal(deployOnly.up?.runtime, undefined);
    assert.deepEqual(deployOnly.up?.runtimeStopped, { pid: after.up?.runtime?.pid });
    assert.deepEqual(runtimeProcesses(shared.dir), []);
    assert.ok(cDatabases.every(databaseGone));
    assert.equal((await readSandboxState(shared.dir))?.runtime, undefined);
  });
});

/** Waits (bounded) until `pid` is gone. */
async function waitGone(pid: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (processAlive(pid)) {
    assert.ok(Date.now() < deadline, `process ${pid} still runs after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A directory whose `.dr/sandbox.json` records a bare emulator of its own as the sandbox's
 * process, the lane's endpoint and key pair as its platform, and a runtime started on it.
 */
async function recordedSandboxWithRuntime(name: string) {
  const dir = await mkdtemp(join(scratch, `${name}-`));
  await copyFile(join(REPO_ROOT, 'dr.config.json'), join(dir, 'dr.config.json'));
  const emulator = await startEmulator({ detached: true, stateDir: join(dir, '.dr') });
  emulators.push(emulator.pid);
  const base = {
    endpoint: shared.endpoint,
    pid: emulator.pid,
    startedAt: new Date().toISOString(),
    configFile: join(dir, 'dr.config.json'),
    regions: { primary: 'us-east-1', secondary: 'us-east-2' },
    rootCredentials: shared.credentials,
  };
  await writeSandboxState(base, dir);
  const { record } = await startRuntime({ cwd: dir, pace: paceOf('compressed') });
  await writeSandboxState({ ...base, runtime: record }, dir);
  return { dir, emulator, record, databases: await recordedDatabases(dir) };
}

describe('dr sandbox down: the runtime first', () => {
  it('stops the runtime and everything it started, PostgreSQL included, then the emulator', async () => {
    // Given a sandbox whose runtime runs
    const { dir, emulator, record, databases } = await recordedSandboxWithRuntime('down');
    assert.deepEqual(runtimeProcesses(dir), [record.pid]);
    assert.ok(databases.every(databaseRuns));
    // When it is stopped
    const down = await runCli(['sandbox', 'down', '--json'], { cwd: dir, timeoutMs: 60_000 });
    // Then the runtime stopped itself (asked), its PostgreSQL and the emulator are gone
    assert.equal(down.code, 0, down.stderr);
    const result = JSON.parse(down.stdout) as DownResult;
    assert.deepEqual(result, {
      stopped: true,
      pid: emulator.pid,
      endpoint: shared.endpoint,
      runtime: { pid: record.pid, stopped: true, leftovers: 0 },
    });
    assert.deepEqual(runtimeProcesses(dir), []);
    assert.ok(databases.every(databaseGone));
    assert.equal(processAlive(emulator.pid), false);
    assert.equal(existsSync(join(dir, '.dr', 'sandbox.json')), false);
    assert.equal(existsSync(join(dir, RUNTIME_DATABASES_FILE)), false);
  });

  it('after the runtime was killed with SIGKILL, stops the PostgreSQL it left', async () => {
    // Given a runtime killed with SIGKILL: its PostgreSQL (own process group) runs on
    const { dir, record, databases } = await recordedSandboxWithRuntime('killed');
    process.kill(record.pid, 'SIGKILL');
    await waitGone(record.pid);
    assert.ok(databases.every(databaseRuns));
    // When the sandbox is stopped
    const down = await runCli(['sandbox', 'down', '--json'], { cwd: dir, timeoutMs: 60_000 });
    // Then the leftover servers (one per region) were stopped and their directories removed
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual((JSON.parse(down.stdout) as DownResult).runtime, {
      pid: record.pid,
      stopped: false,
      leftovers: 2,
    });
    assert.ok(databases.every(databaseGone));
  });
});
