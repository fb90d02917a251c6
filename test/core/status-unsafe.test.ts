/**
 * evaluateUnsafe, the pure half of `dr status`'s unsafe states: what an operation in
 * flight changes (a running execution is hard to hold still on the deployed sandbox;
 * the states themselves are tested there, in status.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { evaluateUnsafe, type UnsafeInputs } from '../../src/core/status-unsafe.js';

const config = configSchema.parse({ app: 'trading', dns: { domain: 'trading.example.com' } });
const [E1, E2] = ['us-east-1', 'us-east-2'];
const now = new Date('2025-01-01T12:00:00Z');

const safe: UnsafeInputs = {
  config,
  now,
  regions: [E1, E2],
  activeRegion: E1,
  control: [
    { region: E1, activeRegion: E1, epoch: 1 },
    { region: E2, activeRegion: E1, epoch: 1 },
  ],
  parameterNames: { activeRegion: '/trading/prod/active-region', epoch: '/trading/prod/epoch' },
  movedAt: '2025-01-01T11:00:00.000Z',
  mappings: [
    { region: E1, mappings: [{ uuid: 'u1', state: 'Enabled' }] },
    { region: E2, mappings: [{ uuid: 'u2', state: 'Disabled' }] },
  ],
  dnsServingRegion: E1,
  dnsName: 'api.trading.example.com',
  writerRegion: E1,
  lease: null,
  inFlight: [],
  executionsUnknown: [],
};
const deadLease = {
  holder: 'alice',
  operation: 'failover',
  operationId: 'f-1',
  startedAt: '2025-01-01T11:58:00.000Z',
  expired: false,
  running: false,
  reason: 'no heartbeat from its process for 90 s',
  to: E2,
  mode: 'planned',
};
/** SSM copies apart: us-east-1 still says itself at epoch 1, us-east-2 says itself at epoch 2. */
const ssmApart: UnsafeInputs['control'] = [
  { region: E1, activeRegion: E1, epoch: 1 },
  { region: E2, activeRegion: E2, epoch: 2 },
];
const flight = { region: E2, operation: 'failover' as const, execution: 'failover-f-1-promote' };

describe('evaluateUnsafe', () => {
  it('a consistent platform is safe', () => {
    assert.deepEqual(evaluateUnsafe(safe), []);
  });

  it('mid-failover (mappings off, SSM copies apart): still unsafe, marked as during an operation, no repair', () => {
    // Given an execution in flight between fencing and enabling the new primary
    const findings = evaluateUnsafe({
      ...safe,
      activeRegion: E2,
      control: ssmApart,
      mappings: [
        { region: E1, mappings: [{ uuid: 'u1', state: 'Disabled' }] },
        { region: E2, mappings: [{ uuid: 'u2', state: 'Disabled' }] },
      ],
      inFlight: [flight],
    });
    // Then both are reported, each saying what runs, and no repair is offered
    assert.deepEqual(
      findings.map((f) => [f.code, f.duringOperation, f.repair]),
      [
        ['NO_CONSUMER', true, undefined],
        ['SSM_DISAGREE', true, undefined],
      ],
    );
    for (const f of findings)
      assert.match(f.message, /expected while failover execution failover-f-1-promote runs in us-east-2/);
  });

  it('SSM copies apart: the repair copies the highest epoch into the stale region', () => {
    const [finding] = evaluateUnsafe({
      ...safe,
      activeRegion: E2,
      control: ssmApart,
      mappings: [
        { region: E1, mappings: [{ uuid: 'u1', state: 'Disabled' }] },
        { region: E2, mappings: [{ uuid: 'u2', state: 'Enabled' }] },
      ],
      writerRegion: E2,
      dnsServingRegion: E2,
    });
    assert.equal(finding?.code, 'SSM_DISAGREE');
    assert.equal(
      finding?.repair,
      `aws ssm put-parameter --region ${E1} --name /trading/prod/active-region --value ${E2} --overwrite && aws ssm put-parameter --region ${E1} --name /trading/prod/epoch --value 2 --overwrite`,
    );
  });

  it('a lease whose CLI is gone while its execution still runs is not orphaned', () => {
    assert.deepEqual(evaluateUnsafe({ ...safe, lease: deadLease, inFlight: [flight] }), []);
  });

  it('an expired lease is not orphaned (the next operation takes it over)', () => {
    assert.deepEqual(evaluateUnsafe({ ...safe, lease: { ...deadLease, expired: true } }), []);
  });

  it('an unread region decides nothing: mappings unknown there, executions unknown everywhere', () => {
    assert.deepEqual(
      evaluateUnsafe({
        ...safe,
        mappings: [{ region: E1 }, { region: E2, mappings: [{ uuid: 'u2', state: 'Disabled' }] }],
        lease: deadLease,
        executionsUnknown: [E1, E2],
      }),
      [],
    );
  });

  it('DNS off the writer with no known move time is reported (nothing says it is in its budget)', () => {
    const [finding] = evaluateUnsafe({ ...safe, dnsServingRegion: E2, movedAt: null });
    assert.equal(finding?.code, 'DNS_NOT_WRITER');
    assert.match(finding?.message ?? '', /since an unknown time/);
  });
});
