/**
 * The minimal readiness check: the value it publishes comes from the injected check
 * runner (the verify-sync checks, wired in a later step); the publisher is a stand-in
 * that records what CloudWatch would receive.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  checkReadiness,
  ReadinessDeliveryError,
  type MetricDatum,
  type ReadinessReport,
} from '../../src/lambdas/readiness-check/readiness.js';

function recorder() {
  const published: MetricDatum[] = [];
  return { published, publish: async (m: readonly MetricDatum[]) => void published.push(...m) };
}

test('ready checks publish FailoverReadiness = 1 for the region', async () => {
  // Given checks that pass
  const cw = recorder();

  // When the readiness check runs
  const outcome = await checkReadiness({
    region: 'us-east-2',
    runChecks: async () => ({ ready: true }),
    ...cw,
  });

  // Then 1 is published with the region dimension
  assert.equal(outcome.ready, true);
  assert.deepEqual(cw.published, [
    { name: 'FailoverReadiness', value: 1, dimensions: { Region: 'us-east-2' } },
  ]);
});

test('failing checks, or a check run that throws, publish 0', async () => {
  // Given one run whose checks fail and one that cannot complete
  const cw = recorder();

  // When both run
  const failing = await checkReadiness({
    region: 'us-east-1',
    runChecks: async () => ({ ready: false, reasons: ['replication lag 4000 ms'] }),
    ...cw,
  });
  const broken = await checkReadiness({
    region: 'us-east-1',
    runChecks: async () => {
      throw new Error('region unreachable');
    },
    ...cw,
  });

  // Then both publish 0, and the broken run says why
  assert.deepEqual(
    cw.published.map((m) => m.value),
    [0, 0],
  );
  assert.equal(failing.ready, false);
  assert.match(broken.reasons?.[0] ?? '', /did not complete: region unreachable/);
});

test('announces the report on the bus and records it, and a failed delivery fails the run after trying all', async () => {
  // Given stand-ins for EventBridge and S3 (the event path is asserted here; the sandbox
  // test reads the recorded report back from the emulator), the audit write failing
  const cw = recorder();
  const announced: ReadinessReport[] = [];
  const run = () =>
    checkReadiness({
      region: 'us-east-2',
      runChecks: async () => ({ ready: false, reasons: ['aurora-replication-lag: 4000 ms'] }),
      ...cw,
      announce: async (report) => void announced.push(report),
      record: async () => {
        throw new Error('AccessDenied');
      },
      now: () => new Date('2026-11-25T12:00:00Z'),
    });

  // When the check runs / Then it fails naming the lost delivery…
  await assert.rejects(run(), (error: unknown) => {
    assert.ok(error instanceof ReadinessDeliveryError);
    assert.deepEqual(error.failures, ['audit report: AccessDenied']);
    return true;
  });
  // …after the metric and the event still went out, carrying the whole report
  assert.deepEqual(
    cw.published.map((m) => m.value),
    [0],
  );
  assert.deepEqual(announced, [
    {
      ready: false,
      reasons: ['aurora-replication-lag: 4000 ms'],
      region: 'us-east-2',
      checkedAt: '2026-11-25T12:00:00.000Z',
    },
  ]);
});
