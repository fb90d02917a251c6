/**
 * `dr sandbox watchdog` in core: the Lambda's runWatchdog + watchdogEffects, in-process
 * against the emulator, with the sandbox probe (region answers; its Route 53 health check
 * not forced to Failure). The primary's health goes bad through the emulator's forced
 * health-check status or the outage switch.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setHealthCheckStatus, setOutage } from '../../../src/sandbox/emulator.js';
import { sandboxHealthProbe, sandboxWatchdog } from '../../../src/sandbox/watchdog.js';
import { UsageError } from '../../../src/contract/errors.js';
import { createClients } from '../../../src/aws/clients.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { config, naming, platformState, primary, secondary, setAutoFailover } from './helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);

async function primaryHealthCheckId(): Promise<string> {
  const fqdn = naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, primary);
  const checks = (await clients.route53(primary).listHealthChecks({})).HealthChecks ?? [];
  const id = checks.find((c) => c.HealthCheckConfig?.FullyQualifiedDomainName === fqdn)?.Id;
  assert.ok(id, `no health check for ${fqdn}`);
  return id;
}

describe('sandbox watchdog (emulator)', () => {
  it('probes: healthy, then 503 when the health check is forced to Failure, then down in an outage', async () => {
    const probe = sandboxHealthProbe({ clients, config, watched: primary });
    // Then the probe follows the emulator's switches
    assert.equal((await probe()).ok, true);
    await setHealthCheckStatus(endpoint, await primaryHealthCheckId(), 'Failure');
    assert.match((await probe()).detail, /answered 503/);
    await setHealthCheckStatus(endpoint, await primaryHealthCheckId(), null);
    await setOutage(endpoint, primary, 'refuse');
    const down = await probe();
    assert.equal(down.ok, false);
    assert.match(down.detail, /us-east-1 did not answer/);
  });

  it('auto-failover on: a forced-Failure primary makes it start and finish the unplanned failover in us-east-2', async () => {
    // Given auto-failover on and a healthy primary
    await setAutoFailover(clients, 'on');
    const calm = await sandboxWatchdog({ clients, config, periods: 2, intervalMs: 0 });
    assert.equal(calm.decision.action, 'none');
    assert.equal(calm.periods, 2);

    // When the primary's /health goes bad
    await setHealthCheckStatus(endpoint, await primaryHealthCheckId(), 'Failure');
    const fired = await sandboxWatchdog({ clients, config, periods: 3, intervalMs: 0 });

    // Then it failed over from us-east-2, in the first period, and the failover completed
    assert.equal(fired.decision.action, 'failover', fired.decision.reason);
    assert.equal(fired.periods, 1);
    assert.equal(fired.samples.length, config.dns.healthCheck.failureThreshold);
    assert.equal(fired.execution?.status, 'SUCCEEDED', JSON.stringify(fired.execution?.failure));
    const state = await platformState(clients);
    assert.equal(state.writer, secondary);
    assert.equal(state.regions[secondary]?.activeRegion, secondary);
    assert.equal(state.regions[secondary]?.mappingEnabled, true);
  });

  it('approval: with us-east-1 out it only asks, and nothing moves', async () => {
    // Given approval mode (the deployed default) and us-east-1 down
    await setOutage(endpoint, primary, 'refuse');
    // When the watchdog runs one period
    const out = await sandboxWatchdog({ clients, config, periods: 1, intervalMs: 0 });
    // Then it asked, started nothing, and us-east-2 is still a reader
    assert.equal(out.decision.action, 'request-approval', out.decision.reason);
    assert.equal(out.executionArn, undefined);
    const state = await platformState(clients, [secondary]);
    assert.equal(state.writer, primary);
    assert.equal(state.regions[secondary]?.activeRegion, primary);
  });

  it('refuses to run against AWS (no endpoint): the Lambda does that', async () => {
    const aws = createClients({ maxAttempts: 1 });
    try {
      await assert.rejects(sandboxWatchdog({ clients: aws, config }), UsageError);
    } finally {
      aws.destroy();
    }
  });
});
