/**
 * `dr deploy` with a hosted zone it creates, as a runbook runs it: the built CLI as a
 * process, the fake-terraform STAND-IN (its zone stack answering `output -json` with the
 * zone's name servers), a real DNS server over UDP on loopback as the public resolver
 * (`--dns-resolver`), and the deployed sandbox (DR_ENDPOINT) for the verify-sync gate.
 *
 * Not delegated: the run stops after the zone stack, before the global stack, prints the
 * NS records to add, exit 3 (outcome awaiting-delegation); once the parent delegates,
 * the next run continues and deploys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeployResult } from '../../src/core/deploy/deploy.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { input, naming } from './canary-config.js';
import { startDnsServer, type DnsServer } from '../fixtures/dns-server.js';
import { readCalls, subcommandsByStack } from '../fixtures/fake-terraform.js';
import { useDeployWorkspace } from './deploy-workspace.js';

const { endpoint } = useDeployedPlatform();
const [P, S, Z, G] = [
  naming.stack('primary'),
  naming.stack('secondary'),
  naming.stack('zone'),
  naming.stack('global'),
];
const ZONE_NS = [
  'ns-0.awsdns-00.com',
  'ns-1024.awsdns-00.org',
  'ns-1536.awsdns-00.co.uk',
  'ns-512.awsdns-00.net',
];

let dns: DnsServer;
const ws = useDeployWorkspace({ name: 'deploy-delegation', endpoint, input, naming });
before(async () => {
  dns = await startDnsServer({ kind: 'nxdomain' });
});
after(() => dns.close());

/** The CLI checking the delegation through the test's DNS server; the stand-in's zone stack knows its name servers. */
const dr = (args: string[]) =>
  ws.run(['deploy', '--yes', '--terraform-bin', ws.bin, '--dns-resolver', dns.address, ...args], {
    FAKE_TERRAFORM_OUTPUTS: JSON.stringify({
      [Z]: { domain: 'trading.example.com', zone_id: 'Z0TEST', name_servers: ZONE_NS },
    }),
  });

describe('dr deploy with a new hosted zone: waits for the parent’s delegation (CLI, stand-in terraform, DNS on loopback)', () => {
  it('not delegated: stops before the global stack with the NS records to add, exit 3; the next run, once delegated, deploys', async () => {
    // Given the parent does not delegate the domain yet
    dns.behaviour = { kind: 'nxdomain' };
    // When deployed
    const out = await dr([]);

    // Then exit 3 (a check the operator makes pass), never "deployed"
    assert.equal(out.code, 3, out.stderr);
    assert.doesNotMatch(out.stdout + out.stderr, /\bdeployed\b/i);
    // ...the regions and the zone applied, the global stack never ran, no gate
    const by = subcommandsByStack(readCalls(ws.record));
    assert.deepEqual(by[P], ['init', 'plan', 'apply']);
    assert.deepEqual(by[S], ['init', 'plan', 'apply']);
    assert.deepEqual(by[Z], ['init', 'plan', 'apply', 'output']);
    assert.equal(by[G], undefined);
    assert.doesNotMatch(out.stdout, /verify-sync/);
    // ...stdout names the four NS records to add at the parent, and that the next run continues
    for (const ns of ZONE_NS)
      assert.match(out.stdout, new RegExp(`trading\\.example\\.com\\.  NS  ${ns.replaceAll('.', '\\.')}\\.`));
    assert.match(out.stdout, /at the parent zone \(example\.com\)/);
    assert.match(out.stdout, /run `dr deploy` again/);
    // ...and one error line on stderr saying what is awaited and what did not run
    const line = out.stderr.trim().split('\n').at(-1) ?? '';
    assert.match(line, /^dr: waiting for DNS delegation: trading\.example\.com is not delegated/);
    assert.match(line, new RegExp(`not run: ${G}`));

    // Given still not delegated / When deployed with --json
    const json = await dr(['--json']);
    // Then the same exit code, and the outcome and the records in the JSON (nothing else on stdout)
    assert.equal(json.code, 3, json.stderr);
    const result = JSON.parse(json.stdout) as DeployResult;
    assert.equal(result.outcome, 'awaiting-delegation');
    assert.equal(result.ok, false);
    assert.equal(result.delegation?.status, 'not-delegated');
    assert.ok(result.delegation && 'nameServers' in result.delegation);
    assert.deepEqual(result.delegation.nameServers, ZONE_NS);
    assert.deepEqual(result.delegation.resolvers, [dns.address]);
    assert.equal(result.delegation.zoneStack, Z);
    assert.equal(result.stacks.find((s) => s.name === G)?.status, 'not-run');

    // Given the parent now delegates to the zone / When deployed again
    dns.behaviour = { kind: 'answer', nameServers: ZONE_NS };
    const resumed = await dr([]);
    // Then it continues: the global stack applied, the gate passed, "Deployed"
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /Deployed: 4 stacks applied, verify-sync passed/);
    assert.deepEqual(subcommandsByStack(readCalls(ws.record))[G], ['init', 'plan', 'apply']);
    assert.match(resumed.stderr, /trading\.example\.com delegated to ns-0\.awsdns-00\.com/);
  });

  it('--delegation-timeout keeps checking: a delegation that appears meanwhile lets the same run deploy', async () => {
    // Given a parent that delegates a moment after the first check
    dns.behaviour = { kind: 'nxdomain' };
    const asked = dns.queries.length;
    const flip = setInterval(() => {
      if (dns.queries.length > asked) dns.behaviour = { kind: 'answer', nameServers: ZONE_NS };
    }, 50);
    try {
      // When deployed with a bounded wait
      const out = await dr(['--json', '--delegation-timeout', '60']);
      // Then one run: delegated after more than one check, deployed
      assert.equal(out.code, 0, out.stderr);
      const result = JSON.parse(out.stdout) as DeployResult;
      assert.equal(result.outcome, 'deployed');
      assert.equal(result.delegation?.status, 'delegated');
      assert.ok(result.delegation && 'checks' in result.delegation && (result.delegation.checks ?? 0) >= 2);
    } finally {
      clearInterval(flip);
    }
  });
});
