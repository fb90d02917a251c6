/**
 * `dr sandbox` as a process, the way a runbook calls it (the built CLI: run
 * `npx tsc -p tsconfig.build.json` first). The cold `up` is the run's shared deployed
 * sandbox (test/sandbox/deployed.ts); these tests use it, and start only emulators that
 * a refusal or a stand-in failure stops again.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runCli } from '../../harness/cli.js';
import { INSTALL_HINT } from '../../../src/core/deploy/terraform-bin.js';
import { startEmulator, stopEmulator } from '../../../src/sandbox/emulator.js';
import type { ResetResult, UpResult } from '../../../src/sandbox/sandbox.js';
import { parseConfig } from '../../../src/config/load.js';
import { Naming } from '../../../src/contract/naming.js';
import { processAlive, writeSandboxState } from '../../../src/sandbox/state.js';
import { installFakeTerraform } from '../../fixtures/fake-terraform.js';
import { processesUsing } from '../../harness/processes.js';
import { deployedSandbox } from '../../sandbox/deployed.js';
import { emulatorClients } from '../../emulator/credentials.js';

let cwd: string;
const started: number[] = [];
const shared = deployedSandbox();

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

  it('up on the deployed sandbox reuses it without running Terraform: the stacks are unchanged, the gate passes', async () => {
    // Given the sandbox this run deployed (test/sandbox/deployed.ts) / When `up` runs again there
    // (--no-runtime: the files after this one in the lane drive the platform's pieces themselves)
    const again = await runCli(['sandbox', 'up', '--no-runtime', '--json'], {
      cwd: shared.dir,
      timeoutMs: 180_000,
    });
    // Then the running one is reused; the stacks' fingerprint is the one applied, so no stack
    // is planned (`dr deploy --sandbox` plans them: test/sandbox/deployed-platform.test.ts)
    assert.equal(again.code, 0, again.stderr);
    const result = JSON.parse(again.stdout) as UpResult;
    assert.equal(result.pid, shared.up.pid);
    assert.equal(result.reused, true);
    assert.equal(result.deploy.outcome, 'deployed');
    assert.ok(result.deploy.unchangedSince, 'the time of the apply the stacks match');
    assert.deepEqual(
      result.deploy.stacks.map((s) => [s.name, s.status]),
      shared.up.deploy.stacks.map((s) => [s.name, 'not-run']),
    );
    assert.equal(result.deploy.gate?.failed, 0);
  });

  it('reset puts the platform back as deployed from the snapshot up took, in seconds', async () => {
    // Given the deployed sandbox after a change to its data (the active region flipped)
    const clients = emulatorClients(shared.endpoint, 5000);
    try {
      const ssm = clients.ssm('us-east-1');
      const name = new Naming(
        parseConfig(JSON.parse(await readFile(join(shared.dir, 'dr.config.json'), 'utf8'))),
      ).ssmActiveRegion();
      const deployed = (await ssm.getParameter({ Name: name, WithDecryption: true })).Parameter;
      const before = deployed?.Value;
      await ssm.putParameter({ Name: name, Value: 'us-east-2', Overwrite: true, Type: deployed?.Type });
      // When it is reset
      const reset = await runCli(['sandbox', 'reset', '--json'], { cwd: shared.dir, timeoutMs: 60_000 });
      // Then the snapshot was put back (no redeploy) and the value is the deployed one again
      assert.equal(reset.code, 0, reset.stderr);
      const result = JSON.parse(reset.stdout) as ResetResult;
      assert.equal(result.how, 'snapshot');
      assert.equal(result.deploy, undefined);
      assert.equal(before, 'us-east-1');
      assert.equal((await ssm.getParameter({ Name: name, WithDecryption: true })).Parameter?.Value, before);
    } finally {
      clients.destroy();
    }
  });

  it('outage checks the region, takes it down and restore brings it back', async () => {
    // When an outage names a region the sandbox does not have / Then exit 2, one line
    const bad = await runCli(['sandbox', 'outage', 'eu-west-3'], { cwd: shared.dir, timeoutMs: 30_000 });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'dr: unknown region "eu-west-3": the sandbox has us-east-1 and us-east-2\n');
    // When the primary is taken down and brought back / Then the switch reports it
    const outage = await runCli(['sandbox', 'outage', 'us-east-1', '--hang', '--json'], {
      cwd: shared.dir,
      timeoutMs: 30_000,
    });
    assert.equal(outage.code, 0, outage.stderr);
    assert.deepEqual(JSON.parse(outage.stdout).outages, { 'us-east-1': 'hang' });
    const restore = await runCli(['sandbox', 'restore', 'us-east-1', '--json'], {
      cwd: shared.dir,
      timeoutMs: 30_000,
    });
    assert.deepEqual(JSON.parse(restore.stdout).outages, {});
  });

  it('without Terraform or OpenTofu, up says how to install one: exit 2, nothing started', async () => {
    // Given a PATH without terraform or tofu, and no DR_TERRAFORM_BIN
    const dir = await mkdtemp(join(cwd, 'no-terraform-'));
    await copyFile(join(REPO_ROOT, 'dr.config.json'), join(dir, 'dr.config.json'));
    const empty = await mkdtemp(join(cwd, 'empty-path-'));
    // When the sandbox is started
    const up = await runCli(['sandbox', 'up'], {
      cwd: dir,
      env: { PATH: empty, DR_TERRAFORM_BIN: undefined },
      timeoutMs: 60_000,
    });
    // Then one line says how to install either, exit 2, and no emulator was started
    assert.equal(up.code, 2);
    assert.equal(up.stdout, '');
    assert.equal(up.stderr, `dr: ${INSTALL_HINT}\n`);
    assert.equal(await exists(join(dir, '.dr', 'sandbox.json')), false);
    assert.equal(await exists(join(dir, '.dr', 'emulator.log')), false);
  });

  it('a failed apply names the stack, the resource and the log, and leaves nothing running', async () => {
    // Given a Terraform stand-in whose global apply fails on a named resource
    const dir = await mkdtemp(join(cwd, 'failing-'));
    await copyFile(join(REPO_ROOT, 'dr.config.json'), join(dir, 'dr.config.json'));
    const bin = installFakeTerraform(dir);
    // When the sandbox is started with it
    const up = await runCli(['sandbox', 'up'], {
      cwd: dir,
      env: {
        DR_TERRAFORM_BIN: bin,
        FAKE_TERRAFORM_FAIL: 'trading-prod-global:apply',
        FAKE_TERRAFORM_FAIL_RESOURCE: 'aws_backup_selection.primary-selection',
      },
      timeoutMs: 120_000,
    });
    // Then exit 1 and one line naming the stack, the resource and the log
    assert.equal(up.code, 1, up.stderr);
    const last = up.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(
      last,
      /^dr: deploying the sandbox failed: stack trading-prod-global at terraform apply on aws_backup_selection\.primary-selection; see \S+\/\.dr\/deploy\/[^/]+\/trading-prod-global\.log$/,
    );
    // And the emulator it started (its log is here) is gone, and no state file claims one
    assert.ok((await readFile(join(dir, '.dr', 'emulator.log'), 'utf8')).length > 0);
    assert.deepEqual(processesUsing(dir), []);
    assert.equal(await exists(join(dir, '.dr', 'sandbox.json')), false);
  });

  it('down --json stops a recorded sandbox: no process, no state file', async () => {
    // Given an emulator recorded as a sandbox in a directory of its own
    const dir = await mkdtemp(join(cwd, 'down-'));
    const emulator = await startEmulator({ detached: true, stateDir: join(dir, '.dr') });
    started.push(emulator.pid);
    await writeSandboxState(
      {
        endpoint: emulator.endpoint,
        pid: emulator.pid,
        startedAt: new Date().toISOString(),
        configFile: join(dir, 'dr.config.json'),
        regions: { primary: 'us-east-1', secondary: 'us-east-2' },
      },
      dir,
    );
    // When it is stopped
    const down = await runCli(['sandbox', 'down', '--json'], { cwd: dir, timeoutMs: 30_000 });
    // Then the process is gone and so is the state file
    assert.equal(down.code, 0, down.stderr);
    assert.deepEqual(JSON.parse(down.stdout), {
      stopped: true,
      pid: emulator.pid,
      endpoint: emulator.endpoint,
    });
    assert.equal(processAlive(emulator.pid), false);
    assert.equal(await exists(join(dir, '.dr', 'sandbox.json')), false);
  });
});
