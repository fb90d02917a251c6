/**
 * A drill report for the rendering tests: the shape `runDrill` returns, with figures
 * chosen here (rendering is under test, not the drill). One scenario passes, the other
 * misses its order-intake objective, so both verdict styles render.
 */
import type { DrillReport, ScenarioReport, TimelineStep } from '../../../src/core/drill/model.js';
import { switchoverLoss, type WriteLoss } from '../../../src/core/failover/write-loss.js';
import { stepsFor } from '../../../src/contract/steps.js';
import { rtoBudget } from '../../../src/core/rto-budget.js';
import { config } from '../failover/helpers.js';

/** The region outage's loss: two orders written after the last replicated point. */
export const FIXTURE_LOSS: WriteLoss = {
  mode: 'unplanned',
  from: 'us-east-1',
  to: 'us-east-2',
  cutAt: '2026-01-01T00:00:01.000Z',
  lagAtCutMs: 180,
  lagAt: '2026-01-01T00:00:00.000Z',
  lastReplicated: { at: '2026-01-01T00:00:00.850Z', clientOrderId: 'drill-x-o-00011' },
  lost: {
    known: true,
    orders: ['00012', '00013'].map((n, i) => ({
      clientOrderId: `drill-x-o-${n}`,
      writtenAt: `2026-01-01T00:00:00.9${i}0Z`,
      account: 'DRILL',
      symbol: 'DRL',
      side: 'buy',
      quantity: 3,
      limitPrice: '101.25000000',
      orderedAt: `2026-01-01T00:00:00.9${i}0Z`,
    })),
    truncated: false,
  },
  lossWindowMs: 150,
};

function scenario(name: 'planned' | 'region-outage', intakeMs: number): ScenarioReport {
  const mode = name === 'planned' ? 'planned' : 'unplanned';
  let at = 300;
  const timeline: TimelineStep[] = [
    {
      id: 'checks:pre',
      title: 'Pre-checks (verify-sync)',
      lane: 'checks',
      startMs: -400,
      endMs: -150,
      outcome: 'succeeded',
    },
    {
      id: 'rto:order-intake',
      title: 'Order intake',
      lane: 'orders',
      startMs: 0,
      endMs: intakeMs,
      outcome: 'succeeded',
    },
    ...stepsFor(mode).map((s): TimelineStep => {
      const start = at;
      at += 40 + s.title.length * 3;
      return {
        id: `failover:${s.id}`,
        title: s.title,
        lane: 'failover',
        region: 'us-east-2',
        startMs: start,
        endMs: at,
        outcome: 'succeeded',
        awsMs: 20,
      };
    }),
  ];
  const pass = intakeMs <= 60_000;
  return {
    name,
    title: name === 'planned' ? 'Planned switchover' : 'Region outage (automatic failover)',
    verdict: pass ? 'pass' : 'fail',
    from: 'us-east-1',
    to: 'us-east-2',
    cutAt: '2026-01-01T00:00:01.000Z',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:09.000Z',
    wallMs: 9000,
    writerAfterFailover: 'us-east-2',
    writerAfterFailback: 'us-east-1',
    failover: {
      operationId: 'failover-x',
      mode,
      startedBy: 'tester',
      outcome: 'succeeded',
      totalMs: at - 300,
      executions: [],
    },
    failback: { operationId: 'failback-x', outcome: 'succeeded', totalMs: 1200 },
    components: [
      {
        name: 'detection',
        title: 'Detection',
        measuredMs: 600,
        budgetSeconds: 30,
        basis: '',
        how: 'watchdog',
      },
      {
        name: 'dns-shift',
        title: 'DNS shift',
        measuredMs: 700,
        budgetSeconds: 50,
        basis: '',
        how: 'records',
      },
      {
        name: 'writer-promotion',
        title: 'Writer promotion',
        measuredMs: 1100,
        budgetSeconds: 120,
        basis: '',
        how: 'rds',
      },
      {
        name: 'order-intake',
        title: 'Order intake',
        measuredMs: intakeMs,
        budgetSeconds: 55,
        basis: '',
        how: 'sqs',
      },
      {
        name: 'order-processing',
        title: 'Order processing',
        measuredMs: intakeMs + 500,
        budgetSeconds: null,
        basis: '',
        how: 'db',
      },
    ],
    rpo: { lagAtCutMs: 20, canariesWritten: 5, canariesMissing: 0, strandedAtCut: 0 },
    dataLoss: name === 'planned' ? switchoverLoss() : FIXTURE_LOSS,
    pace: { name: 'compressed', factor: 50 },
    orders: {
      idPrefix: 'drill-x',
      sent: 20,
      accepted: { 'us-east-1': 12, 'us-east-2': 6 },
      rejected: 2,
      processed: 18,
      unprocessed: 0,
      processedBy: { 'us-east-1': 12, 'us-east-2': 6 },
      duplicates: 0,
      lostInFailover: 0,
    },
    preChecks: { ok: true, passed: 12, failed: 0, failedChecks: [], ms: 200 },
    postChecks: { ok: true, passed: 12, failed: 0, failedChecks: [], ms: 150 },
    objectives: [
      {
        id: 'order-intake-rto',
        title: 'Order-intake RTO',
        verdict: pass ? 'pass' : 'fail',
        target: '≤ 60 s',
        measured: `${(intakeMs / 1000).toFixed(1)} s`,
        detail: '',
      },
      {
        id: 'writer-promotion',
        title: 'Writer promotion',
        verdict: 'pass',
        target: '≤ 120 s',
        measured: '1.1 s',
        detail: '',
      },
      { id: 'rpo', title: 'RPO', verdict: 'pass', target: '0 canaries lost', measured: '0/5', detail: '' },
      {
        id: 'orders-processed',
        title: 'Orders processed',
        verdict: 'pass',
        target: 'all',
        measured: '18/18',
        detail: '',
      },
      {
        id: 'post-checks',
        title: 'Post-checks (verify-sync)',
        verdict: 'pass',
        target: 'all',
        measured: '12/12',
        detail: '',
      },
    ],
    timeline,
    notes: [],
  };
}

export function fixtureReport(): DrillReport {
  const scenarios = [scenario('planned', 1400), scenario('region-outage', 61_000)];
  return {
    kind: 'dr-drill-report',
    version: 1,
    verdict: 'fail',
    environment: {
      target: 'sandbox',
      endpoint: 'http://127.0.0.1:1',
      regions: { primary: 'us-east-1', secondary: 'us-east-2' },
      app: 'trading',
      stage: 'prod',
      operator: 'tester <script>',
      host: 'host',
      node: process.version,
    },
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:00:20.000Z',
    wallMs: 20_000,
    objectives: { rtoSeconds: 60, maxReplicationLagMs: 1000, writerPromotionSeconds: 120 },
    budget: rtoBudget(config),
    lease: { table: 'lease', holder: 'tester', notes: 'held' },
    scenarios,
    simplifications: ['one database'],
  };
}
