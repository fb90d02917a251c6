/**
 * dr drill in core: the pure measurements, and both scenarios end to end against the
 * emulator with a real PostgreSQL (started here) and the in-process trade processor.
 * The report's figures are checked against what the platform itself says afterwards:
 * rows in PostgreSQL, DescribeGlobalClusters, the executions' histories, the lease.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runDrill } from '../../../src/core/drill/drill.js';
import { objectives, ordersSummary } from '../../../src/core/drill/measure.js';
import type { DrillReport, RtoComponent } from '../../../src/core/drill/model.js';
import type { WriteLoss } from '../../../src/core/failover/write-loss.js';
import { SandboxTarget } from '../../../src/sandbox/drill/sandbox-target.js';
import { writerRegion } from '../../../src/core/drill/scenario.js';
import { readLease } from '../../../src/core/failover/lease.js';
import { LEASE_ID } from '../../../src/core/failover/plan.js';
import { writeReport } from '../../../src/core/report/write.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { startSandboxPlatform, useOrdersDatabase } from '../../sandbox/helpers.js';
import { config, naming, primary, secondary, mapDrillDatabase } from '../failover/helpers.js';

describe('drill measurements (pure)', () => {
  const attempt = (id: string, region: string, accepted: boolean) => ({
    id,
    at: 0,
    region,
    accepted,
    canary: false,
  });
  const component = (name: RtoComponent['name'], ms: number): RtoComponent => ({
    name,
    title: name,
    measuredMs: ms,
    budgetSeconds: null,
    basis: '',
    how: '',
  });
  /** A region outage's lost-write report: `ids` lost over `windowMs`, or not known. */
  const writeLoss = (ids: string[], windowMs: number | null): WriteLoss => ({
    mode: 'unplanned',
    from: primary,
    to: secondary,
    cutAt: '2026-01-01T00:00:01.000Z',
    lagAtCutMs: 20,
    lagAt: '2026-01-01T00:00:00.000Z',
    lastReplicated: { at: '2026-01-01T00:00:00.900Z', clientOrderId: 'r' },
    lost:
      windowMs === null
        ? { known: false, reason: 'us-east-1 does not answer', orders: [], truncated: false }
        : {
            known: true,
            orders: ids.map((clientOrderId) => ({
              clientOrderId,
              writtenAt: '2026-01-01T00:00:00.950Z',
              account: 'DRILL',
              symbol: 'DRL',
              side: 'buy',
              quantity: 1,
              limitPrice: '100.25000000',
              orderedAt: '2026-01-01T00:00:00.950Z',
            })),
            truncated: false,
          },
    lossWindowMs: windowMs,
  });

  it('counts accepted, refused, processed, unprocessed and duplicate orders', () => {
    // Given three attempts (one refused) and rows for one of the accepted twice
    const attempts = [
      attempt('a', primary, true),
      attempt('b', secondary, true),
      attempt('c', primary, false),
    ];
    const rows = [
      { id: 'a', region: primary, epoch: 1, at: 1 },
      { id: 'a', region: primary, epoch: 1, at: 2 },
    ];
    // When summarised
    const s = ordersSummary(attempts, rows);
    // Then every count follows from the inputs
    assert.deepEqual(s.accepted, { [primary]: 1, [secondary]: 1 });
    assert.equal(s.rejected, 1);
    assert.equal(s.processed, 1);
    assert.equal(s.unprocessed, 1);
    assert.equal(s.duplicates, 1);
  });

  it('fails the order-intake objective above the RTO and the RPO objective on a lost canary', () => {
    // Given an intake measured at 61 s against 60 s and one lost canary (the lost writes' window within bounds)
    const verdicts = objectives({
      rtoSeconds: 60,
      writerBoundSeconds: 120,
      maxReplicationLagMs: 1000,
      mode: 'unplanned',
      components: [component('order-intake', 61_000), component('writer-promotion', 2_000)],
      rpo: { lagAtCutMs: 20, canariesWritten: 5, canariesMissing: 1, strandedAtCut: 0 },
      dataLoss: writeLoss(['c'], 100),
      orders: ordersSummary(
        [attempt('a', secondary, true)],
        [{ id: 'a', region: secondary, epoch: 2, at: 1 }],
      ),
      postChecks: { ok: true, passed: 12, failed: 0, failedChecks: [], ms: 1 },
    });
    // Then
    const verdict = (id: string) => verdicts.find((o) => o.id === id)?.verdict;
    assert.equal(verdict('order-intake-rto'), 'fail');
    assert.equal(verdict('writer-promotion'), 'pass');
    assert.equal(verdict('rpo'), 'fail');
    assert.equal(verdict('orders-processed'), 'pass');
    assert.equal(verdict('post-checks'), 'pass');
  });

  it('judges the unplanned RPO on the measured list of lost orders: known, and its window within the lag objective', () => {
    // Given the same scenario measured four ways: nothing lost, two lost within 1000 ms, two lost over 1.2 s, not known
    const rpoOf = (dataLoss: WriteLoss | null) =>
      objectives({
        rtoSeconds: 60,
        writerBoundSeconds: 120,
        maxReplicationLagMs: 1000,
        mode: 'unplanned',
        components: [component('order-intake', 1_000), component('writer-promotion', 2_000)],
        rpo: { lagAtCutMs: 20, canariesWritten: 5, canariesMissing: 0, strandedAtCut: 0 },
        dataLoss,
        orders: ordersSummary(
          [attempt('a', secondary, true), attempt('x', primary, true), attempt('y', primary, true)],
          [{ id: 'a', region: secondary, epoch: 2, at: 1 }],
          '',
          new Set(dataLoss?.mode === 'unplanned' ? dataLoss.lost.orders.map((o) => o.clientOrderId) : []),
        ),
        postChecks: { ok: true, passed: 12, failed: 0, failedChecks: [], ms: 1 },
      });
    const pick = (verdicts: ReturnType<typeof objectives>, id: string) => verdicts.find((o) => o.id === id);

    // Then the verdict follows the list and its window, and the measured text names the count and the window
    const none = pick(rpoOf(writeLoss([], 0)), 'rpo');
    assert.equal(none?.verdict, 'pass');
    assert.equal(none?.measured, '0 orders lost, window 0 ms');
    const within = rpoOf(writeLoss(['x', 'y'], 180));
    assert.equal(pick(within, 'rpo')?.verdict, 'pass');
    assert.equal(pick(within, 'rpo')?.measured, '2 orders lost, window 180 ms');
    assert.match(pick(within, 'rpo')?.detail ?? '', /lag at the cut 20 ms; last replicated r at /);
    // And orders the failover lost are accounted for by the RPO, not left "unprocessed"
    assert.equal(pick(within, 'orders-processed')?.verdict, 'pass');
    assert.equal(pick(rpoOf(writeLoss(['x', 'y'], 1200)), 'rpo')?.verdict, 'fail');
    const unknown = pick(rpoOf(writeLoss([], null)), 'rpo');
    assert.equal(unknown?.verdict, 'fail');
    assert.equal(unknown?.measured, 'lost orders not known');
    assert.match(unknown?.detail ?? '', /^us-east-1 does not answer; /);
    assert.equal(pick(rpoOf(null), 'rpo')?.verdict, 'fail');
    // And without a list, unprocessed orders stay unprocessed
    assert.equal(pick(rpoOf(writeLoss([], 0)), 'orders-processed')?.verdict, 'fail');
  });
});

describe('drill against the emulator (both scenarios)', () => {
  const { endpoint } = useDeployedPlatform();
  const { clients, orders } = useOrdersDatabase(endpoint);

  it('fails over and back in both scenarios, and the report says what the platform says', async () => {
    // Given the deployed sandbox (lag metric on, as `dr sandbox up` leaves it) and the orders database
    // And the emulator's RDS Data API running its SQL there, for both clusters (the fence step)
    await mapDrillDatabase(clients, endpoint, orders.url);
    const platform = await startSandboxPlatform(clients, endpoint, orders.url);
    let report: DrillReport;
    try {
      // When the drill runs both scenarios
      report = await runDrill({
        clients,
        config,
        target: new SandboxTarget(clients, config, endpoint, platform),
        scenarios: ['planned', 'region-outage'],
      });
    } finally {
      await platform.close();
    }

    // Then both scenarios ran to their end and passed
    assert.deepEqual(
      report.scenarios.map((s) => [s.name, s.verdict, s.error]),
      [
        ['planned', 'pass', undefined],
        ['region-outage', 'pass', undefined],
      ],
      JSON.stringify(report.scenarios.map((s) => s.objectives)),
    );
    assert.equal(report.verdict, 'pass');

    for (const s of report.scenarios) {
      {
        // orders counted processed are the rows in PostgreSQL
        assert.ok(s.orders.idPrefix.length > 10);
        const prefix = `${s.orders.idPrefix}-%`;
        const { rows } = await orders.db.query<{ region: string; n: string }>(
          `SELECT written_region AS region, count(*) AS n FROM orders WHERE client_order_id LIKE $1 GROUP BY 1`,
          [prefix],
        );
        const inDb = Object.fromEntries(rows.map((r) => [r.region, Number(r.n)]));
        assert.deepEqual(s.orders.processedBy, inDb);
        assert.equal(
          s.orders.processed,
          Object.values(inDb).reduce((a, b) => a + b, 0),
        );
        assert.equal(s.orders.unprocessed, 0);
        assert.ok((s.orders.processedBy[secondary] ?? 0) > 0, 'the new primary processed orders');
      }

      {
        // the writer after the failover is the one the execution promoted
        const arn = s.failover?.executions.at(-1)?.arn ?? '';
        const execution = await clients.sfn(secondary).describeExecution({ executionArn: arn });
        assert.equal(execution.status, 'SUCCEEDED');
        assert.equal((JSON.parse(execution.input ?? '{}') as { to?: string }).to, s.writerAfterFailover);
        assert.equal(s.writerAfterFailover, secondary);
        assert.equal(s.writerAfterFailback, primary);
      }

      {
        // the timeline steps of each execution follow one another and sum to its span
        const steps = s.timeline.filter((x) => x.lane === 'failover');
        assert.ok(steps.length >= 10, `failover steps on the timeline: ${steps.length}`);
        const byRegion = new Map<string, typeof steps>();
        for (const x of steps) byRegion.set(x.region ?? '', [...(byRegion.get(x.region ?? '') ?? []), x]);
        for (const run of byRegion.values()) {
          for (let i = 1; i < run.length; i += 1) assert.equal(run[i]?.startMs, run[i - 1]?.endMs);
          const sum = run.reduce((acc, x) => acc + (x.endMs - x.startMs), 0);
          assert.equal(sum, (run.at(-1)?.endMs ?? 0) - (run[0]?.startMs ?? 0));
        }
        const intake = s.components.find((c) => c.name === 'order-intake');
        assert.equal(s.timeline.find((x) => x.id === 'rto:order-intake')?.endMs, intake?.measuredMs);
      }
    }

    const outage = report.scenarios[1];
    assert.equal(outage?.detection?.by, `watchdog@${secondary}`);

    // And what each failover lost: nothing by switchover; for the region outage, us-east-1's cluster
    // read once its region was back (both clusters run on one database here: nothing can be missing)
    assert.equal(report.scenarios[0]?.dataLoss?.mode, 'planned');
    const loss = outage?.dataLoss;
    assert.equal(loss?.mode, 'unplanned');
    if (loss?.mode === 'unplanned') {
      assert.equal(loss.lost.known, true, loss.lost.reason);
      assert.deepEqual(loss.lost.orders, []);
      assert.equal(loss.lossWindowMs, 0);
      assert.equal(loss.cutAt, outage?.cutAt);
      // the last replicated point is an order us-east-1 wrote, at the time the database holds
      const { rows } = await orders.db.query<{ region: string; at: string }>(
        `SELECT written_region AS region, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
           FROM orders WHERE client_order_id = $1`,
        [loss.lastReplicated?.clientOrderId],
      );
      assert.deepEqual(rows, [{ region: primary, at: loss.lastReplicated?.at }]);
    }
    assert.equal(outage?.objectives.find((o) => o.id === 'rpo')?.measured, '0 orders lost, window 0 ms');
    assert.ok(outage?.timeline.some((x) => x.id === 'fault:outage'));
    assert.ok((outage?.components.find((c) => c.name === 'detection')?.measuredMs ?? -1) >= 0);

    // And the platform is back where it started: primary writes, lease free, auto-failover as deployed
    assert.equal(await writerRegion(clients, config, secondary), primary);
    assert.equal(await readLease(clients.dynamodb(secondary), naming.leaseTable(), LEASE_ID), undefined);
    const auto = await clients
      .ssm(secondary)
      .getParameter({ Name: naming.ssmShared('auto-failover'), WithDecryption: true });
    assert.equal(auto.Parameter?.Value, config.autoFailover);

    // And the report files exist and parse
    const dir = await mkdtemp(join(tmpdir(), 'dr-drill-report-'));
    try {
      const files = await writeReport(report, dir);
      assert.deepEqual(JSON.parse(await readFile(files.json, 'utf8')), JSON.parse(JSON.stringify(report)));
      const md = await readFile(files.markdown, 'utf8');
      assert.match(md, /^# DR drill: ✅ PASS/);
      const html = await readFile(files.html, 'utf8');
      assert.equal((html.match(/<svg class="timeline"/g) ?? []).length, 2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
