/**
 * Failback after an unplanned failover: it waits (bounded) for Aurora to re-join the old
 * primary as a secondary and for verify-sync to pass, and stops on a detached cluster.
 * Against the emulator, whose extension models the old primary as pending-resync while
 * its region is down. The verify-sync gate is faked where named, to count its calls and
 * fail on demand (failover-failback-fence.test.ts runs the real gate).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RDSClient, RemoveFromGlobalClusterCommand } from '@aws-sdk/client-rds';
import { restoreRegion } from '../../../src/sandbox/emulator.js';
import { CheckFailedError } from '../../../src/contract/errors.js';
import {
  awaitFailbackReady,
  DetachedClusterError,
  readMembership,
} from '../../../src/core/failover/failback-ready.js';
import { operate } from '../../../src/core/failover/operate.js';
import { testClient } from '../../emulator/client.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { config, naming, platformState, primary, secondary, unplannedFailover } from './helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);

/** A verify-sync stand-in (faked, to count calls) that fails `failures` times. */
function gateThatPassesAfter(failures: number) {
  const gate = async () => {
    gate.calls += 1;
    if (gate.calls <= failures) {
      throw new CheckFailedError('1 of 9 sync checks failed (aurora-replication-lag): fix them');
    }
  };
  gate.calls = 0;
  return gate;
}

describe('failback readiness (emulator)', () => {
  it('waits while the old primary is pending-resync, then until the gate passes (gate faked)', async () => {
    // Given an unplanned failover with us-east-1 still down
    await unplannedFailover(clients, endpoint);
    const before = await readMembership({ clients, config, region: primary, readFrom: secondary });
    assert.equal(before.state, 'pending-resync');

    // When failback readiness is awaited and us-east-1 comes back 600 ms later
    const gate = gateThatPassesAfter(2);
    const restoring = new Promise((r) => setTimeout(r, 600)).then(() => restoreRegion(endpoint, primary));
    const started = Date.now();
    await awaitFailbackReady({ clients, config, gate, timeoutMs: 10_000, pollMs: 100 });
    await restoring;

    // Then it returned only after the re-join (≥ 600 ms) and the third gate run
    assert.ok(Date.now() - started >= 600);
    assert.equal(gate.calls, 3);
    const now = await readMembership({ clients, config, region: primary, readFrom: secondary });
    assert.equal(now.state, 'connected');
  });

  it('dr failback (operate) after an unplanned failover re-joins, waits for sync, then switches back', async () => {
    // Given an unplanned failover, then us-east-1 back
    await unplannedFailover(clients, endpoint);
    await restoreRegion(endpoint, primary);
    const gate = gateThatPassesAfter(1);

    // When failback runs (gate faked)
    const outcome = await operate({
      clients,
      config,
      operation: 'failback',
      to: primary,
      mode: 'planned',
      dryRun: false,
      gate,
      syncTimeoutMs: 10_000,
      syncPollMs: 100,
      pollMs: 100,
    });

    // Then it succeeded after the gate passed, us-east-1 writes again and us-east-2 is its secondary
    assert.equal(outcome.kind, 'done');
    assert.equal(outcome.kind === 'done' && outcome.result.outcome, 'succeeded');
    assert.equal(gate.calls, 2);
    const state = await platformState(clients);
    assert.equal(state.writer, primary);
    assert.equal(state.regions[primary]?.activeRegion, primary);
    assert.equal(
      (await readMembership({ clients, config, region: secondary, readFrom: primary })).state,
      'connected',
    );
  });

  it('times out naming the checks still failing, and changes nothing', async () => {
    // Given an unplanned failover, us-east-1 back, and a gate that never passes
    await unplannedFailover(clients, endpoint);
    await restoreRegion(endpoint, primary);
    const gate = gateThatPassesAfter(Number.POSITIVE_INFINITY);

    // When failback runs with a 500 ms limit
    await assert.rejects(
      operate({
        clients,
        config,
        operation: 'failback',
        to: primary,
        mode: 'planned',
        dryRun: false,
        gate,
        syncTimeoutMs: 500,
        syncPollMs: 100,
      }),
      (error: Error) =>
        error instanceof CheckFailedError &&
        /not in sync after \d+ s \(limit 1 s\): 1 of 9 sync checks failed \(aurora-replication-lag\)/.test(
          error.message,
        ),
    );

    // Then it retried, and us-east-2 still writes with no lease held
    assert.ok(gate.calls >= 3, `${gate.calls} gate runs`);
    const state = await platformState(clients);
    assert.equal(state.writer, secondary);
    assert.equal(state.leaseHolder, undefined);
  });

  it('stops at once on a detached old primary, saying how to re-create it', async () => {
    // Given an unplanned failover, us-east-1 back, and its cluster removed from the global cluster
    await unplannedFailover(clients, endpoint);
    await restoreRegion(endpoint, primary);
    const rds = testClient(RDSClient, primary, { endpoint });
    const arn = (
      await clients.rds(primary).describeDBClusters({ DBClusterIdentifier: naming.dbCluster(primary) })
    ).DBClusters?.[0]?.DBClusterArn;
    await rds.send(
      new RemoveFromGlobalClusterCommand({
        GlobalClusterIdentifier: naming.globalCluster(),
        DbClusterIdentifier: arn,
      }),
    );
    const gate = gateThatPassesAfter(0);

    // When failback runs
    await assert.rejects(
      operate({ clients, config, operation: 'failback', to: primary, mode: 'planned', dryRun: false, gate }),
      (error: Error) =>
        error instanceof DetachedClusterError &&
        error.message.includes(naming.dbCluster(primary)) &&
        /dr deploy/.test(error.message),
    );

    // Then the gate never ran and nothing moved
    assert.equal(gate.calls, 0);
    assert.equal((await platformState(clients)).writer, secondary);
  });
});
