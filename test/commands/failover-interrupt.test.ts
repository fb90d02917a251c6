/**
 * Issue 13 parts 1, 3 and 10: a CLI killed at any step boundary of a planned failover,
 * run again with the same command, finishes the operation; the same identity running it
 * twice at once never promotes twice; a lease whose process is gone is taken over only
 * by its holder's re-run or explicitly; a re-run of a finished operation exits 0. The
 * built CLI as a process, against the deployed sandbox; kills land on the CLI's own
 * progress lines (conditions, not sleeps).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { Naming } from '../../src/contract/naming.js';
import { LEASE_ID } from '../../src/core/failover/plan.js';
import { configureEmulator, restoreRegion, setOutage } from '../../src/sandbox/emulator.js';
import { CLI, runCli, withEmulatorCredentials } from '../harness/cli.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { rootCredentialsFor } from '../emulator/credentials.js';
import { configInput, naming, platformState, primary, secondary } from '../core/failover/helpers.js';
import { useEmulatorClients } from '../emulator/use-clients.js';
import { useConfigDir } from '../harness/temp-dir.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);
const tmp = useConfigDir('dr-failover-kill-', configInput);
const configFile = () => join(tmp.dir, 'dr.config.json');

const FAILOVER = ['failover', '--to', secondary, '--planned', '--yes'];

const dr = (args: string[], operator = 'carol') =>
  runCli([...args, '--config', configFile()], {
    cwd: tmp.dir,
    env: { DR_ENDPOINT: endpoint, DR_OPERATOR: operator },
    timeoutMs: 90_000,
  });

interface Started {
  readonly child: ChildProcess;
  /** Resolves when a stderr line matches (rejects if the CLI ends first). */
  line(pattern: RegExp): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function start(args: string[], operator = 'carol'): Started {
  const child = spawn(process.execPath, [CLI, ...args, '--config', configFile()], {
    cwd: tmp.dir,
    env: withEmulatorCredentials({
      ...process.env,
      DR_ENDPOINT: endpoint,
      DR_OPERATOR: operator,
      CI: 'true',
      NO_COLOR: '1',
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: (l: string) => void }> = [];
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const w of [...waiters]) {
      const hit = stderr.split('\n').find((l) => w.pattern.test(l));
      if (hit) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  void exited.then(() => clearTimeout(killer));
  return {
    child,
    exited,
    line: (pattern) =>
      Promise.race([
        new Promise<string>((resolve) => waiters.push({ pattern, resolve })),
        exited.then(({ code, stderr: err }) => {
          throw new Error(`the CLI ended (exit ${code}) before a line matching ${pattern}:\n${err}`);
        }),
      ]),
  };
}

async function stateMachine(
  region: string,
  operation: 'failover' | 'failback' = 'failover',
): Promise<string> {
  const out = await clients
    .ssm(region)
    .getParameter({ Name: naming.ssmRegional(`${operation}-state-machine-arn`), WithDecryption: true });
  return out.Parameter?.Value ?? '';
}

async function executions(region: string): Promise<Array<{ name: string; status: string }>> {
  const out = await clients.sfn(region).listExecutions({ stateMachineArn: await stateMachine(region) });
  return (out.executions ?? []).map((e) => ({ name: e.name ?? '', status: e.status ?? '' }));
}

/** Exactly one consuming region, `active`, named by SSM in both regions, whose cluster writes; the lease free. */
async function assertServedBy(active: string, context: string): Promise<void> {
  const other = active === primary ? secondary : primary;
  const state = await platformState(clients);
  assert.equal(state.writer, active, `${context}: writer`);
  assert.equal(state.regions[active]?.mappingEnabled, true, `${context}: ${active} consumes`);
  assert.equal(state.regions[other]?.mappingEnabled, false, `${context}: ${other} does not consume`);
  assert.equal(state.regions[primary]?.activeRegion, active, `${context}: SSM in ${primary}`);
  assert.equal(state.regions[secondary]?.activeRegion, active, `${context}: SSM in ${secondary}`);
  assert.equal(state.regions[primary]?.epoch, state.regions[secondary]?.epoch, `${context}: epochs`);
  assert.equal(state.leaseHolder, undefined, `${context}: the lease is free`);
}

/** Failed over to us-east-2 (`assertServedBy`), by one promotion. */
async function assertFailedOver(context: string): Promise<void> {
  await assertServedBy(secondary, context);
  const promotes = (await executions(secondary)).filter((e) => e.name.endsWith('-promote'));
  assert.equal(promotes.length, 1, `${context}: one promotion, got ${JSON.stringify(promotes)}`);
}

/** Kills the CLI (SIGKILL) when `at` shows, then runs the same command again. */
async function killAndRerun(at: RegExp, during?: () => Promise<void>) {
  const run = start(FAILOVER);
  await run.line(at);
  if (during) await during();
  run.child.kill('SIGKILL');
  const ended = await run.exited;
  assert.equal(ended.signal, 'SIGKILL', `killed at ${at}, not ended on its own: ${ended.stderr}`);
  return dr([...FAILOVER, '--json']);
}

/**
 * Runs `args` with the target region holding every request once the lease is taken, so
 * the CLI fences the region being left but its StartExecution of the promote never gets
 * an answer; kills it (SIGKILL) there and brings the target back.
 */
async function killBeforePromote(args: string[], to: string): Promise<void> {
  const from = to === primary ? secondary : primary;
  const run = start(args);
  await run.line(/Lease for carol/);
  await setOutage(endpoint, to, 'hang');
  try {
    await run.line(new RegExp(`Fence the old primary \\(${from}\\)`));
    run.child.kill('SIGKILL');
    await run.exited;
  } finally {
    await restoreRegion(endpoint, to);
  }
}

describe('a planned failover whose CLI is killed, then run again (CLI, deployed sandbox)', () => {
  const boundaries: Array<[string, RegExp]> = [
    ['after the gate, before the lease', /Gate: verify-sync/],
    ['right after the lease was taken', /Lease for carol/],
    ['after the demote', /Fence the old primary \(us-east-1\)/],
    ['while the promote runs', /Pre-checks \(us-east-2\)/],
    ['after the promotion', /Promote \(us-east-2\)/],
    ['after the last step', /Release the lease \(us-east-2\)/],
  ];
  for (const [where, at] of boundaries) {
    it(`killed ${where}: the re-run finishes it`, async () => {
      // Given a slow Aurora switchover (the promote runs for seconds), and a CLI killed at the boundary
      await configureEmulator(endpoint, { switchoverSeconds: 2 });
      // When the same command runs again
      const rerun = await killAndRerun(at);
      // Then it exits 0 and the platform has failed over, once
      assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
      await assertFailedOver(where);
    });
  }

  it('killed between the demote and the promote (us-east-2 holding requests): the re-run promotes', async () => {
    // Given us-east-2 starts holding requests once the lease is taken: the CLI can fence
    // us-east-1 but its StartExecution of the promote never gets an answer
    await killBeforePromote(FAILOVER, secondary);
    // (the stranded state the issue found: nothing consumes, SSM in us-east-1 names us-east-2)
    const stranded = await platformState(clients);
    assert.equal(stranded.regions[primary]?.mappingEnabled, false);
    assert.equal(stranded.regions[secondary]?.mappingEnabled, false);
    assert.equal(stranded.leaseHolder, 'carol');
    assert.equal((await executions(secondary)).length, 0, 'no promote started');

    // When carol runs the same command again
    const rerun = await dr([...FAILOVER, '--json']);

    // Then it goes on from the demote (no second demote, no gate), and the failover completes
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    const body = JSON.parse(rerun.stdout) as {
      kind: string;
      result: { reattached: boolean; outcome: string; lease?: { takenOverFrom?: string } };
    };
    assert.equal(body.result.outcome, 'succeeded');
    assert.equal(body.result.reattached, true);
    assert.equal((await executions(primary)).filter((e) => e.name.endsWith('-demote')).length, 1);
    await assertFailedOver('resumed after the demote');
  });

  it('a failback killed between its demote and its promote: the re-run finishes it', async () => {
    // Given the platform failed over to us-east-2, and a failback whose promote in us-east-1 never gets started
    const over = await dr(FAILOVER);
    assert.equal(over.code, 0, over.stdout + over.stderr);
    await killBeforePromote(['failback', '--yes', '--sync-timeout', '60'], primary);
    // When carol runs the same command again
    const rerun = await dr(['failback', '--yes', '--sync-timeout', '60', '--json']);
    // Then us-east-1 is back: the one consumer, named by SSM in both regions, writing
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    await assertServedBy(primary, 'failback resumed');
  });

  it('SIGINT: exits 130 saying what goes on and how to follow it; the re-run finishes it', async () => {
    // Given a failover interrupted with SIGINT right after its lease
    const run = start(FAILOVER);
    await run.line(/Lease for carol/);
    run.child.kill('SIGINT');
    const ended = await run.exited;
    // Then it ends 130 with one line saying to run the same command again
    assert.equal(ended.code, 130, ended.stderr);
    assert.match(
      ended.stderr,
      /^dr: planned failover to us-east-2 interrupted \(SIGINT\).*run the same command again/m,
    );
    // When the same command runs again, it finishes the operation
    const rerun = await dr([...FAILOVER, '--json']);
    assert.equal(rerun.code, 0, rerun.stdout + rerun.stderr);
    await assertFailedOver('after SIGINT');
  });
});

describe('the lease belongs to an operation (CLI, deployed sandbox)', () => {
  it('the same identity twice at once: one promotion; the other is refused (4) or re-attaches (0)', async () => {
    await configureEmulator(endpoint, { switchoverSeconds: 2 });
    // When carol's runbook fires the same failover twice at once
    const [first, second] = await Promise.all([dr([...FAILOVER, '--json']), dr([...FAILOVER, '--json'])]);
    // Then one of them did it, the other was refused or followed it; never a second promotion
    const codes = [first.code, second.code].sort();
    assert.ok(
      codes[0] === 0 && [0, 4].includes(codes[1] ?? -1),
      `exit codes ${codes}: ${first.stderr}\n${second.stderr}`,
    );
    await assertFailedOver('fired twice');
  });

  it("another operator's lease that nothing runs: refused (4) with how to take it over; --take-over does, recorded", async () => {
    // Given alice's failover lease, from a process on this host that no longer exists, heartbeat 10 min old
    const table = naming.leaseTable();
    const old = Math.floor(Date.now() / 1000) - 600;
    await clients.dynamodb(secondary).putItem({
      TableName: table,
      Item: {
        [Naming.leaseTableKey]: { S: LEASE_ID },
        holder: { S: 'alice' },
        operation: { S: 'failover' },
        operation_id: { S: `failover-${secondary}-20261203T000000Z-abcdef` },
        started_at: { S: new Date(old * 1000).toISOString() },
        [Naming.ttlAttribute]: { N: String(old + 3600) },
        session: { S: `${hostname()}:999999999:dead` },
        heartbeat_at: { N: String(old) },
        target_region: { S: secondary },
        mode: { S: 'planned' },
      },
    });
    // When bob fails over
    const refused = await dr(FAILOVER, 'bob');
    // Then exit 4, naming alice, that nothing runs it, and --take-over
    assert.equal(refused.code, 4, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /alice holds the DR lease .* but nothing runs it: .*--take-over/);
    // When bob takes it over explicitly
    const taken = await dr([...FAILOVER, '--take-over', '--json'], 'bob');
    // Then the failover runs, and the result records whose lease it took
    assert.equal(taken.code, 0, taken.stdout + taken.stderr);
    const body = JSON.parse(taken.stdout) as { result: { lease?: { takenOverFrom?: string } } };
    assert.equal(body.result.lease?.takenOverFrom, 'alice');
    await assertFailedOver('taken over');
  });

  it('a re-run of a finished failover exits 0 saying so (idempotent for runbooks)', async () => {
    const done = await dr(FAILOVER);
    assert.equal(done.code, 0, done.stdout + done.stderr);
    // When the runbook runs it again
    const again = await dr([...FAILOVER, '--json']);
    // Then exit 0, kind "already", nothing started
    assert.equal(again.code, 0, again.stdout + again.stderr);
    const body = JSON.parse(again.stdout) as { kind: string; message: string };
    assert.equal(body.kind, 'already');
    assert.match(body.message, /us-east-2 is already the active region/);
    await assertFailedOver('run twice');
  });
});

describe('a failed step leaves a serving platform (CLI, deployed sandbox)', () => {
  it('a planned failover whose promote fails after the fence rolls back: us-east-1 consumes again; exit 1 naming the state and the command', async () => {
    // Given us-east-2's state machine role denied reading its mapping back (its promote fails
    // at verify), by a condition on a key the permission readiness check's simulation is not
    // given (so the gate passes): a fault only the sandbox's enforcing IAM shows, as AWS would
    const iam = new IAMClient({
      endpoint,
      region: 'us-east-1',
      credentials: { ...rootCredentialsFor(endpoint) },
    });
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: naming.role('dr-state-machines', secondary),
        PolicyName: 'injected-fault',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Action: 'lambda:GetEventSourceMapping',
              Resource: '*',
              Condition: { StringLike: { 'aws:PrincipalArn': '*-dr-state-machines' } },
            },
          ],
        }),
      }),
    );
    iam.destroy();
    // When a planned failover runs
    const out = await dr(FAILOVER);
    // Then it fails (exit 1) on one line that says it rolled back and what to run
    assert.equal(out.code, 1, out.stdout + out.stderr);
    const errors = out.stderr.split('\n').filter((l) => l.startsWith('dr: '));
    assert.equal(errors.length, 1, out.stderr);
    assert.match(
      errors[0] ?? '',
      /failed at step verify: .*rolled back: us-east-1 consumes again .*run `dr failover --to us-east-2 --planned --yes` again/,
    );
    // And exactly one region consumes: us-east-1, named by SSM in both regions, writing
    await assertServedBy(primary, 'rolled back');
  });
});
