/**
 * SIGINT/SIGTERM on `dr drill --sandbox` (issue 13), the built CLI as a process against the
 * deployed sandbox: the signal is sent when the emulator shows the drill's outage or its
 * failover running (a condition, never a fixed sleep), then everything the drill changed
 * or started must be back or gone: the region answers, no process of the drill is left,
 * its temp dir is gone, the lease is released, and the partial report says where it stopped.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AwsClients } from '../../src/aws/clients.js';
import { readLease } from '../../src/core/failover/lease.js';
import { LEASE_ID } from '../../src/core/failover/plan.js';
import { Naming } from '../../src/contract/naming.js';
import { listOutages } from '../../src/sandbox/emulator.js';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { CLI } from '../harness/cli.js';
import { testClient } from '../emulator/client.js';
import { processesUsing } from '../harness/processes.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { emulatorClients } from '../emulator/credentials.js';

interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
}

function startDrill(args: readonly string[], cwd: string, env: Record<string, string>): Running {
  const child = spawn(process.execPath, [CLI, 'drill', ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Polls `cond` until true; fails after `timeoutMs` or when the drill ended first. */
async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  drill: Running,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (drill.child.exitCode !== null) {
      throw new Error(
        `the drill ended (${drill.child.exitCode}) before ${what}:\n${drill.stderr().slice(-2000)}`,
      );
    }
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Bounded wait for the drill's exit; SIGKILL (its own process) when it does not end. */
async function exitCode(drill: Running, timeoutMs = 120_000): Promise<number | null> {
  const timer = setTimeout(() => drill.child.kill('SIGKILL'), timeoutMs);
  try {
    return await drill.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Every process below `pid` (Linux /proc), as they are now. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

/** Running (not gone, not a zombie waiting for its reaper). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The RUNNING executions of the failover and failback machines in both regions. */
async function runningExecutions(clients: AwsClients, naming: Naming, regions: string[]): Promise<string[]> {
  const names: string[] = [];
  for (const region of regions) {
    for (const op of ['failover', 'failback'] as const) {
      const arn = (
        await clients
          .ssm(region)
          .getParameter({ Name: naming.ssmRegional(`${op}-state-machine-arn`), WithDecryption: true })
      ).Parameter?.Value;
      const out = await clients.sfn(region).listExecutions({ stateMachineArn: arn, statusFilter: 'RUNNING' });
      names.push(...(out.executions ?? []).map((e) => e.name ?? '?'));
    }
  }
  return names;
}

describe('dr drill interrupted (SIGINT/SIGTERM, CLI against the deployed sandbox)', () => {
  const platform = useDeployedPlatform();
  const naming = new Naming(platform.config);
  const { primary, secondary } = platform.config.regions;
  let clients: AwsClients;
  let cwd: string;
  before(async () => {
    clients = emulatorClients(platform.endpoint, 5000);
    cwd = await mkdtemp(join(tmpdir(), 'dr-drill-int-'));
    // PostgreSQL runs as the `postgres` user when the tests run as root: it must reach its data.
    chmodSync(cwd, 0o755);
  });
  after(async () => {
    clients.destroy();
    await rm(cwd, { recursive: true, force: true });
  });

  /** A condition: a failover execution in the primary that was not there when this was called. */
  const newFailoverExecution = async () => {
    const stateMachineArn = (
      await clients
        .ssm(primary)
        .getParameter({ Name: naming.ssmRegional('failover-state-machine-arn'), WithDecryption: true })
    ).Parameter?.Value;
    const list = async () =>
      ((await clients.sfn(primary).listExecutions({ stateMachineArn })).executions ?? []).map(
        (e) => e.executionArn,
      );
    const before = new Set(await list());
    return async () => (await list()).some((arn) => !before.has(arn));
  };

  /** The drill's own TMPDIR (PostgreSQL's data goes there) and report directory. */
  const dirsFor = (name: string) => {
    const tmp = join(cwd, `${name}-tmp`);
    mkdirSync(tmp);
    chmodSync(tmp, 0o755);
    return { tmp, report: join(cwd, `${name}-report`) };
  };

  it('SIGINT during the region outage: region back, the runtime the drill started and its PostgreSQL gone, lease released, partial report, exit 130; a second SIGINT is ignored', async () => {
    // Given a region-outage drill running in the sandbox
    const { tmp, report } = dirsFor('outage');
    const drill = startDrill(
      ['--sandbox', '--yes', '--scenario', 'region-outage', '--report', report],
      platform.dir,
      {
        TMPDIR: tmp,
      },
    );
    // When the emulator reports the drill's outage of the primary
    await waitFor(
      `outage of ${primary}`,
      async () => (await listOutages(platform.endpoint)).outages[primary] !== undefined,
      drill,
    );
    const started = descendants(drill.child.pid ?? 0);
    assert.ok(started.length > 0, 'the drill runs the sandbox runtime (and its PostgreSQL) below it');
    assert.ok(
      readdirSync(tmp).some((d) => d.startsWith('dr-pg-')),
      'PostgreSQL has its temp dir in TMPDIR',
    );
    // and SIGINT arrives, then a second one while the drill puts things back
    drill.child.kill('SIGINT');
    await waitFor(
      'the stopping notice',
      () => /dr: SIGINT: stopping the drill/.test(drill.stderr()),
      drill,
      10_000,
    );
    drill.child.kill('SIGINT');
    const code = await exitCode(drill);

    // Then it exits 130 with one line saying where it stopped, what it put back, and where the report is
    assert.equal(code, 130, drill.stderr().slice(-3000));
    assert.match(drill.stderr(), /dr: SIGINT ignored: still putting back what the drill changed/);
    const last = drill.stderr().trim().split('\n').at(-1) ?? '';
    assert.match(
      last,
      new RegExp(
        `^dr: drill interrupted at region-outage: .+ \\(SIGINT\\): .*${primary} answering again \\(outage ended\\).*lease released.*the sandbox runtime this drill started stopped.*; partial report ${report}$`,
      ),
    );
    assert.equal(drill.stdout().includes('Drill passed'), false);
    // And the region answers again: the emulator has no outage
    assert.deepEqual((await listOutages(platform.endpoint)).outages, {});
    // And no process the drill started is left, nor its temp dir
    assert.deepEqual(started.filter(alive), []);
    assert.deepEqual(processesUsing(tmp), []);
    assert.deepEqual(readdirSync(tmp), []);
    // And the lease is released in both replicas, no failover/failback execution is still running
    for (const region of [primary, secondary]) {
      assert.equal(await readLease(clients.dynamodb(region), naming.leaseTable(), LEASE_ID), undefined);
    }
    assert.deepEqual(await runningExecutions(clients, naming, [primary, secondary]), []);
    // And the partial report says where it stopped, in all three files
    const json = JSON.parse(await readFile(join(report, 'report.json'), 'utf8')) as {
      verdict: string;
      interrupted: { signal: string; atStep: string; scenario: string; restored: string[]; left: string[] };
      scenarios: Array<{ name: string; interrupted?: { signal: string; atStep: string } }>;
    };
    assert.equal(json.verdict, 'fail');
    assert.equal(json.interrupted.signal, 'SIGINT');
    assert.equal(json.interrupted.scenario, 'region-outage');
    assert.match(json.interrupted.atStep, /^region-outage: /);
    assert.deepEqual(json.scenarios[0]?.interrupted, { signal: 'SIGINT', atStep: json.interrupted.atStep });
    assert.ok(last.includes(json.interrupted.atStep));
    // (a failover that had started was let finish: then the report and the line say to fail back)
    const writer = (
      await clients.ssm(secondary).getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true })
    ).Parameter?.Value;
    if (writer === secondary) assert.match(last, /run `dr failback --sandbox --yes`/);
    const md = await readFile(join(report, 'report.md'), 'utf8');
    assert.ok(md.includes(`**Partial report: interrupted (SIGINT) at ${json.interrupted.atStep}**`));
    assert.match(
      await readFile(join(report, 'report.html'), 'utf8'),
      /id="interrupted" data-signal="SIGINT"/,
    );
  });

  it('SIGTERM while the planned switchover runs, under --json: the switchover finishes, the INTERRUPTED error object, exit 130, nothing left', async () => {
    // Given a planned drill under --json
    const { tmp, report } = dirsFor('planned');
    const switchoverStarted = await newFailoverExecution();
    const drill = startDrill(
      ['--sandbox', '--yes', '--json', '--scenario', 'planned', '--report', report],
      platform.dir,
      {
        TMPDIR: tmp,
      },
    );
    // When the switchover's first execution (the demote in the primary) has started
    await waitFor('the switchover execution', switchoverStarted, drill);
    const started = descendants(drill.child.pid ?? 0);
    assert.ok(started.length > 0);
    // and SIGTERM arrives (a runbook's timeout)
    drill.child.kill('SIGTERM');
    const code = await exitCode(drill);

    // Then stdout is the error object of the contract, and the exit code 130
    assert.equal(code, 130, drill.stderr().slice(-3000));
    const out = JSON.parse(drill.stdout()) as {
      error: {
        code: string;
        exitCode: number;
        message: string;
        interrupted: { signal: string; atStep: string; restored: string[]; left: string[] };
        files: { dir: string; json: string };
      };
    };
    assert.equal(out.error.code, 'INTERRUPTED');
    assert.equal(out.error.exitCode, 130);
    assert.match(
      out.error.message,
      /^drill interrupted at planned: .+ \(SIGTERM\): .*lease released.*; partial report /,
    );
    assert.equal(out.error.interrupted.signal, 'SIGTERM');
    assert.match(out.error.interrupted.atStep, /^planned: /);
    // And the switchover in flight was let finish, not cut: nothing runs, the platform is
    // in one piece (failed over, with the way back in the message) or back
    assert.deepEqual(await runningExecutions(clients, naming, [primary, secondary]), []);
    const active = (
      await clients.ssm(secondary).getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true })
    ).Parameter?.Value;
    if (active === secondary) assert.match(out.error.message, /run `dr failback --sandbox --yes`/);
    // And nothing of the drill is left
    assert.deepEqual(started.filter(alive), []);
    assert.deepEqual(readdirSync(tmp), []);
    for (const region of [primary, secondary]) {
      assert.equal(await readLease(clients.dynamodb(region), naming.leaseTable(), LEASE_ID), undefined);
    }
    // And the partial report is where the error object says
    assert.ok(existsSync(out.error.files.json));
    const json = JSON.parse(await readFile(out.error.files.json, 'utf8')) as {
      interrupted: { atStep: string };
    };
    assert.equal(json.interrupted.atStep, out.error.interrupted.atStep);
  });

  it('SIGKILL during the planned switchover, then the same command again: it puts back what the killed drill left (its runtime and PostgreSQL, auto-failover, the failover) and drills', async () => {
    const autoName = naming.ssmShared('auto-failover');
    const autoBefore = (await clients.ssm(secondary).getParameter({ Name: autoName, WithDecryption: true }))
      .Parameter?.Value;
    const switchoverStarted = await newFailoverExecution();
    // Given a planned drill killed (SIGKILL: nothing can be put back) once its switchover started
    const { tmp, report } = dirsFor('killed');
    const args = ['--sandbox', '--yes', '--scenario', 'planned', '--report', report];
    const killed = startDrill(args, platform.dir, { TMPDIR: tmp, DR_OPERATOR: 'erin' });
    await waitFor('the switchover execution', switchoverStarted, killed);
    const leftRunning = descendants(killed.child.pid ?? 0);
    killed.child.kill('SIGKILL');
    await exitCode(killed);
    assert.ok(leftRunning.some(alive), 'the killed drill left its runtime and PostgreSQL running');

    // When erin runs the same command again
    const again = startDrill(args, platform.dir, { TMPDIR: tmp, DR_OPERATOR: 'erin' });
    const code = await exitCode(again, 240_000);

    // Then it put back what the killed drill left, then drilled: exit 0
    assert.equal(code, 0, again.stderr().slice(-3000));
    assert.match(again.stderr(), /erin's last drill stopped without finishing/);
    assert.match(again.stderr(), /Taking over the sandbox runtime a killed drill left running/);
    assert.deepEqual(leftRunning.filter(alive), [], "the killed drill's runtime and PostgreSQL are gone");
    assert.deepEqual(readdirSync(tmp), []);
    // And the platform is as designed: the primary writes, consumes and is named by SSM in both regions
    const state = await Promise.all(
      [primary, secondary].map(async (r) => ({
        active: (await clients.ssm(r).getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true }))
          .Parameter?.Value,
        auto: (await clients.ssm(r).getParameter({ Name: autoName, WithDecryption: true })).Parameter?.Value,
      })),
    );
    assert.deepEqual(
      state.map((s) => s.active),
      [primary, primary],
    );
    // And auto-failover is back to what it was before the killed drill switched it on, still
    // under the platform's regional key (an overwrite without KeyId re-keys it to aws/ssm)
    assert.deepEqual(
      state.map((s) => s.auto),
      [autoBefore, autoBefore],
    );
    for (const region of [primary, secondary]) {
      const ssm = testClient(SSMClient, region, { endpoint: platform.endpoint });
      const described = await ssm.send(
        new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [autoName] }] }),
      );
      assert.equal(described.Parameters?.[0]?.KeyId, naming.kmsAlias(region), region);
    }
    for (const region of [primary, secondary]) {
      assert.equal(await readLease(clients.dynamodb(region), naming.leaseTable(), LEASE_ID), undefined);
    }
    assert.deepEqual((await listOutages(platform.endpoint)).outages, {});
  });
});
