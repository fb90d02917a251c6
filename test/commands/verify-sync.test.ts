/**
 * `dr verify-sync` as a process against the test emulator (DR_ENDPOINT): the exit-code
 * contract and the JSON a runbook parses (built CLI: `npx tsc -p tsconfig.build.json`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setOutage } from '../../src/sandbox/emulator.js';
import type { VerifySyncResult } from '../../src/core/verify-sync.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { input, naming } from './canary-config.js';
import { runCli } from '../harness/cli.js';
import { removeGrant } from '../core/checks/permission-helpers.js';
import { emulatorClients } from '../emulator/credentials.js';
import { useConfigDir } from '../harness/temp-dir.js';

const { endpoint } = useDeployedPlatform();
const tmp = useConfigDir('dr-verify-cli-', input);

/** Seeds; with `lagMs`, also the lag datapoint a healthy secondary publishes. */
async function given(lagMs?: number) {
  const clients = emulatorClients(endpoint, 5000);
  try {
    if (lagMs !== undefined) {
      await clients.cloudwatch('us-east-2').putMetricData({
        Namespace: 'AWS/RDS',
        MetricData: [
          {
            MetricName: 'AuroraGlobalDBReplicationLag',
            Dimensions: [{ Name: 'DBClusterIdentifier', Value: naming.dbCluster('us-east-2') }],
            Value: lagMs,
          },
        ],
      });
    }
  } finally {
    clients.destroy();
  }
}

const dr = (args: string[]) =>
  runCli(args, { cwd: tmp.dir, env: { DR_ENDPOINT: endpoint }, timeoutMs: 60_000 });

describe('dr verify-sync (CLI)', () => {
  it('in sync: exit 0, --json carries every result', async () => {
    await given(100);
    const result = await dr(['verify-sync', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout) as VerifySyncResult;
    assert.equal(out.ok, true);
    assert.equal(out.checks.length, 13);
    assert.ok(out.checks.every((c) => c.ok && 'observed' in c && 'limit' in c && c.detail));
  });

  it('a failed check: exit 3, and --json still carries all thirteen results', async () => {
    // Given lag over the 1000 ms limit
    await given(5000);
    const result = await dr(['verify-sync', '--json']);
    assert.equal(result.code, 3, result.stderr);
    const out = JSON.parse(result.stdout) as VerifySyncResult;
    assert.equal(out.ok, false);
    assert.equal(out.checks.length, 13);
    assert.deepEqual(
      out.checks.filter((c) => !c.ok).map((c) => [c.name, c.observed, c.limit]),
      [['aurora-replication-lag', 5000, 1000]],
    );
  });

  it('for people: a table on stdout, one line on stderr, exit 3', async () => {
    await given(5000);
    const result = await dr(['verify-sync']);
    assert.equal(result.code, 3);
    assert.match(result.stdout, /FAIL {2}aurora-replication-lag/);
    assert.match(result.stdout, /PASS {2}event-source-mapping-guard/);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('dr: '));
    assert.deepEqual(errors, [
      'dr: 1 of 13 sync checks failed (aurora-replication-lag): fix them and run `dr verify-sync` again',
    ]);
  });

  it('a DR role missing one grant of its failover path: exit 3, naming the role, action and resource', async () => {
    // Given us-east-2's state-machine role without its Data API grant (the fence-database step)
    await given(100);
    const role = naming.role('dr-state-machines', 'us-east-2');
    await removeGrant(endpoint, role, 'dr-cross-region', 'FenceRowDataApi');

    // When verify-sync runs
    const result = await dr(['verify-sync', '--json']);

    // Then only the permission check fails, naming exactly that call
    assert.equal(result.code, 3, result.stderr);
    const out = JSON.parse(result.stdout) as VerifySyncResult;
    const failed = out.checks.filter((c) => !c.ok);
    assert.deepEqual(
      failed.map((c) => [c.name, c.observed]),
      [['iam-permissions', 1]],
    );
    const cluster = `arn:aws:rds:us-east-2:123456789012:cluster:${naming.dbCluster('us-east-2')}`;
    assert.match(
      failed[0]?.detail ?? '',
      new RegExp(
        `: ${role}: rds-data:ExecuteStatement on ${cluster} \\(implicitDeny; fence-database/ExecuteStatement\\)$`,
      ),
    );
  });

  it('a region unreachable: exit 5 with one line naming it', async () => {
    await given(100);
    await setOutage(endpoint, 'us-east-2', 'refuse');
    const result = await dr(['verify-sync']);
    assert.equal(result.code, 5);
    assert.equal(result.stdout, '');
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('dr: '));
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /^dr: us-east-2 did not answer .*sync cannot be verified$/);
  });

  it('a bad flag: exit 2 with one line', async () => {
    const result = await dr(['verify-sync', '--fast']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^dr: .*fast.* \(see `dr verify-sync --help`\)\n$/);
  });
});
