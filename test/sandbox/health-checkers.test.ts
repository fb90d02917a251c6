/**
 * The drill's Route 53 stand-in (HealthCheckers) and the watchdog's sandbox probe see a
 * region whose order API stage is throttled to 0 (the AWS drill's data-plane blackout)
 * as API Gateway answers it: 429 Too Many Requests to every GET /health. Against the
 * emulator and a real PostgreSQL (started here: the health Lambda's database probe).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthCheckers } from '../../src/sandbox/health-checkers.js';
import { sandboxHealthProbe } from '../../src/sandbox/watchdog.js';
import { setOutage } from '../../src/sandbox/emulator.js';
import { ORDER_API_THROTTLE } from '../../src/infra/platform-definitions.js';
import { useDeployedPlatform } from './deployed.js';
import { config, primary, secondary } from '../core/failover/helpers.js';
import { BLACKOUT, healthCheckFailing, sleep, throttleStage, until, useOrdersDatabase } from './helpers.js';

const { endpoint } = useDeployedPlatform();
const { clients, orders } = useOrdersDatabase(endpoint);

describe('health checkers: a stage throttled to 0', () => {
  it('fails the primary after the threshold (health check forced to Failure), and heals when the throttle is back', async () => {
    // Given the Route 53 stand-in over the deployed sandbox, both regions healthy
    const checkers = await HealthCheckers.create({
      clients,
      config,
      endpoint,
      dbUrl: orders.url,
      intervalMs: 50,
    });
    try {
      checkers.start();
      await sleep(300);
      assert.equal(checkers.healthy(primary), true);
      assert.equal(checkers.events.length, 0, JSON.stringify(checkers.events));

      // When the primary's stage is throttled to 0 (rate and burst)
      await throttleStage(clients, primary, BLACKOUT);

      // Then it goes unhealthy after the threshold, the DNS answers the secondary, the
      // emulator's health check is forced to Failure, and the secondary stays healthy
      await until(
        'primary unhealthy',
        () => checkers.healthy(primary),
        (h) => !h,
      );
      assert.equal(checkers.answer(), secondary);
      assert.equal(checkers.healthy(secondary), true);
      assert.equal(await healthCheckFailing(clients, primary), true);
      assert.equal(await healthCheckFailing(clients, secondary), false);

      // When the stack's throttle is back
      await throttleStage(clients, primary, ORDER_API_THROTTLE);

      // Then it is healthy again and the check is no longer forced
      await until(
        'primary healthy',
        () => checkers.healthy(primary),
        (h) => h,
      );
      assert.equal(checkers.answer(), primary);
      assert.equal(await healthCheckFailing(clients, primary), false);
      assert.deepEqual(
        checkers.events.map((e) => [e.region, e.healthy, e.answer]),
        [
          [primary, false, secondary],
          [primary, true, primary],
        ],
      );
    } finally {
      await checkers.close();
    }
  });
});

describe('watchdog probe: a stage throttled to 0', () => {
  it('fails with 429 while the stage is throttled to 0, answers 200 once restored, and does not answer in an outage', async () => {
    // Given the deployed sandbox
    const probe = sandboxHealthProbe({ clients, config, watched: primary });
    assert.equal((await probe()).ok, true);
    // When the primary's stage is throttled to 0
    await throttleStage(clients, primary, BLACKOUT);
    // Then the probe fails with the 429 (the health check itself is not forced)
    const throttled = await probe();
    assert.equal(throttled.ok, false);
    assert.match(throttled.detail, /^https:\/\/[^ ]+\/health answered 429 Too Many Requests/);
    assert.equal(await healthCheckFailing(clients, primary), false);
    // When restored, it answers 200 again
    await throttleStage(clients, primary, ORDER_API_THROTTLE);
    const restored = await probe();
    assert.equal(restored.ok, true, restored.detail);
    assert.match(restored.detail, /answered 200/);
    // And an outage still reads as a region that does not answer
    await setOutage(endpoint, primary, 'refuse');
    assert.match((await probe()).detail, /us-east-1 did not answer/);
  });

  it('counts a burst limit of 0 alone as throttled', async () => {
    // Given the deployed sandbox
    const probe = sandboxHealthProbe({ clients, config, watched: primary });
    // When only the burst limit is 0
    await throttleStage(clients, primary, { rateLimit: ORDER_API_THROTTLE.rateLimit, burstLimit: 0 });
    // Then the probe fails with API Gateway's 429
    const sample = await probe();
    assert.equal(sample.ok, false);
    assert.match(sample.detail, /health answered 429 Too Many Requests/);
  });
});
