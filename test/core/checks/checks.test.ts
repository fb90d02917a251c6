/**
 * The pure halves: each sync-check evaluation, the RTO budget, the call-level measure
 * and the limits the Lambda reads from SSM. No AWS, no emulator.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeCalls } from '../../../src/core/call-trace.js';
import {
  evaluateAlarmsEqual,
  evaluateCanary,
  evaluateCodeEqual,
  evaluateMappingGuard,
  evaluateMembersAvailable,
  evaluateParametersEqual,
  evaluatePendingOperations,
  evaluatePitr,
  evaluateReplicasActive,
  evaluateReplicationEnabled,
  evaluateReplicationLag,
  normalizeAlarm,
  resolveActiveRegion,
} from '../../../src/core/checks/evaluate.js';
import { latestDatapoint } from '../../../src/core/checks/metrics.js';
import type { Outcome } from '../../../src/core/checks/outcome.js';
import { DEFAULT_LIMITS, limitsFromParameters } from '../../../src/core/checks/types.js';
import { rtoBudget } from '../../../src/core/rto-budget.js';

const E1 = 'us-east-1';
const E2 = 'us-east-2';
const REGIONS = [E1, E2] as const;
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const down: Outcome<never> = { ok: false, error: 'us-east-1 did not answer', unreachable: true, region: E1 };
const at = '2026-01-01T00:00:00.000Z';

describe('aurora-replication-lag', () => {
  it('passes at the limit and fails above it, naming the reader', () => {
    // Given a reader 1000 ms behind, then 1001 ms / When evaluated against 1000 ms
    const pass = evaluateReplicationLag({ [E2]: ok({ value: 1000, at }) }, [E2], 1000, 5);
    const fail = evaluateReplicationLag({ [E2]: ok({ value: 1001, at }) }, [E2], 1000, 5);
    // Then
    assert.equal(pass.ok, true);
    assert.equal(pass.observed, 1000);
    assert.equal(fail.ok, false);
    assert.equal(fail.region, E2);
    assert.match(fail.detail, /over the 1000 ms limit/);
  });

  it('fails when the reader published no datapoint: no data is not proof of sync', () => {
    // Given no datapoint in the window / When evaluated / Then it fails with observed null
    const r = evaluateReplicationLag({ [E2]: ok(undefined) }, [E2], 1000, 5);
    assert.equal(r.ok, false);
    assert.equal(r.observed, null);
    assert.match(r.detail, /no AuroraGlobalDBReplicationLag datapoint from us-east-2 in the last 5 min/);
  });

  it('fails when there is no reader, or its region does not answer', () => {
    assert.equal(evaluateReplicationLag({}, [], 1000, 5).ok, false);
    const r = evaluateReplicationLag({ [E2]: { ...down, region: E2 } }, [E2], 1000, 5);
    assert.equal(r.ok, false);
    assert.match(r.detail, /us-east-2: unreachable/);
  });
});

describe('aurora-members-available', () => {
  const global = ok({
    id: 'g',
    members: [
      { region: E1, arn: 'a1', isWriter: true },
      { region: E2, arn: 'a2', isWriter: false },
    ],
  });
  it('passes when both members are available with one writer', () => {
    const r = evaluateMembersAvailable(
      global,
      { [E1]: ok({ id: 'c1', status: 'available' }), [E2]: ok({ id: 'c2', status: 'available' }) },
      REGIONS,
    );
    assert.equal(r.ok, true);
    assert.equal(r.observed, 'us-east-1 available (writer), us-east-2 available');
  });
  it('fails on a member that is not available, or a cluster outside the global cluster', () => {
    const r = evaluateMembersAvailable(
      ok({ id: 'g', members: [{ region: E1, arn: 'a1', isWriter: true }] }),
      { [E1]: ok({ id: 'c1', status: 'available' }), [E2]: ok({ id: 'c2', status: 'modifying' }) },
      REGIONS,
    );
    assert.equal(r.ok, false);
    assert.match(r.detail, /c2 is not a member of g/);
    assert.match(r.detail, /c2 is modifying/);
  });
});

describe('dynamodb checks', () => {
  const active = (other: string) => ok({ status: 'ACTIVE', replicas: [{ region: other, status: 'ACTIVE' }] });
  it('replicas: passes when each table lists the other region ACTIVE, fails on a missing table', () => {
    const good = evaluateReplicasActive({ t: { [E1]: active(E2), [E2]: active(E1) } }, REGIONS);
    const missing = evaluateReplicasActive(
      { t: { [E1]: ok({ status: 'ACTIVE', replicas: [] }), [E2]: ok(undefined) } },
      REGIONS,
    );
    assert.equal(good.ok, true);
    assert.equal(missing.ok, false);
    assert.match(missing.detail, /t: no table in us-east-2/);
    assert.match(missing.detail, /t in us-east-1 has no replica in us-east-2/);
  });
  it('PITR: fails on DISABLED, leaves a missing table to the replica check', () => {
    assert.equal(evaluatePitr({ t: { [E1]: ok('ENABLED'), [E2]: ok(undefined) } }, REGIONS).ok, true);
    const r = evaluatePitr({ t: { [E1]: ok('ENABLED'), [E2]: ok('DISABLED') } }, REGIONS);
    assert.equal(r.ok, false);
    assert.match(r.detail, /t in us-east-2: PITR DISABLED/);
  });
});

describe('canaries', () => {
  it('pass within the timeout, fail when never seen, and report a failed cleanup', () => {
    const seen = evaluateCanary('dynamodb-canary', ok({ ms: 40, from: E1, to: E2 }), 2000);
    const never = evaluateCanary(
      's3-canary',
      ok({ ms: null, from: E1, to: E2, cleanup: 'delete: AccessDenied' }),
      2000,
    );
    assert.equal(seen.ok, true);
    assert.equal(seen.observed, 40);
    assert.equal(never.ok, false);
    assert.match(
      never.detail,
      /did not appear in us-east-2 within 2000 ms; cleanup failed: delete: AccessDenied/,
    );
  });
});

describe('s3 checks', () => {
  const expected = [{ region: E1, sourceBucket: 'b1', destinationBucket: 'b2' }];
  it('replication: a disabled or missing rule fails', () => {
    assert.equal(
      evaluateReplicationEnabled(
        { b1: ok([{ id: 'r', status: 'Enabled', destinationBucket: 'b2' }]) },
        expected,
      ).ok,
      true,
    );
    const disabled = evaluateReplicationEnabled(
      { b1: ok([{ id: 'r', status: 'Disabled', destinationBucket: 'b2' }]) },
      expected,
    );
    assert.match(disabled.detail, /b1: rule r is Disabled/);
    assert.match(evaluateReplicationEnabled({ b1: ok([]) }, expected).detail, /no rule replicating to b2/);
  });
  it('pending operations: no datapoint counts as 0; the worst rule over the limit fails', () => {
    assert.equal(evaluatePendingOperations({ r1: ok(undefined) }, 100).observed, 0);
    const r = evaluatePendingOperations({ r1: ok({ value: 3, at }), r2: ok({ value: 500, at }) }, 100);
    assert.equal(r.ok, false);
    assert.equal(r.observed, 500);
    assert.match(r.detail, /500 operations pending on r2/);
  });
});

describe('lambda-code-equal', () => {
  it('fails on a differing or missing hash, naming the function', () => {
    assert.equal(evaluateCodeEqual({ fn: { [E1]: ok('h1'), [E2]: ok('h1') } }, REGIONS).ok, true);
    assert.match(
      evaluateCodeEqual({ fn: { [E1]: ok('aaa'), [E2]: ok('bbb') } }, REGIONS).detail,
      /^fn: us-east-1 aaa… ≠ us-east-2 bbb…$/,
    );
    assert.match(
      evaluateCodeEqual({ fn: { [E1]: ok('aaa'), [E2]: ok(undefined) } }, REGIONS).detail,
      /fn: missing in us-east-2/,
    );
  });
});

describe('ssm-parameters-equal', () => {
  const regional = '/p/regional';
  it('ignores region-specific keys and never echoes values', () => {
    // Given equal shared values and different regional ones
    const r = evaluateParametersEqual(
      {
        [E1]: ok({ '/p/epoch': '1', '/p/shared/x': 's3cret', '/p/regional/region': E1 }),
        [E2]: ok({ '/p/epoch': '1', '/p/shared/x': 'other', '/p/regional/region': E2 }),
      },
      REGIONS,
      regional,
    );
    // Then only the shared drift is reported, without its values
    assert.equal(r.ok, false);
    assert.equal(r.detail, '/p/shared/x differs between us-east-1 and us-east-2');
    assert.doesNotMatch(r.detail, /s3cret/);
  });
  it('fails on a parameter missing in one region', () => {
    const r = evaluateParametersEqual({ [E1]: ok({ '/p/a': '1' }), [E2]: ok({}) }, REGIONS, regional);
    assert.match(r.detail, /\/p\/a missing in us-east-2/);
  });
});

describe('alarm-definitions-equal', () => {
  const alarm = (region: string, code: string, threshold: number) =>
    normalizeAlarm(
      {
        AlarmName: `p-${code}-lag`,
        Namespace: 'AWS/RDS',
        MetricName: 'AuroraGlobalDBReplicationLag',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: `p-${code}-db` }],
        Statistic: 'Maximum',
        Period: 60,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [`arn:aws:sns:${region}:1:t`],
      },
      `p-${code}-`,
    );
  it('compares definitions without names, ARNs or regional dimension values', () => {
    const same = evaluateAlarmsEqual(
      { [E1]: ok([alarm(E1, 'use1', 1000)]), [E2]: ok([alarm(E2, 'use2', 1000)]) },
      REGIONS,
    );
    const drift = evaluateAlarmsEqual(
      { [E1]: ok([alarm(E1, 'use1', 1000)]), [E2]: ok([alarm(E2, 'use2', 5000)]) },
      REGIONS,
    );
    assert.equal(same.ok, true, same.detail);
    assert.equal(drift.ok, false);
    assert.equal(drift.detail, 'lag: threshold 1000 ≠ 5000');
  });
  it('fails on an alarm missing in one region', () => {
    const r = evaluateAlarmsEqual({ [E1]: ok([alarm(E1, 'use1', 1)]), [E2]: ok([]) }, REGIONS);
    assert.match(r.detail, /lag missing in us-east-2/);
  });
});

describe('event-source-mapping-guard', () => {
  const m = (state: string) => ok([{ uuid: 'u', state }]);
  it('passes only when the active region alone consumes', () => {
    assert.equal(evaluateMappingGuard({ [E1]: m('Enabled'), [E2]: m('Disabled') }, REGIONS, E1).ok, true);
    assert.match(
      evaluateMappingGuard({ [E1]: m('Enabled'), [E2]: m('Enabled') }, REGIONS, E1).detail,
      /split brain/,
    );
    assert.match(
      evaluateMappingGuard({ [E1]: m('Disabled'), [E2]: m('Enabled') }, REGIONS, E1).detail,
      /us-east-2 consumes orders but us-east-1 is active/,
    );
    assert.match(
      evaluateMappingGuard({ [E1]: m('Disabled'), [E2]: m('Disabled') }, REGIONS, E1).detail,
      /no region consumes/,
    );
    // A mapping on its way up (Enabling) already counts as consuming.
    assert.equal(evaluateMappingGuard({ [E1]: m('Enabled'), [E2]: m('Enabling') }, REGIONS, E1).ok, false);
  });
});

describe('resolveActiveRegion', () => {
  const names = { activeRegion: '/p/active-region', epoch: '/p/epoch' };
  it('takes the copy with the highest epoch (a region that was dark holds a stale one)', () => {
    const r = resolveActiveRegion(
      {
        [E1]: ok({ '/p/active-region': E1, '/p/epoch': '1' }),
        [E2]: ok({ '/p/active-region': E2, '/p/epoch': '2' }),
      },
      names,
      E1,
    );
    assert.deepEqual(r, { region: E2, source: 'ssm', epoch: 2 });
  });
  it('falls back to the configured primary when no copy is readable', () => {
    assert.deepEqual(resolveActiveRegion({ [E1]: down }, names, E1), { region: E1, source: 'fallback' });
  });
});

describe('metrics and limits', () => {
  it('latestDatapoint picks the newest timestamp, whatever the order', () => {
    const p = latestDatapoint(
      ['2026-01-01T00:01:00Z', '2026-01-01T00:03:00Z', '2026-01-01T00:02:00Z'],
      [1, 3, 2],
    );
    assert.deepEqual(p, { value: 3, at: '2026-01-01T00:03:00.000Z' });
    assert.equal(latestDatapoint([], []), undefined);
  });
  it('limitsFromParameters reads the shared keys the stacks write, keeping defaults for bad values', () => {
    const l = limitsFromParameters({ 'max-replication-lag-ms': '250', 'canary-timeout-seconds': 'x' });
    assert.deepEqual(l, { ...DEFAULT_LIMITS, maxReplicationLagMs: 250 });
  });
});

describe('rtoBudget', () => {
  it('adds detection (interval × threshold), TTL and orchestration, against the objective', () => {
    // Given the defaults: 10 s × 3, TTL 60, orchestration 5, objective 60
    const b = rtoBudget({
      dns: { ttlSeconds: 60, healthCheck: { intervalSeconds: 10, failureThreshold: 3 } },
      objectives: { rtoSeconds: 60, orchestrationSeconds: 5 },
    });
    // Then the budget is 95 s: over the objective by 35 s
    assert.deepEqual(
      b.items.map((i) => [i.name, i.seconds]),
      [
        ['detection', 30],
        ['dns', 60],
        ['orchestration', 5],
      ],
    );
    assert.equal(b.totalSeconds, 95);
    assert.equal(b.withinObjective, false);
    assert.equal(b.marginSeconds, -35);
  });
  it('is within the objective with a 20 s TTL and 2 failures', () => {
    const b = rtoBudget({
      dns: { ttlSeconds: 20, healthCheck: { intervalSeconds: 10, failureThreshold: 2 } },
      objectives: { rtoSeconds: 60, orchestrationSeconds: 5 },
    });
    assert.equal(b.totalSeconds, 45);
    assert.equal(b.withinObjective, true);
    assert.equal(b.marginSeconds, 15);
  });
});

describe('summarizeCalls (sequential levels)', () => {
  it('counts the longest start-after-end chain, not the number of calls', () => {
    // Given three concurrent calls, then two that start after the first wave
    const calls = [
      { start: 0, end: 10 },
      { start: 0, end: 12 },
      { start: 1, end: 9 },
      { start: 12, end: 20 },
      { start: 12, end: 25 },
    ];
    // Then two levels
    assert.deepEqual(summarizeCalls(calls), { calls: 5, levels: 2, ms: 25 });
    // And a third call after the second wave makes three
    assert.equal(summarizeCalls([...calls, { start: 25, end: 30 }]).levels, 3);
    assert.equal(summarizeCalls([]).levels, 0);
  });
});
