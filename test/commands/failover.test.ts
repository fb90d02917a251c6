/**
 * `dr failover` / `dr failback` as a runbook runs them: the built CLI as a process,
 * against the emulator (DR_ENDPOINT), no terminal.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { acquireLease } from '../../src/core/failover/lease.js';
import { LEASE_ID } from '../../src/core/failover/plan.js';
import { configureEmulator, restoreRegion, setOutage } from '../../src/sandbox/emulator.js';
import { CLI, runCli, withEmulatorCredentials } from '../harness/cli.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { configInput, naming, platformState, primary, secondary } from '../core/failover/helpers.js';
import { useEmulatorClients } from '../emulator/use-clients.js';
import { useConfigDir } from '../harness/temp-dir.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);
const tmp = useConfigDir('dr-failover-', configInput);

const dr = (args: string[], env: Record<string, string> = {}) =>
  runCli([...args, '--config', join(tmp.dir, 'dr.config.json')], {
    cwd: tmp.dir,
    env: { DR_ENDPOINT: endpoint, ...env },
    timeoutMs: 60_000,
  });

describe('dr failover / failback (CLI, emulator)', () => {
  it('refuses without a terminal and without --yes: exit 2, one line, nothing read', async () => {
    // Given no terminal (the harness pipes stdin) / When failover runs without --yes
    const out = await dr(['failover', '--to', secondary, '--unplanned'], {
      DR_ENDPOINT: 'http://127.0.0.1:9',
    });

    // Then it refuses before calling AWS (the endpoint is closed), on one line
    assert.equal(out.code, 2, out.stderr);
    assert.equal(out.stderr.trim().split('\n').length, 1);
    assert.match(out.stderr, /pass --yes/);
    assert.equal(out.stdout, '');
  });

  it('--dry-run prints the plan and changes nothing (state compared before and after)', async () => {
    const before = await platformState(clients);

    // When a dry run of each kind runs
    const planned = await dr(['failover', '--to', secondary, '--planned', '--dry-run', '--json']);
    const unplanned = await dr(['failover', '--to', secondary, '--unplanned', '--dry-run']);

    // Then both exit 0, the JSON plan lists the steps, and the platform is as it was
    assert.equal(planned.code, 0, planned.stderr);
    const body = JSON.parse(planned.stdout) as {
      kind: string;
      plan: { steps: Array<{ id: string }>; epoch: number };
    };
    assert.equal(body.kind, 'dry-run');
    assert.equal(body.plan.epoch, 2);
    assert.deepEqual(body.plan.steps.map((s) => s.id).slice(0, 3), [
      'take-lease',
      'fence-old-primary',
      'pre-checks',
    ]);
    assert.equal(unplanned.code, 0, unplanned.stderr);
    assert.match(unplanned.stdout, /Dry run: nothing was changed/);
    assert.deepEqual(await platformState(clients), before);
    const executions = await clients.sfn(secondary).listExecutions({
      stateMachineArn: (
        await clients
          .ssm(secondary)
          .getParameter({ Name: naming.ssmRegional('failover-state-machine-arn'), WithDecryption: true })
      ).Parameter?.Value,
    });
    assert.equal(executions.executions?.length ?? 0, 0);
  });

  it('a second operator is refused with exit 4 naming the holder', async () => {
    // Given alice holds the lease in us-east-2
    await acquireLease({
      ddb: clients.dynamodb(secondary),
      table: naming.leaseTable(),
      id: LEASE_ID,
      holder: 'alice',
      operation: 'failover',
      operationId: 'failover-by-alice',
      ttlSeconds: 600,
    });

    // When bob starts a failover
    const out = await dr(['failover', '--to', secondary, '--unplanned', '--yes'], { DR_OPERATOR: 'bob' });

    // Then exit 4, one line naming alice, and nothing moved
    assert.equal(out.code, 4, out.stderr);
    assert.match(out.stderr, /alice holds the DR lease/);
    const state = await platformState(clients);
    assert.equal(state.writer, primary);
    assert.equal(state.leaseHolder, 'alice');
  });

  it('an injected step failure (a mapping UUID that is not the trade processor’s: IAM refuses the update) fails, releases the lease and says so: exit 1', async () => {
    // Given the target's event source mapping UUID in SSM points nowhere
    await clients.ssm(secondary).putParameter({
      Name: naming.ssmRegional('event-source-mapping-uuid'),
      Value: '00000000-0000-0000-0000-000000000000',
      Type: 'SecureString',
      Overwrite: true,
    });

    // When an unplanned failover runs
    const out = await dr(['failover', '--to', secondary, '--unplanned', '--yes'], { DR_OPERATOR: 'carol' });

    // Then it fails where it enables that mapping: the machine's role may update only the trade
    // processor's mappings (lambda:FunctionArn), as on AWS; one error line, the lease free again
    assert.equal(out.code, 1, out.stderr);
    assert.equal(out.stderr.split('\n').filter((l) => l.startsWith('dr: ')).length, 1);
    assert.match(
      out.stderr,
      /failed at step enable-new-primary: .*not authorized to perform: lambda:UpdateEventSourceMapping/,
    );
    assert.match(out.stderr, /lease was released/);
    // And it names the state it left (read back) and the command that completes it
    assert.match(
      out.stderr,
      /left: us-east-2 not consuming, naming us-east-2 at epoch \d+; writer us-east-2/,
    );
    assert.match(out.stderr, /run `dr failover --to us-east-2 --unplanned --yes` to complete it/);
    assert.equal((await platformState(clients, [secondary])).leaseHolder, undefined);
  });

  it('an unplanned failover while us-east-1 is down prints what it lost — not known yet, why, and when it can be read — and exits 0', async () => {
    // Given us-east-1 dark
    await setOutage(endpoint, primary, 'refuse');

    // When the runbook fails over to us-east-2 (text)
    const text = await dr(['failover', '--to', secondary, '--unplanned', '--yes'], { DR_OPERATOR: 'erin' });

    // Then it succeeded (exit 0: a loss is information), and the text says what is known of the loss
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /failover to us-east-2 succeeded/);
    assert.match(
      text.stdout,
      /^Data loss \(unplanned: writes us-east-1 made after its last replicated point\)$/m,
    );
    assert.match(text.stdout, /^ {2}lag at the cut {3}/m);
    assert.match(text.stdout, /^ {2}last replicated {2}/m);
    assert.match(
      text.stdout,
      /^ {2}lost orders {6}not known yet: us-east-1 does not answer \(.*\): .*can be read once us-east-1 answers, until Aurora re-syncs it, and after that from the snapshot Aurora takes of it first$/m,
    );

    // When us-east-1 answers again and the same command is run once more
    await restoreRegion(endpoint, primary);
    const again = await dr(['failover', '--to', secondary, '--unplanned', '--yes'], { DR_OPERATOR: 'erin' });

    // Then nothing runs again (exit 0), and it prints what that failover lost, read from us-east-1 now
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^us-east-2 is already the active region/m);
    assert.match(
      again.stdout,
      /^Data loss \(unplanned: writes us-east-1 made after its last replicated point\)$/m,
    );
    assert.match(again.stdout, /^ {2}lost orders {6}(none|\d+)/m);
  });

  it('--json: the unplanned result carries dataLoss (lag at the cut, last replicated point, lost orders or why not known); exit 0', async () => {
    // Given us-east-1 dark
    await setOutage(endpoint, primary, 'refuse');

    // When the runbook fails over with --json
    const out = await dr(['failover', '--to', secondary, '--unplanned', '--yes', '--json'], {
      DR_OPERATOR: 'erin',
    });

    // Then stdout is the result alone, and its dataLoss says the orders are not known yet, and why
    assert.equal(out.code, 0, out.stderr);
    const body = JSON.parse(out.stdout) as {
      kind: string;
      result: {
        outcome: string;
        dataLoss: {
          mode: string;
          from: string;
          to: string;
          cutAt: string;
          lagAtCutMs: number | null;
          lastReplicated: unknown;
          lost: { known: boolean; reason: string; orders: unknown[]; truncated: boolean };
          lossWindowMs: number | null;
        };
      };
    };
    assert.equal(body.kind, 'done');
    assert.equal(body.result.outcome, 'succeeded');
    const loss = body.result.dataLoss;
    assert.deepEqual([loss.mode, loss.from, loss.to], ['unplanned', primary, secondary]);
    assert.ok(Date.parse(loss.cutAt) <= Date.now());
    assert.ok(loss.lagAtCutMs === null || typeof loss.lagAtCutMs === 'number');
    assert.ok('lastReplicated' in loss);
    assert.deepEqual(
      [loss.lost.known, loss.lost.orders, loss.lost.truncated, loss.lossWindowMs],
      [false, [], false, null],
    );
    assert.match(loss.lost.reason, /^us-east-1 does not answer \(/);
  });

  it('killed mid-run and started again, it re-attaches to the running execution and completes', async () => {
    // Given a slow promotion (4 s), and a CLI killed while the execution runs
    await configureEmulator(endpoint, { switchoverSeconds: 4 });
    const child = spawn(
      process.execPath,
      [
        CLI,
        'failover',
        '--to',
        secondary,
        '--unplanned',
        '--yes',
        '--config',
        join(tmp.dir, 'dr.config.json'),
      ],
      {
        cwd: tmp.dir,
        env: withEmulatorCredentials({
          ...process.env,
          DR_ENDPOINT: endpoint,
          DR_OPERATOR: 'dave',
          CI: 'true',
        }),
        stdio: 'ignore',
      },
    );
    const machine = (
      await clients
        .ssm(secondary)
        .getParameter({ Name: naming.ssmRegional('failover-state-machine-arn'), WithDecryption: true })
    ).Parameter?.Value;
    const deadline = Date.now() + 20_000;
    let running = 0;
    while (Date.now() < deadline && running === 0) {
      await new Promise((r) => setTimeout(r, 200));
      running =
        (await clients.sfn(secondary).listExecutions({ stateMachineArn: machine, statusFilter: 'RUNNING' }))
          .executions?.length ?? 0;
    }
    assert.equal(running, 1, 'the execution should be running');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // When the command is started again
    const out = await dr(['failover', '--to', secondary, '--unplanned', '--yes', '--json'], {
      DR_OPERATOR: 'dave',
    });

    // Then it re-attached to that execution (no second one) and the failover completed
    assert.equal(out.code, 0, out.stderr);
    const body = JSON.parse(out.stdout) as {
      result: {
        reattached: boolean;
        outcome: string;
        dataLoss?: { mode: string; from: string; to: string; cutAt: string; lost: { known: boolean } };
      };
    };
    assert.equal(body.result.reattached, true);
    assert.equal(body.result.outcome, 'succeeded');
    // And the re-attached run says what the failover lost, as a first run does
    assert.deepEqual(
      [body.result.dataLoss?.mode, body.result.dataLoss?.from, body.result.dataLoss?.to],
      ['unplanned', primary, secondary],
    );
    assert.ok(Date.parse(body.result.dataLoss?.cutAt ?? '') <= Date.now());
    assert.equal(typeof body.result.dataLoss?.lost.known, 'boolean');
    const all = await clients.sfn(secondary).listExecutions({ stateMachineArn: machine });
    assert.equal(all.executions?.length, 1);
    const state = await platformState(clients);
    assert.equal(state.writer, secondary);
    assert.equal(state.regions[secondary]?.mappingEnabled, true);
  });
});
