/**
 * `dr status` as a process against the deployed sandbox (DR_ENDPOINT; restored as deployed
 * before each test), the way a runbook calls it: the built CLI (run
 * `npx tsc -p tsconfig.build.json` first).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, setOutage } from '../../src/sandbox/emulator.js';
import type { StatusResult } from '../../src/core/status.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { runCli } from '../harness/cli.js';
import { PlatformState } from '../core/status-helpers.js';
import { useConfigDir } from '../harness/temp-dir.js';

const { endpoint, config } = useDeployedPlatform();
const input = { app: 'trading', dns: { domain: 'trading.example.com' } };
/** DNS budget 10 s × 1 + 1 s TTL = 11 s: a test waits for it to pass instead of 50 s. */
const fastDns = {
  ...input,
  dns: { ...input.dns, ttlSeconds: 1, healthCheck: { intervalSeconds: 10, failureThreshold: 1 } },
};
const platform = new PlatformState(endpoint, config);
const tmp = useConfigDir('dr-status-cli-', input, {
  'bad.config.json': JSON.stringify({ ...input, app: 'Not Valid' }),
  'fast-dns.config.json': JSON.stringify(fastDns),
});

const dr = (args: string[], env: Record<string, string> = {}) =>
  runCli(args, { cwd: tmp.dir, env: { DR_ENDPOINT: endpoint, ...env }, timeoutMs: 30_000 });

describe('dr status (CLI)', () => {
  it('--json prints the status object only, exit 0', async () => {
    // Given the deployed platform / When
    const result = await dr(['status', '--json']);
    // Then stdout is the JSON status, nothing else
    assert.equal(result.code, 0, result.stderr);
    const status = JSON.parse(result.stdout) as StatusResult;
    assert.equal(status.active.region, 'us-east-1');
    assert.deepEqual(status.unreachable, []);
    assert.deepEqual(status.unsafe, []);
    assert.ok(status.trace.levels <= 2);
    assert.equal(result.stderr, '');
  });

  const json = async (args: string[] = [], env: Record<string, string> = {}) => {
    const result = await dr(['status', '--json', ...args], env);
    return { result, status: JSON.parse(result.stdout) as StatusResult };
  };
  const codes = (status: StatusResult) => status.unsafe.map((u) => u.code);

  it('no region consuming: exit 3, NO_CONSUMER', async () => {
    // Given both mappings disabled
    await platform.setConsuming('us-east-1', false);
    // When
    const { result, status } = await json();
    // Then
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(codes(status), ['NO_CONSUMER']);
  });

  it('both regions consuming: exit 3, TWO_CONSUMERS', async () => {
    await platform.setConsuming('us-east-2', true);
    const { result, status } = await json();
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(codes(status), ['TWO_CONSUMERS']);
  });

  it('SSM active-region differing between the regions: exit 3, SSM_DISAGREE', async () => {
    await platform.putActiveRegion('us-east-2', 'us-east-2');
    const { result, status } = await json();
    assert.equal(result.code, 3, result.stderr);
    assert.ok(codes(status).includes('SSM_DISAGREE'), JSON.stringify(status.unsafe));
  });

  it('DNS answering a region other than the writer past the budget: exit 3, DNS_NOT_WRITER', async () => {
    // Given DNS answering us-east-2 while us-east-1 holds the writer
    await platform.failPrimaryHealthCheck();
    // And the config's DNS budget (11 s) passed since active-region was last written
    const written = Math.max(
      ...(await Promise.all(
        ['us-east-1', 'us-east-2'].map(async (r) => (await platform.activeRegionWrittenAt(r)).getTime()),
      )),
    );
    const deadline = Date.now() + 20_000;
    while (Date.now() <= written + 12_000 && Date.now() < deadline) await delay(200);
    // When
    const { result, status } = await json(['--config', 'fast-dns.config.json']);
    // Then
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(codes(status), ['DNS_NOT_WRITER']);
    assert.match(status.unsafe[0]?.message ?? '', /budget 11 s/);
  });

  it('a lease held by a dead session: exit 3, LEASE_ORPHANED, and the screen shows it', async () => {
    // Given the lease of a failover whose CLI died on this host
    const { pid } = await platform.putDeadLease('us-east-1');
    // When (JSON)
    const { result, status } = await json();
    // Then
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(codes(status), ['LEASE_ORPHANED']);
    assert.equal(status.operations.lease?.running, false);
    // When (for people)
    const screen = await dr(['status']);
    // Then the unsafe block names it and how to go on, and the lease is shown as not running
    assert.equal(screen.code, 3, screen.stderr);
    assert.match(screen.stdout, /^Unsafe \(1\)$/m);
    assert.match(
      screen.stdout,
      /LEASE_ORPHANED: alice@example.com holds the DR lease .* but nothing runs it/,
    );
    assert.match(
      screen.stdout,
      /repair: as alice@example.com, re-run `dr failover --to us-east-2 --planned` .* `dr failover --to us-east-2 --planned --take-over`/,
    );
    assert.match(
      screen.stdout,
      new RegExp(`held by nothing running: its process \\(pid ${pid} on .*\\) is gone`),
    );
    assert.match(screen.stderr, /^dr: unsafe: LEASE_ORPHANED/m);
  });

  it('an unreachable region wins over an unsafe state (exit 5); what answered is still evaluated', async () => {
    // Given a dead session's lease (in both replicas) and us-east-1 not answering
    await platform.putDeadLease('us-east-2');
    await setOutage(endpoint, 'us-east-1', 'refuse');
    // When
    const { result, status } = await json();
    // Then
    assert.equal(result.code, 5, result.stderr);
    assert.deepEqual(codes(status), ['LEASE_ORPHANED']);
    assert.match(status.unsafe[0]?.message ?? '', /executions in us-east-1 could not be listed/);
  });

  it('renders one screen for people, exit 0', async () => {
    const result = await dr(['status']);
    assert.equal(result.code, 0, result.stderr);
    for (const heading of [
      'Active region',
      'Aurora global cluster',
      'DynamoDB',
      'S3 replication',
      'Alarms in ALARM',
      'Order consumption',
      'Last readiness check',
      'RTO budget',
    ]) {
      assert.match(result.stdout, new RegExp(heading));
    }
    assert.match(result.stdout, /total\s+55 s\s+vs objective 60 s: within \(5 s margin\)/);
  });

  const unreachableCases: Array<[string, () => Promise<Record<string, string>>]> = [
    ['outage switch, refuse', async () => (await setOutage(endpoint, 'us-east-1', 'refuse'), {})],
    ['outage switch, hang', async () => (await setOutage(endpoint, 'us-east-1', 'hang'), {})],
    [
      'endpoint on a closed port',
      async () => ({ DR_ENDPOINT_US_EAST_1: `http://127.0.0.1:${await freePort()}` }),
    ],
  ];
  for (const [how, given] of unreachableCases) {
    it(`us-east-1 unreachable (${how}): answers within 10 s, shows us-east-2, exit 5`, async () => {
      // Given us-east-1 unreachable
      const env = await given();
      // When
      const result = await dr(['status', '--json'], env);
      // Then within 10 s, exit 5, with us-east-2's view and us-east-1 named
      assert.ok(result.ms < 10_000, `took ${result.ms} ms`);
      assert.equal(result.code, 5, result.stderr);
      const status = JSON.parse(result.stdout) as StatusResult;
      assert.deepEqual(
        status.unreachable.map((u) => u.region),
        ['us-east-1'],
      );
      assert.deepEqual(status.active.byRegion[1], {
        region: 'us-east-2',
        activeRegion: 'us-east-1',
        epoch: 1,
      });
      assert.equal(status.aurora.members[1]?.status, 'available');
      assert.equal(status.eventSourceMappings[1]?.consuming, false);
    });
  }

  it('for people, an unreachable region is shown in place and named in one stderr line', async () => {
    await setOutage(endpoint, 'us-east-1', 'refuse');
    const result = await dr(['status']);
    assert.equal(result.code, 5);
    assert.match(result.stdout, /us-east-1: unreachable: us-east-1 did not answer/);
    assert.match(result.stdout, /us-east-2: active-region us-east-1, epoch 1/);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('dr: '));
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^dr: us-east-1 did not answer .*; showing what answered$/);
  });

  const badUsage: Array<[string, string[], Record<string, string>, RegExp]> = [
    [
      '--watch with --json',
      ['status', '--json', '--watch', '5'],
      {},
      /--watch .* cannot be combined with --json/,
    ],
    ['--watch 0', ['status', '--watch', '0'], {}, /watch/],
    ['an unknown flag', ['status', '--bogus'], {}, /bogus/],
    ['a bad config', ['status', '--config', 'bad.config.json'], {}, /app/],
    [
      'a per-region endpoint without DR_ENDPOINT',
      ['status'],
      { DR_ENDPOINT: '', DR_ENDPOINT_US_EAST_1: 'http://127.0.0.1:9' },
      /DR_ENDPOINT/,
    ],
  ];
  for (const [what, args, env, message] of badUsage) {
    it(`${what}: exit 2 with one line`, async () => {
      const result = await dr(args, env);
      assert.equal(result.code, 2, result.stderr);
      if (args.includes('--json')) {
        // Under --json the one line is the error object on stdout.
        const { error } = JSON.parse(result.stdout) as { error: { code: string; message: string } };
        assert.equal(error.code, 'BAD_USAGE');
        assert.match(error.message, message);
        return;
      }
      assert.equal(result.stdout, '');
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', /^dr: /);
      assert.match(lines[0] ?? '', message);
    });
  }
});
