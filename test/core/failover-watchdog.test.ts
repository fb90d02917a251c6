/**
 * The automatic trigger: the pure decision, and the same runWatchdog the Lambda runs,
 * in-process against the emulator (moto runs no Lambda code). The primary's /health is
 * a local HTTP server standing in for its regional API (named as such); us-east-1 is
 * taken down through the outage switch, so nothing of it can be relied on.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { setOutage } from '../../src/core/sandbox/emulator.js';
import { followExecution } from '../../src/core/failover/execution.js';
import {
  decideAutoFailover,
  runWatchdog,
  watchdogEffects,
  type WatchdogFacts,
} from '../../src/core/failover/watchdog.js';
import { silentReporter } from '../../src/core/reporter.js';
import { useEmulator } from '../emulator/client.js';
import {
  config,
  emulatorClients,
  naming,
  platformState,
  primary,
  secondary,
  seedWithMachines,
} from './failover-helpers.js';

const endpoint = useEmulator();
const clients = emulatorClients(endpoint);
after(() => clients.destroy());

const facts = (over: Partial<WatchdogFacts>): WatchdogFacts => ({
  setting: 'on',
  region: secondary,
  primary,
  activeRegion: primary,
  samples: [
    { ok: false, detail: '503' },
    { ok: false, detail: '503' },
    { ok: false, detail: '503' },
  ],
  requiredFailures: 3,
  inFlight: false,
  ...over,
});

describe('decideAutoFailover', () => {
  it('fails over only after N failed probes in a row, with auto-failover on', () => {
    // Given/When/Then: each setting and probe history
    assert.equal(decideAutoFailover(facts({})).action, 'failover');
    assert.equal(decideAutoFailover(facts({ setting: 'approval' })).action, 'request-approval');
    assert.equal(decideAutoFailover(facts({ setting: 'off' })).action, 'none');
    assert.equal(
      decideAutoFailover(
        facts({
          samples: [
            { ok: false, detail: 'x' },
            { ok: true, detail: 'ok' },
          ],
        }),
      ).action,
      'none',
    );
    assert.equal(decideAutoFailover(facts({ samples: [{ ok: false, detail: 'x' }] })).action, 'none');
  });

  it('does nothing when already failed over or while an operation runs', () => {
    assert.equal(decideAutoFailover(facts({ activeRegion: secondary })).action, 'none');
    assert.equal(decideAutoFailover(facts({ inFlight: true })).action, 'none');
  });
});

/** Stand-in for the primary's regional API: answers /health with `status()`. */
async function primaryHealth(status: () => number): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.statusCode = status();
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/health`, server };
}

describe('runWatchdog (emulator)', () => {
  it('fires the unplanned failover from us-east-2 when the primary health goes bad, with us-east-1 down', async () => {
    // Given a seeded platform with auto-failover on, a healthy primary, and the watchdog in us-east-2
    await seedWithMachines(clients);
    await clients.ssm(secondary).putParameter({
      Name: naming.ssmShared('auto-failover'),
      Value: 'on',
      Type: 'SecureString',
      Overwrite: true,
    });
    let status = 200;
    const health = await primaryHealth(() => status);
    const run = () =>
      runWatchdog({
        effects: {
          ...watchdogEffects({ clients, config, region: secondary, healthUrl: health.url }),
          sleep: async () => {},
        },
        region: secondary,
        primary,
        probes: 3,
        probeIntervalMs: 0,
        requiredFailures: 3,
      });
    try {
      const calm = await run();
      assert.equal(calm.decision.action, 'none');

      // When the primary's health goes bad and us-east-1 goes dark
      status = 503;
      await setOutage(endpoint, primary, 'hang');
      const fired = await run();

      // Then the watchdog started the failover, and it completes in us-east-2
      assert.equal(fired.decision.action, 'failover', fired.decision.reason);
      assert.ok(fired.executionArn);
      const outcome = await followExecution({
        sfn: clients.sfn(secondary),
        executionArn: fired.executionArn,
        region: secondary,
        reporter: silentReporter,
        pollMs: 100,
        timeoutMs: 30_000,
      });
      assert.equal(outcome.status, 'SUCCEEDED', JSON.stringify(outcome.failure));
      const state = await platformState(clients, [secondary]);
      assert.equal(state.writer, secondary);
      assert.deepEqual(state.regions[secondary], {
        activeRegion: secondary,
        epoch: '2',
        mappingEnabled: true,
      });
      assert.equal(state.leaseHolder, undefined);
    } finally {
      health.server.close();
    }
  });

  it('with approval required it asks instead of failing over', async () => {
    // Given approval mode (the seeded default) and a failing primary
    await seedWithMachines(clients);
    const health = await primaryHealth(() => 503);
    try {
      // When the watchdog runs
      const out = await runWatchdog({
        effects: {
          ...watchdogEffects({ clients, config, region: secondary, healthUrl: health.url }),
          sleep: async () => {},
        },
        region: secondary,
        primary,
        probes: 3,
        probeIntervalMs: 0,
        requiredFailures: 3,
      });
      // Then it requested approval and nothing moved
      assert.equal(out.decision.action, 'request-approval');
      assert.equal(out.executionArn, undefined);
      assert.equal((await platformState(clients)).writer, primary);
    } finally {
      health.server.close();
    }
  });
});
