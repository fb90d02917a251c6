/**
 * collectStatus against the emulator over HTTP, on the deployed platform: what it reports,
 * in how many sequential levels, and what it shows when a region does not answer.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../src/aws/clients.js';
import { configSchema } from '../../src/config/schema.js';
import { setHealthCheckStatus, setOutage } from '../../src/sandbox/emulator.js';
import { collectStatus, READINESS_METRIC } from '../../src/core/status.js';
import { inFlightSteps } from '../../src/core/status/steps.js';
import { Naming } from '../../src/contract/naming.js';
import { testClient } from '../emulator/client.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { PlatformState } from './status-helpers.js';
import { emulatorClients } from '../emulator/credentials.js';

const { endpoint } = useDeployedPlatform();
const config = configSchema.parse({ app: 'trading', dns: { domain: 'trading.example.com' } });
const naming = new Naming(config);
const [E1, E2] = ['us-east-1', 'us-east-2'];
let clients: AwsClients;
const platform = new PlatformState(endpoint, config);
const codes = (status: { unsafe: ReadonlyArray<{ code: string }> }) => status.unsafe.map((u) => u.code);

beforeEach(async () => {
  clients?.destroy();
  clients = emulatorClients(endpoint, 1500);
});
after(() => clients?.destroy());

describe('collectStatus against the emulator', () => {
  it('shows the deployed platform, in at most two sequential levels', async () => {
    // Given lag and a readiness result published, and one alarm firing in us-east-2
    await clients.cloudwatch(E2).putMetricData({
      Namespace: 'AWS/RDS',
      MetricData: [
        {
          MetricName: 'AuroraGlobalDBReplicationLag',
          Dimensions: [{ Name: 'DBClusterIdentifier', Value: naming.dbCluster(E2) }],
          Value: 120,
        },
      ],
    });
    await clients.cloudwatch(E2).putMetricData({
      Namespace: naming.metricsNamespace(),
      MetricData: [{ MetricName: READINESS_METRIC, Dimensions: [{ Name: 'Region', Value: E2 }], Value: 1 }],
    });
    await testClient(CloudWatchClient, E2, { endpoint }).send(
      new SetAlarmStateCommand({
        AlarmName: naming.alarm(E2, 'dlq-depth'),
        StateValue: 'ALARM',
        StateReason: 'test: 3 messages in the DLQ',
      }),
    );

    // When the status is collected
    const status = await collectStatus({ clients, config });

    // Then every section is there
    assert.deepEqual(status.unreachable, []);
    assert.equal(status.active.region, E1);
    assert.equal(status.active.epoch, 1);
    assert.equal(status.active.agreed, true);
    assert.equal(status.dns.servingRegion, E1);
    assert.deepEqual(
      status.dns.records.map((r) => [r.failover, r.region, r.healthy]),
      [
        ['PRIMARY', E1, true],
        ['SECONDARY', E2, true],
      ],
    );
    assert.equal(status.aurora.writerRegion, E1);
    assert.deepEqual(
      status.aurora.members.map((m) => [m.region, m.status, m.writer, m.lag?.value ?? null]),
      [
        [E1, 'available', true, null],
        [E2, 'available', false, 120],
      ],
    );
    for (const table of status.dynamodb) {
      for (const r of table.regions)
        assert.deepEqual([r.status, r.pitr, r.replicas.length], ['ACTIVE', 'ENABLED', 1]);
    }
    assert.equal(status.s3.length, 4);
    assert.ok(status.s3.every((r) => r.status === 'Enabled' && r.pendingOperations === 0));
    assert.deepEqual(
      status.alarms.map((a) => [a.region, a.firing.map((f) => f.name)]),
      [
        [E1, []],
        [E2, [naming.alarm(E2, 'dlq-depth')]],
      ],
    );
    assert.deepEqual(
      status.eventSourceMappings.map((m) => [m.region, m.consuming]),
      [
        [E1, true],
        [E2, false],
      ],
    );
    assert.deepEqual(
      status.readiness.map((r) => [r.region, r.ready]),
      [
        [E1, null],
        [E2, true],
      ],
    );
    assert.equal(status.rto.totalSeconds, 55);
    assert.equal(status.rto.withinObjective, true);
    // And nothing unsafe: one consumer, SSM agreed, DNS on the writer, no lease
    assert.deepEqual(status.unsafe, []);
    assert.deepEqual(status.operations, { lease: null, inFlight: [], errors: [] });
    // And the measured call graph is at most two levels deep
    assert.ok(status.trace.calls >= 30, `${status.trace.calls} calls`);
    assert.ok(status.trace.levels <= 2, `${status.trace.levels} levels`);
  });

  it('an unhealthy PRIMARY health check sends DNS to the secondary', async () => {
    // Given the primary's health check failing
    const checks = (await clients.route53(E1).listHealthChecks({})).HealthChecks ?? [];
    const primaryCheck = checks.find(
      (c) =>
        c.HealthCheckConfig?.FullyQualifiedDomainName ===
        naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, E1),
    );
    assert.ok(primaryCheck?.Id);
    await setHealthCheckStatus(endpoint, primaryCheck.Id, 'Failure');
    // When / Then
    const status = await collectStatus({ clients, config });
    assert.equal(status.dns.records[0]?.healthy, false);
    assert.equal(status.dns.servingRegion, E2);
  });

  describe('unsafe states', () => {
    it("no region consuming: NO_CONSUMER, repaired by enabling the active region's mapping", async () => {
      // Given the trade processor's mapping disabled in both regions
      const [uuid] = await platform.setConsuming(E1, false);
      // When
      const status = await collectStatus({ clients, config });
      // Then
      assert.deepEqual(codes(status), ['NO_CONSUMER']);
      const [finding] = status.unsafe;
      assert.match(finding?.message ?? '', /no region consumes orders/);
      assert.equal(finding?.duringOperation, false);
      assert.equal(
        finding?.repair,
        `aws lambda update-event-source-mapping --region ${E1} --uuid ${uuid} --enabled`,
      );
    });

    it("both regions consuming: TWO_CONSUMERS, repaired by disabling the standby's mapping", async () => {
      // Given us-east-2's mapping enabled next to us-east-1's
      const [uuid] = await platform.setConsuming(E2, true);
      // When
      const status = await collectStatus({ clients, config });
      // Then
      assert.deepEqual(codes(status), ['TWO_CONSUMERS']);
      assert.match(status.unsafe[0]?.message ?? '', /split brain: us-east-1 and us-east-2 both consume/);
      assert.equal(
        status.unsafe[0]?.repair,
        `aws lambda update-event-source-mapping --region ${E2} --uuid ${uuid} --no-enabled`,
      );
    });

    it('SSM copies disagreeing: SSM_DISAGREE, naming both copies', async () => {
      // Given us-east-2's copy naming itself active at the same epoch
      await platform.putActiveRegion(E2, E2);
      // When
      const status = await collectStatus({ clients, config });
      // Then
      assert.ok(codes(status).includes('SSM_DISAGREE'), JSON.stringify(status.unsafe));
      const finding = status.unsafe.find((u) => u.code === 'SSM_DISAGREE');
      assert.match(
        finding?.message ?? '',
        /us-east-1 says active-region us-east-1, epoch 1; us-east-2 says active-region us-east-2, epoch 1/,
      );
      assert.match(
        finding?.repair ?? '',
        new RegExp(`--region ${E2} --name ${naming.ssmActiveRegion()} --value ${E1}`),
      );
    });

    it('DNS answering another region than the writer: DNS_NOT_WRITER only once past the DNS budget', async () => {
      // Given the platform just moved (active-region written now) and DNS answering us-east-2
      await platform.putActiveRegion(E1, E1);
      const movedAt = await platform.activeRegionWrittenAt(E1);
      await platform.failPrimaryHealthCheck();
      // When read within the budget (interval 10 s × 3 + TTL 20 s = 50 s)
      const early = await collectStatus({ clients, config, now: new Date(movedAt.getTime() + 10_000) });
      // Then DNS is still allowed to catch up
      assert.equal(early.dns.servingRegion, E2);
      assert.deepEqual(codes(early), []);
      // When read past it
      const late = await collectStatus({ clients, config, now: new Date(movedAt.getTime() + 51_000) });
      // Then it is unsafe, with the budget named
      assert.deepEqual(codes(late), ['DNS_NOT_WRITER']);
      assert.match(
        late.unsafe[0]?.message ?? '',
        /answers us-east-2 but the Aurora writer is in us-east-1, 51 s after/,
      );
      assert.match(
        late.unsafe[0]?.message ?? '',
        /budget 50 s \(10 s health-check interval × 3 failures \+ 20 s TTL\)/,
      );
    });

    it('a lease held by a dead process, nothing in flight: LEASE_ORPHANED, shown as not running', async () => {
      // Given a lease whose CLI (a pid on this host) is gone
      const { pid } = await platform.putDeadLease(E2);
      // When
      const status = await collectStatus({ clients, config });
      // Then the lease is shown as held by nothing running…
      const lease = status.operations.lease;
      assert.equal(lease?.holder, 'alice@example.com');
      assert.equal(lease?.running, false);
      assert.equal(lease?.expired, false);
      assert.match(lease?.reason ?? '', new RegExp(`pid ${pid} .* is gone`));
      assert.deepEqual(status.operations.inFlight, []);
      // …and named unsafe, with how to resume or take it over
      assert.deepEqual(codes(status), ['LEASE_ORPHANED']);
      const [finding] = status.unsafe;
      assert.match(
        finding?.message ?? '',
        /alice@example.com holds the DR lease \(failover failover-dead-1, .*\) but nothing runs it/,
      );
      assert.equal(
        finding?.repair,
        'as alice@example.com, re-run `dr failover --to us-east-2 --planned` to resume it; anyone else: `dr failover --to us-east-2 --planned --take-over`',
      );
    });

    it('a lease whose process still runs is not unsafe', async () => {
      // Given a lease held by this (running) process with a fresh heartbeat
      await platform.putLiveLease(E1);
      // When
      const status = await collectStatus({ clients, config });
      // Then
      assert.equal(status.operations.lease?.running, true);
      assert.deepEqual(status.unsafe, []);
    });
  });

  for (const mode of ['refuse', 'hang'] as const) {
    it(`us-east-1 down (${mode}): us-east-2 is still shown and us-east-1 is listed unreachable`, async () => {
      // Given us-east-1 in an outage
      await setOutage(endpoint, E1, mode);
      // When
      const started = Date.now();
      const status = await collectStatus({ clients, config });
      // Then within a few timeouts, us-east-1 (and Route 53, which signs for it) is unreachable…
      assert.ok(Date.now() - started < 10_000);
      assert.deepEqual(
        status.unreachable.map((u) => u.region),
        [E1],
      );
      assert.match(status.dns.error ?? '', /us-east-1 did not answer/);
      assert.match(status.active.byRegion[0]?.error ?? '', /us-east-1 did not answer/);
      // …while us-east-2's view is complete
      assert.deepEqual(status.active.byRegion[1], { region: E2, activeRegion: E1, epoch: 1 });
      assert.equal(status.active.region, E1);
      assert.equal(status.aurora.members[1]?.status, 'available');
      assert.equal(status.aurora.writerRegion, E1, 'us-east-2 still describes the global cluster');
      assert.deepEqual(status.eventSourceMappings[1], { region: E2, states: ['Disabled'], consuming: false });
      // And nothing is guessed about what only us-east-1 could say (its mapping, its SSM copy)
      assert.deepEqual(status.unsafe, []);
      assert.ok(status.s3.filter((r) => r.region === E2).every((r) => r.status === 'Enabled'));
      assert.ok(status.trace.levels <= 2);
    });
  }
});

/**
 * The steps of an in-flight execution, from its history. A unit test of the pure mapping:
 * no test here starts an execution (one runs for seconds, and its history is what
 * Step Functions returns, so the mapping is what needs covering).
 */
describe('inFlightSteps (history events → step states)', () => {
  const t0 = new Date('2026-12-07T12:00:00Z').getTime();
  const history = (...states: string[]): HistoryEvent[] => [
    { id: 1, type: 'ExecutionStarted', timestamp: new Date(t0) },
    ...states.map((name, i): HistoryEvent => ({
      id: i + 2,
      type: name === 'Phase' ? 'ChoiceStateEntered' : 'TaskStateEntered',
      timestamp: new Date(t0 + (i + 1) * 100),
      stateEnteredEventDetails: { name, input: '{}' },
    })),
  ];
  const states = (steps: ReadonlyArray<{ id: string; state: string }>) =>
    steps.map((s) => `${s.id}:${s.state}`);

  it('a planned promote waiting for the writer: the steps before done, it running, the rest pending', () => {
    // Given a history up to the writer poll (shuffled: the mapping orders events by id)
    const events = history(
      'Phase',
      'take-lease/UpdateItem',
      'pre-checks/DescribeGlobalCluster',
      'pre-checks/Evaluate',
      'fence-surviving-region/ActiveRegion',
      'fence-surviving-region/Epoch',
      'promote/Switchover',
      'wait-for-writer/Start',
      'wait-for-writer/Describe',
      'wait-for-writer/Wait',
    ).reverse();
    // When
    const steps = inFlightSteps(events, 'promote', 'planned');
    // Then every promote step is listed in STEPS order, with where it is
    assert.deepEqual(states(steps), [
      'take-lease:done',
      'pre-checks:done',
      'fence-surviving-region:done',
      'promote:done',
      'wait-for-writer:running',
      'fence-database:pending',
      'shift-traffic:pending',
      'enable-new-primary:pending',
      'verify:pending',
      'emit-event:pending',
      'release-lease:pending',
    ]);
    assert.equal(steps[4]?.title, 'Wait for the new writer');
  });

  it('a step caught failing, the execution still in its failure states: that step failed, the rest pending', () => {
    // Given the database fence failed and the failure branch is emitting its event
    const events = history(
      'Phase',
      'take-lease/UpdateItem',
      'pre-checks/Evaluate',
      'fence-surviving-region/Epoch',
      'promote/Failover',
      'wait-for-writer/Evaluate',
      'fence-database/ExecuteStatement',
      'fence-database/Failed',
      'failure/Event',
    );
    // When
    const steps = inFlightSteps(events, 'promote', 'unplanned');
    // Then
    assert.deepEqual(states(steps).slice(4, 7), [
      'wait-for-writer:done',
      'fence-database:failed',
      'shift-traffic:pending',
    ]);
  });

  it('a demote phase lists only its own steps; nothing entered yet is all pending', () => {
    // Given / When
    const started = inFlightSteps(history('Phase'), 'demote', 'planned');
    const fencing = inFlightSteps(history('Phase', 'fence-old-primary/DisableMapping'), 'demote', 'planned');
    // Then
    assert.deepEqual(states(started), ['fence-old-primary:pending']);
    assert.deepEqual(states(fencing), ['fence-old-primary:running']);
    assert.deepEqual(inFlightSteps(history('Phase'), 'demote', 'unplanned'), []);
  });
});
