/**
 * The parent domain's delegation to a hosted zone the platform creates: the check itself
 * against a real DNS server over UDP on loopback (test/fixtures/dns-server.ts), and the
 * wave runner stopping before the stacks that need the delegation (the fake-terraform
 * STAND-IN, answering the zone stack's outputs) and continuing on the next run.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  checkDelegation,
  delegationMessage,
  waitForDelegation,
} from '../../../src/core/deploy/delegation.js';
import { deploy, type DeployOptions } from '../../../src/core/deploy/deploy.js';
import { terraformEnv } from '../../../src/core/deploy/terraform.js';
import type { VerifySyncResult } from '../../../src/core/verify-sync.js';
import { startDnsServer, type DnsServer } from '../../fixtures/dns-server.js';
import { installFakeTerraform, readCalls, subcommandsByStack } from '../../fixtures/fake-terraform.js';

const DOMAIN = 'trading.example.com';
const ZONE_NS = [
  'ns-1536.awsdns-00.co.uk',
  'ns-0.awsdns-00.com',
  'ns-1024.awsdns-00.org',
  'ns-512.awsdns-00.net',
];

let dns: DnsServer;
let root = '';
before(async () => {
  dns = await startDnsServer({ kind: 'nxdomain' });
  root = mkdtempSync(join(tmpdir(), 'dr-delegation-'));
});
after(async () => {
  await dns.close();
  rmSync(root, { recursive: true, force: true });
});

const check = () =>
  checkDelegation({ domain: DOMAIN, nameServers: ZONE_NS, resolvers: [dns.address], queryTimeoutMs: 500 });

/** Every name server of the zone, as a line of the message. */
function assertNamesRecordsToAdd(message: string) {
  for (const ns of ZONE_NS) assert.ok(message.includes(`${DOMAIN}.  NS  ${ns}.`), `${ns} in:\n${message}`);
  assert.match(message, /at the parent zone \(example\.com\)/);
  assert.match(message, /run `dr deploy` again/);
}

describe('checkDelegation: NS of the domain through a DNS server, against the zone’s name servers', () => {
  it('delegated: the server answers exactly the zone’s name servers (any case, trailing dots)', async () => {
    // Given a server answering the zone's four name servers, in upper case and another order
    dns.behaviour = { kind: 'answer', nameServers: [...ZONE_NS].reverse().map((n) => `${n.toUpperCase()}.`) };
    // When checked
    const result = await check();
    // Then delegated, nothing missing, asked through that server for the domain
    assert.equal(result.status, 'delegated');
    assert.deepEqual(result.missing, []);
    assert.deepEqual(result.extra, []);
    assert.deepEqual(result.found, [...ZONE_NS].sort());
    assert.deepEqual(result.resolvers, [dns.address]);
    assert.equal(dns.queries.at(-1)?.toLowerCase(), DOMAIN);
  });

  it('not delegated: the parent still names other name servers; the message names the four to add', async () => {
    // Given the parent delegating to an old zone's name servers (one of them shared)
    dns.behaviour = { kind: 'answer', nameServers: ['ns-9.awsdns-09.com', ZONE_NS[0] as string] };
    // When checked
    const result = await check();
    // Then not delegated, with what is missing and what is not the zone's
    assert.equal(result.status, 'not-delegated');
    assert.deepEqual(result.extra, ['ns-9.awsdns-09.com']);
    assert.deepEqual(result.missing, ZONE_NS.slice(1).sort());
    const message = delegationMessage(result);
    assertNamesRecordsToAdd(message);
    assert.match(message, /not the zone's: ns-9\.awsdns-09\.com/);
  });

  it('not delegated: no such name at the parent (NXDOMAIN)', async () => {
    // Given the parent has no delegation for the domain
    dns.behaviour = { kind: 'nxdomain' };
    // When checked
    const result = await check();
    // Then not delegated, nothing found, and the message says so and names the records
    assert.equal(result.status, 'not-delegated');
    assert.deepEqual(result.found, []);
    assert.equal(result.error, 'ENOTFOUND');
    const message = delegationMessage(result);
    assertNamesRecordsToAdd(message);
    assert.match(message, /no NS records for trading\.example\.com/);
  });

  it('no answer: the server stays silent; the check ends at its timeout and says nobody answered', async () => {
    // Given a server that never answers
    dns.behaviour = { kind: 'silent' };
    // When checked with a 500 ms query timeout
    const started = Date.now();
    const result = await check();
    // Then no-answer (a timeout), bounded, and still the records to add
    assert.equal(result.status, 'no-answer');
    assert.equal(result.error, 'ETIMEOUT');
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    const message = delegationMessage(result);
    assertNamesRecordsToAdd(message);
    assert.match(message, new RegExp(`no answer from ${dns.address.replace('.', '\\.')}`));
  });

  it('waitForDelegation keeps checking until delegated, within its timeout', async () => {
    // Given a parent that delegates after the first check
    dns.behaviour = { kind: 'nxdomain' };
    const pending: number[] = [];
    // When waiting (sleep stands in for the interval: the delegation appears meanwhile)
    const result = await waitForDelegation({
      domain: DOMAIN,
      nameServers: ZONE_NS,
      resolvers: [dns.address],
      queryTimeoutMs: 500,
      timeoutMs: 60_000,
      intervalMs: 10,
      onPending: (_c, left) => pending.push(left),
      sleep: async () => {
        dns.behaviour = { kind: 'answer', nameServers: ZONE_NS };
      },
    });
    // Then delegated on the second check, after one pending report
    assert.equal(result.status, 'delegated');
    assert.equal(result.checks, 2);
    assert.equal(pending.length, 1);
  });

  it('waitForDelegation gives up at its timeout with the last answer; 0 checks once', async () => {
    dns.behaviour = { kind: 'nxdomain' };
    const once = await waitForDelegation({
      domain: DOMAIN,
      nameServers: ZONE_NS,
      resolvers: [dns.address],
      queryTimeoutMs: 500,
      timeoutMs: 0,
    });
    assert.equal(once.status, 'not-delegated');
    assert.equal(once.checks, 1);
    const bounded = await waitForDelegation({
      domain: DOMAIN,
      nameServers: ZONE_NS,
      resolvers: [dns.address],
      queryTimeoutMs: 500,
      timeoutMs: 300,
      intervalMs: 50,
    });
    assert.equal(bounded.status, 'not-delegated');
    assert.ok(bounded.checks >= 2, `${bounded.checks} checks`);
    assert.ok(bounded.waitedMs >= 300 && bounded.waitedMs < 3000, `${bounded.waitedMs} ms`);
  });
});

describe('deploy: the stacks that need the zone delegated wait for it', () => {
  const [P, S, Z, G] = ['app-prod-primary', 'app-prod-secondary', 'app-prod-zone', 'app-prod-global'];
  const GATE: VerifySyncResult = {
    ok: true,
    checks: [],
    passed: 0,
    failed: 0,
    ms: 0,
  } as unknown as VerifySyncResult;

  const options = (run: string, record: string, bin: string): DeployOptions => {
    const dir = join(root, run);
    const stacks = [
      { name: P, workingDirectory: join(dir, P), dependencies: [] },
      { name: S, workingDirectory: join(dir, S), dependencies: [] },
      { name: Z, workingDirectory: join(dir, Z), dependencies: [P] },
      { name: G, workingDirectory: join(dir, G), dependencies: [P, S, Z] },
    ];
    for (const s of stacks) mkdirSync(s.workingDirectory, { recursive: true });
    return {
      synth: {
        stacks: stacks.map((st) => ({ ...st, file: '', resourceCount: 1 })),
        deployOrder: [[P, S], [Z], [G]],
      },
      terraform: { path: bin, source: 'flag' },
      logDir: join(dir, 'logs'),
      approve: 'auto',
      migrate: async () => ({ status: 'skipped', reason: 'test', applied: [], alreadyApplied: [], ms: 0 }),
      gate: async () => GATE,
      env: terraformEnv({
        ...process.env,
        FAKE_TERRAFORM_RECORD: record,
        FAKE_TERRAFORM_OUTPUTS: JSON.stringify({
          [Z]: { domain: DOMAIN, name_servers: ZONE_NS, zone_id: 'Z1' },
        }),
      }),
      delegation: {
        zoneStack: Z,
        wait: (zone) =>
          waitForDelegation({ ...zone, resolvers: [dns.address], queryTimeoutMs: 500, timeoutMs: 0 }),
        message: delegationMessage,
      },
    };
  };

  it('not delegated: stops after the zone stack, before the global stack, with the records to add; the next run continues', async () => {
    // Given the stand-in terraform, whose zone stack outputs the zone's name servers, and a parent not delegating yet
    const bin = installFakeTerraform(root, 'tf-delegation');
    const record = join(root, 'calls.jsonl');
    dns.behaviour = { kind: 'nxdomain' };
    // When deployed
    const first = await deploy(options('first', record, bin));
    // Then awaiting-delegation: the regions and the zone applied, the global stack not run
    assert.equal(first.outcome, 'awaiting-delegation');
    assert.equal(first.ok, false);
    assert.deepEqual(Object.fromEntries(first.stacks.map((s) => [s.name, s.status])), {
      [P]: 'applied',
      [S]: 'applied',
      [Z]: 'applied',
      [G]: 'not-run',
    });
    assert.deepEqual(subcommandsByStack(readCalls(record))[G], undefined);
    assert.equal(subcommandsByStack(readCalls(record))[Z]?.at(-1), 'output');
    // ...and the result names the domain, the name servers and what to do
    assert.equal(first.delegation?.status, 'not-delegated');
    assert.ok(first.delegation && 'nameServers' in first.delegation);
    assert.deepEqual(first.delegation.nameServers, [...ZONE_NS].sort());
    assert.ok('message' in first.delegation && first.delegation.message);
    assertNamesRecordsToAdd(first.delegation.message);
    assert.equal(first.migrations, undefined);
    assert.equal(first.gate, undefined);

    // Given the NS records are now at the parent / When deployed again
    dns.behaviour = { kind: 'answer', nameServers: ZONE_NS };
    const second = await deploy(options('second', record, bin));
    // Then deployed: the global stack ran after the check, then the gate
    assert.equal(second.outcome, 'deployed', JSON.stringify(second.delegation));
    assert.equal(second.delegation?.status, 'delegated');
    assert.ok(second.stacks.every((s) => s.status === 'applied'));
  });

  it('skipped (the sandbox): no output is read, no DNS asked, and the result says why', async () => {
    const bin = installFakeTerraform(root, 'tf-skip');
    const record = join(root, 'calls-skip.jsonl');
    const asked = dns.queries.length;
    const base = options('skip', record, bin);
    const result = await deploy({
      ...base,
      delegation: { zoneStack: Z, skip: 'the sandbox has no parent domain' },
    });
    assert.equal(result.outcome, 'deployed');
    assert.deepEqual(result.delegation, {
      status: 'skipped',
      zoneStack: Z,
      reason: 'the sandbox has no parent domain',
    });
    assert.equal(dns.queries.length, asked);
    assert.ok(!readCalls(record).some((c) => c.subcommand === 'output'));
  });

  it('--stack global alone: reads the zone from the zone stack’s deployed state (init, output) before applying', async () => {
    // Given a parent delegating / When only the global stack is deployed
    const bin = installFakeTerraform(root, 'tf-global-only');
    const record = join(root, 'calls-global.jsonl');
    dns.behaviour = { kind: 'answer', nameServers: ZONE_NS };
    const result = await deploy({ ...options('global-only', record, bin), stacks: ['global'] });
    // Then the zone stack only answered init and output; the global stack was applied
    assert.equal(result.outcome, 'deployed');
    const by = subcommandsByStack(readCalls(record));
    assert.deepEqual(by[Z], ['init', 'output']);
    assert.deepEqual(by[G], ['init', 'plan', 'apply']);
  });
});
