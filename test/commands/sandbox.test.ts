/**
 * `dr sandbox` as a process, the way a runbook calls it (the built CLI: run
 * `npx tsc -p tsconfig.build.json` first). Each `up` starts an emulator: keep these few.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { stopEmulator } from '../../src/core/sandbox/emulator.js';
import { processAlive } from '../../src/core/sandbox/state.js';

let cwd: string;
const started: number[] = [];

before(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'dr-sandbox-cli-'));
  await copyFile(join(REPO_ROOT, 'dr.config.json'), join(cwd, 'dr.config.json'));
});
after(async () => {
  // Whatever a failed assertion left behind: no emulator outlives the tests.
  for (const pid of started) await stopEmulator(pid);
  await rm(cwd, { recursive: true, force: true });
});

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('dr sandbox (CLI)', () => {
  it('without a sandbox, outage says how to start one: exit 2, one line', async () => {
    // Given a directory where no sandbox was started / When an outage is asked for
    const result = await runCli(['sandbox', 'outage', 'us-east-1'], { cwd, timeoutMs: 30_000 });
    // Then it is a usage error with the one-line hint
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'dr: no sandbox is running; start one with `dr sandbox up`\n');
  });

  it('up --json starts and seeds; outage checks the region; down --json leaves no process', async () => {
    // Given a config / When the sandbox is started
    const up = await runCli(['sandbox', 'up', '--json'], { cwd, timeoutMs: 120_000 });
    assert.equal(up.code, 0, up.stderr);
    const state = JSON.parse(up.stdout) as {
      endpoint: string;
      pid: number;
      reused: boolean;
      seed: { counts: { created: number; kept: number } };
    };
    started.push(state.pid);
    // Then it runs, is recorded, and was seeded
    assert.match(state.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(processAlive(state.pid), true);
    assert.equal(state.reused, false);
    assert.ok(state.seed.counts.created > 0);
    assert.equal(state.seed.counts.kept, 0, 'a fresh emulator holds nothing to keep');
    assert.equal(await exists(join(cwd, '.dr', 'sandbox.json')), true);

    // When it is started again / Then the running one is reused, not re-seeded
    const again = await runCli(['sandbox', 'up', '--json'], { cwd, timeoutMs: 30_000 });
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(
      (({ pid, reused }) => ({ pid, reused }))(JSON.parse(again.stdout) as { pid: number; reused: boolean }),
      { pid: state.pid, reused: true },
    );

    // When an outage names a region the sandbox does not have / Then exit 2, one line
    const bad = await runCli(['sandbox', 'outage', 'eu-west-3'], { cwd, timeoutMs: 30_000 });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'dr: unknown region "eu-west-3": the sandbox has us-east-1 and us-east-2\n');

    // When the primary is taken down and brought back / Then the switch reports it
    const outage = await runCli(['sandbox', 'outage', 'us-east-1', '--hang', '--json'], {
      cwd,
      timeoutMs: 30_000,
    });
    assert.equal(outage.code, 0, outage.stderr);
    assert.deepEqual(JSON.parse(outage.stdout).outages, { 'us-east-1': 'hang' });
    const restore = await runCli(['sandbox', 'restore', 'us-east-1', '--json'], { cwd, timeoutMs: 30_000 });
    assert.deepEqual(JSON.parse(restore.stdout).outages, {});

    // When it is stopped
    const down = await runCli(['sandbox', 'down', '--json'], { cwd, timeoutMs: 30_000 });
    // Then the process is gone and so is the state file
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(JSON.parse(down.stdout), { stopped: true, pid: state.pid, endpoint: state.endpoint });
    assert.equal(processAlive(state.pid), false);
    assert.equal(await exists(join(cwd, '.dr', 'sandbox.json')), false);
  });
});
