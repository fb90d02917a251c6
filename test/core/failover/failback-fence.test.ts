/**
 * `dr failback` after an unplanned failover fences the returned region first: its SSM
 * copy still names itself active (old epoch) and its mapping is still enabled, so
 * verify-sync's split-brain guard would fail forever. Against the emulator, with the real
 * verify-sync gate (the emulator publishes the replication lag when configured to).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configureEmulator, restoreRegion } from '../../../src/sandbox/emulator.js';
import { findStaleRegion } from '../../../src/core/failover/fence-returned.js';
import { operate } from '../../../src/core/failover/operate.js';
import { executePlan } from '../../../src/core/failover/run.js';
import { requireInSync, verifySync } from '../../../src/core/verify-sync.js';
import type { Reporter } from '../../../src/core/reporter.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { config, planFailover, platformState, primary, secondary, unplannedFailover } from './helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);

/** Records each step's name and how it ended. */
function recordingReporter() {
  const steps: Array<{ name: string; outcome?: 'succeeded' | 'failed'; detail?: string }> = [];
  const reporter: Reporter = {
    step(name) {
      const entry: (typeof steps)[number] = { name };
      steps.push(entry);
      return {
        succeed: (detail) => Object.assign(entry, { outcome: 'succeeded', detail }),
        fail: (detail) => Object.assign(entry, { outcome: 'failed', detail }),
        update() {},
      };
    },
    info() {},
    warn() {},
  };
  return { reporter, steps };
}

/** Seeds (the lag metric published, as in the sandbox), then fails over to us-east-2 unplanned with us-east-1 refusing. */
async function givenUnplannedFailoverThenRestore(): Promise<void> {
  await configureEmulator(endpoint, { replicationLagMs: 20 });
  await unplannedFailover(clients, endpoint);
  await restoreRegion(endpoint, primary);
}

describe('failback fences the region back from an unplanned failover (emulator)', () => {
  it('detects the stale region, fences it, passes the real verify-sync gate and switches back', async () => {
    // Given an unplanned failover to us-east-2, then us-east-1 back with its stale state
    await givenUnplannedFailoverThenRestore();
    const stale = await platformState(clients);
    assert.deepEqual(stale.regions[primary], { activeRegion: primary, epoch: '1', mappingEnabled: true });
    assert.deepEqual(stale.regions[secondary], { activeRegion: secondary, epoch: '2', mappingEnabled: true });
    const found = await findStaleRegion({ clients, config });
    assert.equal(found?.region, primary);
    assert.equal(found?.survivor, secondary);

    // When --dry-run runs, nothing changes
    const dry = await operate({
      clients,
      config,
      operation: 'failback',
      to: primary,
      mode: 'planned',
      dryRun: true,
    });
    assert.equal(dry.kind, 'dry-run');
    assert.deepEqual(await platformState(clients), stale);

    // When failback runs with the real verify-sync gate
    const { reporter, steps } = recordingReporter();
    let gateRuns = 0;
    const outcome = await operate({
      clients,
      config,
      operation: 'failback',
      to: primary,
      mode: 'planned',
      dryRun: false,
      reporter,
      gate: async () => {
        gateRuns += 1;
        requireInSync(await verifySync({ clients, config }));
      },
      syncTimeoutMs: 30_000,
      syncPollMs: 250,
      pollMs: 100,
    });

    // Then the returned region was fenced (reported), the gate passed, and it succeeded
    assert.equal(outcome.kind, 'done');
    assert.equal(
      outcome.kind === 'done' && outcome.result.outcome,
      'succeeded',
      JSON.stringify(outcome.kind === 'done' && outcome.result.failure),
    );
    const fence = steps.find((s) => s.name === `Fence the returned region (${primary})`);
    assert.equal(fence?.outcome, 'succeeded', JSON.stringify(steps));
    assert.ok(
      steps.findIndex((s) => s === fence) < steps.findIndex((s) => s.name.startsWith('Gate: verify-sync')),
      'fenced before the gate',
    );
    assert.ok(gateRuns >= 1);

    // And us-east-1 writes, both regions say so at the highest epoch, only us-east-1 consumes orders
    const back = await platformState(clients);
    assert.equal(back.writer, primary);
    assert.deepEqual(back.regions[primary], { activeRegion: primary, epoch: '3', mappingEnabled: true });
    assert.deepEqual(back.regions[secondary], { activeRegion: primary, epoch: '3', mappingEnabled: false });
    assert.equal(back.leaseHolder, undefined);
    assert.equal(await findStaleRegion({ clients, config }), undefined);
  });

  it('finds nothing stale after a planned failover (nothing to fence)', async () => {
    // Given a planned failover to us-east-2 (both regions fenced by the operation itself)
    const plan = await planFailover(clients, 'planned', 'alice');
    assert.equal((await executePlan({ clients, config, plan, pollMs: 100 })).outcome, 'succeeded');

    // Then no region is stale
    assert.equal(await findStaleRegion({ clients, config }), undefined);
  });
});
