/**
 * Route 53 health-check status in the emulator: moto always reports healthy; the
 * extension's control endpoint forces what GetHealthCheckStatus reports.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { setHealthCheckStatus } from '../../src/sandbox/emulator.js';
import { testClient, useEmulator } from './client.js';

const endpoint = useEmulator();

async function givenHealthCheck() {
  const route53 = testClient(Route53Client, 'us-east-1');
  const out = await route53.send(
    new CreateHealthCheckCommand({
      CallerReference: 'primary-health',
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: 'api-use1.trading.example.com',
        ResourcePath: '/health',
        Port: 443,
        RequestInterval: 10,
        FailureThreshold: 3,
      },
    }),
  );
  return { route53, id: out.HealthCheck!.Id! };
}

async function statuses(route53: Route53Client, id: string) {
  const out = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
  return (out.HealthCheckObservations ?? []).map((o) => o.StatusReport?.Status?.split(':')[0]);
}

describe('emulator: Route 53 health-check status', () => {
  it('reports a health check healthy until told otherwise', async () => {
    // Given a health check nobody forced
    const { route53, id } = await givenHealthCheck();

    // When its status is read
    const seen = await statuses(route53, id);

    // Then every observation is a success
    assert.ok(seen.length > 0);
    assert.deepEqual(new Set(seen), new Set(['Success']));
  });

  it('reports the forced Failure, and Success again once set back', async () => {
    // Given a health check
    const { route53, id } = await givenHealthCheck();

    // When it is forced to Failure, then back to Success
    await setHealthCheckStatus(endpoint, id, 'Failure');
    const failing = await statuses(route53, id);
    await setHealthCheckStatus(endpoint, id, 'Success');
    const healthy = await statuses(route53, id);

    // Then GetHealthCheckStatus follows
    assert.deepEqual(new Set(failing), new Set(['Failure']));
    assert.deepEqual(new Set(healthy), new Set(['Success']));
  });

  it('forgets forced statuses on reset', async () => {
    // Given a health check forced to Failure
    const { id } = await givenHealthCheck();
    await setHealthCheckStatus(endpoint, id, 'Failure');

    // When the emulator is reset and the same health check id reappears
    await fetch(new URL('/moto-api/reset', endpoint), { method: 'POST' });
    const res = await fetch(new URL('/dr-emulator/health-check', endpoint), {
      method: 'POST',
      body: JSON.stringify({ id: 'other', status: 'Success' }),
    });

    // Then only the newly forced one is remembered
    assert.deepEqual(await res.json(), { healthChecks: { other: 'Success' } });
  });
});
