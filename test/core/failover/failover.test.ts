/**
 * Failover and failback against the emulator: moto runs the real state machines (the
 * DR extension provides Aurora switchover/failover and the outage switch).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setOutage, type OutageMode } from '../../../src/sandbox/emulator.js';
import { planOperation } from '../../../src/core/failover/plan.js';
import { executePlan } from '../../../src/core/failover/run.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { config, planFailover, platformState, primary, secondary } from './helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);

describe('failover and failback (emulator)', () => {
  it('planned failover to us-east-2, then failback to us-east-1: writer, active-region, epoch and mappings after each', async () => {
    // Given the deployed platform, us-east-1 primary at epoch 1
    const before = await platformState(clients);
    assert.equal(before.writer, primary);
    assert.deepEqual(before.regions[secondary], { activeRegion: primary, epoch: '1', mappingEnabled: false });

    // When a planned failover to us-east-2 runs
    const plan = await planFailover(clients, 'planned', 'alice');
    const result = await executePlan({ clients, config, plan });

    // Then us-east-2 writes, both regions say so at epoch 2, only us-east-2 consumes orders, the lease is free
    assert.equal(result.outcome, 'succeeded', JSON.stringify(result.failure));
    const failedOver = await platformState(clients);
    assert.equal(failedOver.writer, secondary);
    assert.deepEqual(failedOver.regions[primary], {
      activeRegion: secondary,
      epoch: '2',
      mappingEnabled: false,
    });
    assert.deepEqual(failedOver.regions[secondary], {
      activeRegion: secondary,
      epoch: '2',
      mappingEnabled: true,
    });
    assert.equal(failedOver.leaseHolder, undefined);
    assert.deepEqual(result.steps.map((s) => `${s.id}@${s.region}`).slice(0, 2), [
      'fence-old-primary@us-east-1',
      'take-lease@us-east-2',
    ]);
    assert.ok(result.steps.every((s) => s.outcome === 'succeeded'));

    // When it fails back
    const back = await planOperation({
      clients,
      config,
      operation: 'failback',
      to: primary,
      mode: 'planned',
      startedBy: 'alice',
    });
    const backResult = await executePlan({ clients, config, plan: back });

    // Then us-east-1 writes again at epoch 3
    assert.equal(backResult.outcome, 'succeeded', JSON.stringify(backResult.failure));
    const failedBack = await platformState(clients);
    assert.equal(failedBack.writer, primary);
    assert.deepEqual(failedBack.regions[primary], {
      activeRegion: primary,
      epoch: '3',
      mappingEnabled: true,
    });
    assert.deepEqual(failedBack.regions[secondary], {
      activeRegion: primary,
      epoch: '3',
      mappingEnabled: false,
    });
  });

  for (const mode of ['refuse', 'hang'] as OutageMode[]) {
    it(`unplanned failover completes from us-east-2 alone while us-east-1 is down (${mode})`, async () => {
      // Given the deployed platform, and us-east-1 down: every call signed for it (the state machine's own too) fails
      await setOutage(endpoint, primary, mode);

      // When an unplanned failover to us-east-2 runs
      const plan = await planFailover(clients, 'unplanned', 'bob');
      const result = await executePlan({ clients, config, plan });

      // Then it succeeded with one execution, in us-east-2, and us-east-2 holds writer, fence and mapping
      assert.equal(result.outcome, 'succeeded', JSON.stringify(result.failure));
      assert.deepEqual(
        result.executions.map((e) => e.region),
        [secondary],
      );
      const after = await platformState(clients, [secondary]);
      assert.equal(after.writer, secondary);
      assert.deepEqual(after.regions[secondary], {
        activeRegion: secondary,
        epoch: '2',
        mappingEnabled: true,
      });
      assert.equal(after.leaseHolder, undefined);
    });
  }
});
