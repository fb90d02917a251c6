/**
 * dr drill as a process (the built CLI), the way a runbook runs it: the confirmation
 * contract, --dry-run, the AWS path's refusals and --restore-outage, and one full sandbox drill (both
 * scenarios) in the run's deployed sandbox (the synthesized stacks applied by Terraform) that starts
 * PostgreSQL itself, writes the report, and stops what it started.
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { processesUsing } from '../harness/processes.js';
import { deployedSandbox } from '../sandbox/deployed.js';
import { drillFailure } from './drill-failure.js';

/** Processes with a file (or their working directory) under `dir`: what a drill left running. */
describe('dr drill (CLI)', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'dr-drill-cli-'));
    await copyFile(join(REPO_ROOT, 'dr.config.json'), join(cwd, 'dr.config.json'));
  });
  after(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('refuses without a terminal and without --yes: exit 2, one line, nothing started', async () => {
    const result = await runCli(['drill', '--sandbox'], { cwd });
    assert.equal(result.code, 2);
    assert.match(
      result.stderr.trim(),
      /^dr: refusing to start \(drill .*\) without a terminal to confirm on: pass --yes$/,
    );
    assert.equal(existsSync(join(cwd, '.dr')), false);
  });

  it('on AWS, refuses to start while an earlier drill outage is not undone: exit 2, one line, nothing called', async () => {
    // Given the undo record a killed drill left behind
    const dir = await mkdtemp(join(tmpdir(), 'dr-drill-undo-'));
    try {
      await copyFile(join(REPO_ROOT, 'dr.config.json'), join(dir, 'dr.config.json'));
      mkdirSync(join(dir, '.dr'));
      const undo = {
        kind: 'dr-drill-outage',
        region: 'us-east-1',
        restApiId: 'abc123',
        stageName: 'prod',
        throttle: { rateLimit: 500, burstLimit: 1000 },
        functionName: 'trading-prod-use1-trade-processor',
        reservedConcurrency: null,
        injectedAt: '2026-11-25T10:00:00.000Z',
      };
      await writeFile(join(dir, '.dr', 'drill-outage.json'), JSON.stringify(undo));
      // When a drill on AWS is started (an unreachable endpoint: any AWS call would fail with exit 5)
      const result = await runCli(['drill', '--yes'], {
        cwd: dir,
        env: { DR_ENDPOINT: 'http://127.0.0.1:9' },
      });
      // Then it refuses before calling anything, naming the way out
      assert.equal(result.code, 2, result.stderr);
      assert.equal(
        result.stderr.trim(),
        "dr: an earlier drill's outage of us-east-1 (2026-11-25T10:00:00.000Z) was never undone: run `dr drill --restore-outage` first",
      );
      // And --restore-outage with the sandbox flag is a usage error too
      const sandbox = await runCli(['drill', '--restore-outage', '--sandbox'], { cwd: dir });
      assert.equal(sandbox.code, 2);
      assert.match(sandbox.stderr, /--restore-outage is for drills on AWS/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--restore-outage without an undo record says so and calls nothing: exit 0', async () => {
    const result = await runCli(['drill', '--restore-outage', '--json'], {
      cwd,
      env: { DR_ENDPOINT: 'http://127.0.0.1:9' },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { kind: 'outage-restored', region: null });
  });

  it('--dry-run prints the plan and starts nothing', async () => {
    const result = await runCli(['drill', '--sandbox', '--dry-run'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /planned switchover: .*Promote/);
    assert.match(result.stdout, /watchdog in us-east-2 fires the unplanned failover/);
    assert.equal(existsSync(join(cwd, '.dr')), false);
  });

  it('runs both scenarios in the deployed sandbox, writes the report, exits 0, and stops what it started', async () => {
    // Given the sandbox this run deployed from the synthesized stacks (test/sandbox/deployed.ts),
    // and a temporary directory of the drill's own (PostgreSQL's data goes there)
    const sandbox = deployedSandbox();
    const tmp = join(cwd, 'tmp');
    mkdirSync(tmp);
    // (PostgreSQL runs as the `postgres` user when the tests run as root: it must reach its data)
    chmodSync(cwd, 0o755);
    chmodSync(tmp, 0o755);
    const report = join(cwd, 'out');
    // When the drill runs end to end
    const result = await runCli(['drill', '--sandbox', '--yes', '--json', '--report', report], {
      cwd: sandbox.dir,
      env: { TMPDIR: tmp },
      timeoutMs: 170_000,
    });
    // Then --json is the result and nothing else, every objective passed
    assert.equal(result.code, 0, drillFailure(result));
    const out = JSON.parse(result.stdout) as {
      kind: string;
      startedSandbox: boolean;
      report: {
        verdict: string;
        environment: { principal?: string };
        scenarios: Array<{ name: string; verdict: string; orders: { processed: number } }>;
      };
      files: { json: string; html: string; markdown: string };
    };
    assert.equal(out.kind, 'done');
    assert.equal(out.startedSandbox, false);
    assert.equal(out.report.verdict, 'pass');
    assert.deepEqual(
      out.report.scenarios.map((s) => [s.name, s.verdict]),
      [
        ['planned', 'pass'],
        ['region-outage', 'pass'],
      ],
    );
    // And it ran as the deployed DR operator role (assumed: the sandbox enforces that role's
    // policies), which the report names, in the Markdown too
    assert.match(
      out.report.environment.principal ?? '',
      /^arn:aws:sts::\d{12}:assumed-role\/trading-prod-operator\/dr-/,
    );
    // And the three files are in --report, the JSON one equal to what was printed
    assert.equal(out.files.json, join(report, 'report.json'));
    assert.deepEqual(JSON.parse(await readFile(out.files.json, 'utf8')), out.report);
    const markdown = await readFile(out.files.markdown, 'utf8');
    assert.match(markdown, /^# DR drill: ✅ PASS/);
    assert.ok(markdown.includes(out.report.environment.principal ?? '?'), 'the Markdown names the role');
    assert.match(await readFile(out.files.html, 'utf8'), /<svg class="timeline"/);
    // And the PostgreSQL it started is gone; the sandbox it found is still running
    assert.deepEqual(processesUsing(tmp), []);
    assert.ok(existsSync(join(sandbox.dir, '.dr', 'sandbox.json')));
  });
});
