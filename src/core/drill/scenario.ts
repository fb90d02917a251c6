/**
 * One drill scenario, end to end, against a target (./target.ts: AWS or the sandbox):
 *
 *   pre-checks (verify-sync) → canaries committed → orders flowing → the cut →
 *   failover (planned: switchover through the failover core; region-outage: the primary
 *   stops answering, its health checks fail, and the watchdog's own code fires the
 *   unplanned failover) → new primary takes and processes orders → failback (region
 *   restored first, and read for the writes the failover lost before Aurora re-syncs it)
 *   → every accepted order processed → post-checks (verify-sync).
 *
 * Everything in the result is observed: times come from the order ledger, the database
 * rows, the health checkers, DescribeGlobalClusters polls and the executions' histories.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { findRunning, followExecution } from '../failover/execution.js';
import { fenceReturnedRegion } from '../failover/fence-returned.js';
import { operate, type OperateResult } from '../failover/operate.js';
import { readStateMachineArn, type OperationPlan, type Timing } from '../failover/plan.js';
import type { OperationResult } from '../failover/run.js';
import { describeWriteLoss, readWriteLoss, switchoverLoss, type DataLoss } from '../failover/write-loss.js';
import { readLatest } from '../checks/metrics.js';
import { silentReporter, type Reporter } from '../reporter.js';
import type { RtoBudget } from '../rto-budget.js';
import { verifySync } from '../verify-sync.js';
import { abortable, interruptOf, sleep, StepTracker, throwIfInterrupted, within } from './interrupt.js';
import { executionTimeline, objectives, ordersSummary, rtoComponents } from './measure.js';
import type { ChecksSummary, RpoMeasure, ScenarioName, ScenarioReport, TimelineStep } from './model.js';
import { OrderLedger, OrderStream, type ProcessedRow } from './orders.js';
import { paceSuffix } from './pace.js';
import type { DrillTarget } from './target.js';

/** `arn:…:stateMachine:NAME` + execution name → `arn:…:execution:NAME:EXEC`. */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

export interface ScenarioContext {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly target: DrillTarget;
  readonly reporter?: Reporter;
  readonly runId: string;
  readonly timing: Timing;
  readonly budget: RtoBudget;
  /** Takes the drill's lease back (after an execution released it). */
  readonly takeLease: () => Promise<void>;
  /** Hands the lease over (to the watchdog). */
  readonly dropLease: () => Promise<void>;
  /** Aborted (reason: an `Interrupt`) when SIGINT/SIGTERM stops the drill. */
  readonly signal?: AbortSignal;
  /** Where an interrupted scenario writes what it put back and what it left. */
  readonly interruption?: InterruptionLog;
}

/** Filled by an interrupted scenario on its way out. */
export interface InterruptionLog {
  readonly restored: string[];
  readonly left: string[];
  /** A failover/failback execution was still running when the drill stopped waiting. */
  executionRunning: boolean;
}

/**
 * Polls `cond` every `everyMs` until true or `timeoutMs`; true when it held. Rejects with
 * the Interrupt as soon as `signal` aborts.
 */
export async function until(
  cond: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 50,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await abortable(Promise.resolve(cond()), signal)) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs, signal);
  }
}

/** The region whose cluster is the global writer, as DescribeGlobalClusters in `askRegion` says. */
export async function writerRegion(
  clients: AwsClients,
  config: DrConfig,
  askRegion: string,
): Promise<string | null> {
  const naming = new Naming(config);
  const out = await clients
    .rds(askRegion)
    .describeGlobalClusters({ GlobalClusterIdentifier: naming.globalCluster() });
  const arn = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  return (
    [config.regions.primary, config.regions.secondary].find((r) =>
      arn?.endsWith(`:cluster:${naming.dbCluster(r)}`),
    ) ?? null
  );
}

async function runChecks(ctx: ScenarioContext): Promise<ChecksSummary> {
  const result = await verifySync({ clients: ctx.clients, config: ctx.config });
  return {
    ok: result.ok,
    passed: result.passed,
    failed: result.failed,
    failedChecks: result.checks.filter((c) => !c.ok).map((c) => c.name),
    ms: result.ms,
  };
}

async function history(clients: AwsClients, region: string, executionArn: string): Promise<HistoryEvent[]> {
  const page = await clients.sfn(region).getExecutionHistory({ executionArn, maxResults: 1000 });
  return page.events ?? [];
}

/** Runs `operate`, telling the target when the plan's promote execution starts. */
async function runOperation(
  ctx: ScenarioContext,
  operation: 'failover' | 'failback',
  to: string,
  inFlight: Array<Promise<unknown>>,
  gate?: () => Promise<void>,
): Promise<OperationResult> {
  const running: Promise<OperateResult> = operate({
    clients: ctx.clients,
    config: ctx.config,
    operation,
    to,
    mode: 'planned',
    dryRun: false,
    reporter: ctx.reporter ?? silentReporter,
    timing: ctx.timing,
    pollMs: 100,
    syncTimeoutMs: ctx.target.tuning.settleTimeoutMs,
    syncPollMs: 250,
    // Interrupted before anything changed: the operation does not start.
    confirm: async (plan: OperationPlan) => {
      if (ctx.signal?.aborted) return false;
      const promote = plan.phases.find((p) => p.phase === 'promote');
      if (promote) {
        ctx.target.promoteStarted(
          promote.region,
          executionArnOf(promote.stateMachineArn, promote.executionName),
          { activeRegion: plan.to, epoch: plan.epoch },
        );
      }
      return true;
    },
    // An interrupt while the failback waits for sync ends the wait (nothing started yet).
    ...(gate
      ? {
          gate: async () => {
            throwIfInterrupted(ctx.signal);
            await gate();
          },
        }
      : {}),
  });
  // An interrupt does not stop the operation midway (its executions run server-side and
  // the CLI starts the next phase): the scenario waits for it on the way out.
  inFlight.push(running);
  const outcome = await abortable(running, ctx.signal);
  if (outcome.kind !== 'done') {
    throwIfInterrupted(ctx.signal);
    throw new Error(`the ${operation} did not run (${outcome.kind})`);
  }
  return outcome.result;
}

export async function runScenario(ctx: ScenarioContext, name: ScenarioName): Promise<ScenarioReport> {
  const { clients, config, target, signal } = ctx;
  const tuning = target.tuning;
  const tracker = new StepTracker(ctx.reporter ?? silentReporter);
  const reporter: Reporter = tracker;
  ctx = { ...ctx, reporter };
  const naming = new Naming(config);
  const from = config.regions.primary;
  const to = config.regions.secondary;
  const startedAt = Date.now();
  const ledger = new OrderLedger(
    (region, body) => target.submitOrder(region, body),
    `${ctx.runId}-${name === 'planned' ? 'p' : 'o'}`,
  );
  const stream = new OrderStream(ledger, () => target.answer(), tuning.orderEveryMs);
  const spans: Array<Omit<TimelineStep, 'startMs' | 'endMs'> & { start: number; end: number }> = [];
  const executions: Array<{ region: string; arn: string; lane: 'failover' | 'failback' }> = [];
  const notes: string[] = [];
  let cut = startedAt;
  let preChecks: ChecksSummary | null = null;
  let postChecks: ChecksSummary | null = null;
  let failover: ScenarioReport['failover'] = null;
  let failback: ScenarioReport['failback'] = null;
  let dataLoss: DataLoss | null = null;
  // Every time the scenario reports says at which pace it was measured.
  const paced = paceSuffix(tuning.pace, target.kind);
  let detection: ScenarioReport['detection'];
  let detectedAt: number | undefined;
  let writerPromotedAt: number | undefined;
  let writerAfterFailover: string | null = null;
  let writerAfterFailback: string | null = null;
  let outageAt: number | undefined;
  let outageStarted = false;
  let restoredAt: number | undefined;
  let error: string | undefined;
  let interrupted: ScenarioReport['interrupted'];
  // Where the scenario is, for an interrupted run's report and message.
  let phase = 'pre-checks (verify-sync)';
  // Work an interrupt must not cut midway: operations (their executions run server-side),
  // the in-process watchdog (it may be starting the failover), fencing the returned region.
  const inFlight: Array<Promise<unknown>> = [];
  const rpo = {
    lagAtCutMs: null as number | null,
    lagAt: undefined as string | undefined,
    canariesWritten: 0,
    canariesMissing: 0,
    strandedAtCut: 0,
  };
  let writerWatch: Promise<void> = Promise.resolve();
  let watching = false;
  const rows = () => abortable(target.processedRows(ledger.prefix), signal);
  // The orders the unplanned failover lost never show up again: nothing waits for them.
  const lostIds = () =>
    new Set(dataLoss?.mode === 'unplanned' ? dataLoss.lost.orders.map((o) => o.clientOrderId) : []);
  const allProcessed = async (regions: readonly string[]) => {
    const done = new Set((await rows()).map((r) => r.id));
    const lost = lostIds();
    return ledger.accepted((a) => regions.includes(a.region)).every((a) => done.has(a.id) || lost.has(a.id));
  };
  const wait = (cond: () => boolean | Promise<boolean>) => until(cond, tuning.settleTimeoutMs, 50, signal);

  try {
    throwIfInterrupted(signal);
    // ---- pre-checks -------------------------------------------------------------------
    const preStep = reporter.step(`${name}: pre-checks (verify-sync)`);
    const preStart = Date.now();
    preChecks = await abortable(runChecks(ctx), signal);
    spans.push({
      id: 'checks:pre',
      title: 'Pre-checks (verify-sync)',
      lane: 'checks',
      start: preStart,
      end: Date.now(),
      outcome: preChecks.ok ? 'succeeded' : 'failed',
    });
    if (!preChecks.ok) {
      preStep.fail(preChecks.failedChecks.join(', '));
      throw new Error(`pre-checks failed: ${preChecks.failedChecks.join(', ')}`);
    }
    preStep.succeed(`${preChecks.passed} checks in sync`);

    // ---- canaries: committed on the writer before the cut ------------------------------
    phase = `canary orders through ${from}`;
    const canaryStep = reporter.step(`${name}: canary orders through ${from}`);
    const canaryIds: string[] = [];
    for (let i = 0; i < tuning.canaries; i += 1) {
      const a = await abortable(ledger.send(target.answer(), { canary: true }), signal);
      if (a.accepted) canaryIds.push(a.id);
    }
    await wait(async () => {
      const ids = new Set((await rows()).map((r) => r.id));
      return canaryIds.every((id) => ids.has(id));
    });
    const committed = new Set((await rows()).map((r) => r.id));
    rpo.canariesWritten = canaryIds.filter((id) => committed.has(id)).length;
    canaryStep.succeed(`${rpo.canariesWritten}/${tuning.canaries} committed`);

    // ---- the lag the promoted cluster reports, newest before the cut ------------------
    phase = 'replication lag before the cut';
    const lag = await abortable(
      readLatest(
        clients.cloudwatch(to),
        [
          {
            id: 'lag',
            namespace: 'AWS/RDS',
            metricName: 'AuroraGlobalDBReplicationLag',
            dimensions: { DBClusterIdentifier: naming.dbCluster(to) },
            stat: 'Maximum',
          },
        ],
        300,
      ),
      signal,
    );
    rpo.lagAtCutMs = lag.lag?.value ?? null;
    rpo.lagAt = lag.lag?.at;

    // ---- orders flowing, then the cut --------------------------------------------------
    phase = 'orders flowing before the cut';
    stream.start();
    await sleep(tuning.orderEveryMs * 5, signal);
    cut = Date.now();
    watching = true;
    writerWatch = (async () => {
      while (watching && writerPromotedAt === undefined) {
        const writer = await writerRegion(clients, config, to).catch(() => null);
        if (writer === to) writerPromotedAt = Date.now();
        else await sleep(50);
      }
    })();

    if (name === 'planned') {
      phase = `switchover ${from} → ${to}`;
      const step = reporter.step(`${name}: switchover ${from} → ${to}`);
      const processedAtCut = new Set((await rows()).map((r) => r.id));
      rpo.strandedAtCut = ledger.accepted(
        (a) => a.region === from && a.at <= cut && !processedAtCut.has(a.id),
      ).length;
      const result = await runOperation(ctx, 'failover', to, inFlight);
      executions.push(
        ...result.executions.map((e) => ({ region: e.region, arn: e.arn, lane: 'failover' as const })),
      );
      failover = {
        operationId: result.operationId,
        mode: 'planned',
        startedBy: result.startedBy,
        outcome: result.outcome,
        totalMs: result.totalMs,
        executions: result.executions,
      };
      if (result.outcome !== 'succeeded') {
        step.fail(result.failure?.error);
        throw new Error(
          `the planned failover failed${result.failure?.step ? ` at ${result.failure.step}` : ''}: ${result.failure?.error ?? ''}`,
        );
      }
      step.succeed(`${(result.totalMs / 1000).toFixed(1)} s${paced}`);
      dataLoss = result.dataLoss ?? switchoverLoss();
      await abortable(ctx.takeLease(), signal);
    } else {
      phase = `${from} stops answering; waiting for the watchdog in ${to}`;
      const step = reporter.step(`${name}: ${from} stops answering; waiting for the watchdog in ${to}`);
      await ctx.dropLease();
      throwIfInterrupted(signal);
      // Marked before the call: an interrupt during it still restores the region.
      outageStarted = true;
      await target.injectOutage(from);
      outageAt = Date.now();
      reporter.info(`${name}: ${from} is down (outage injected)`);
      const processedAtCut = new Set((await rows()).map((r) => r.id));
      rpo.strandedAtCut = ledger.accepted(
        (a) => a.region === from && a.at <= cut && !processedAtCut.has(a.id),
      ).length;
      const watchdogRun = target.awaitAutomaticFailover(to, outageAt, signal);
      inFlight.push(watchdogRun);
      const watch = await abortable(watchdogRun, signal);
      detectedAt = Date.now();
      detection = { by: watch.by, reason: watch.reason, probes: watch.probes };
      if (!watch.executionArn) {
        throwIfInterrupted(signal);
        step.fail(watch.reason);
        throw new Error(`the watchdog did not fail over: ${watch.reason}`);
      }
      step.succeed(watch.reason);
      phase = `unplanned failover to ${to} (started by the watchdog)`;
      const described = await clients.sfn(to).describeExecution({ executionArn: watch.executionArn });
      // Detected when the watchdog started the failover (its notification comes after).
      if (described.startDate) detectedAt = Math.min(detectedAt, described.startDate.getTime());
      const input = JSON.parse(described.input ?? '{}') as {
        epochNumber?: number;
        operationId?: string;
        startedBy?: string;
      };
      target.promoteStarted(to, watch.executionArn, { activeRegion: to, epoch: input.epochNumber ?? 0 });
      const outcome = await abortable(
        followExecution({
          sfn: clients.sfn(to),
          executionArn: watch.executionArn,
          region: to,
          reporter,
          pollMs: 100,
          timeoutMs: 120_000,
        }),
        signal,
      );
      executions.push({ region: to, arn: watch.executionArn, lane: 'failover' });
      failover = {
        operationId: input.operationId ?? '',
        mode: 'unplanned',
        startedBy: input.startedBy ?? watch.by,
        outcome: outcome.status === 'SUCCEEDED' ? 'succeeded' : 'failed',
        totalMs: outcome.ms,
        executions: [{ region: to, arn: watch.executionArn, status: outcome.status }],
      };
      if (outcome.status !== 'SUCCEEDED')
        throw new Error(`the automatic failover ended ${outcome.status}: ${outcome.failure?.error ?? ''}`);
      await abortable(ctx.takeLease(), signal);
    }

    // ---- the new primary takes and processes orders -------------------------------------
    phase = `orders through ${to}`;
    const settle = reporter.step(`${name}: orders through ${to}`);
    await wait(() => target.answer() === to);
    await wait(() => writerPromotedAt !== undefined);
    await wait(async () => (await rows()).some((r) => r.region === to && r.at >= cut));
    await stream.stop();
    await wait(() => allProcessed([to]));
    writerAfterFailover = await abortable(writerRegion(clients, config, to), signal);
    const afterCut = new Set((await rows()).map((r) => r.id));
    rpo.canariesMissing = canaryIds.filter((id) => committed.has(id) && !afterCut.has(id)).length;
    settle.succeed(`${ledger.accepted((a) => a.region === to).length} accepted by ${to}`);

    // ---- failback -----------------------------------------------------------------------
    if (name === 'region-outage') {
      phase = `restoring ${from} and fencing it`;
      throwIfInterrupted(signal);
      await target.restoreOutage(from);
      restoredAt = Date.now();
      // What the failover lost: the old primary answers again, and Aurora has not re-synced
      // it yet (it snapshots it first), so its own writes are still there to compare.
      phase = `reading what ${from} wrote that ${to} lacks`;
      const lossStep = reporter.step(`${name}: lost writes (${from}'s cluster against ${to}'s)`);
      const loss = await abortable(
        readWriteLoss({ clients, config, from, to, cutAt: new Date(cut) }),
        signal,
      );
      dataLoss = loss;
      if (loss.lost.known) lossStep.succeed(`${describeWriteLoss(loss)}${paced}`);
      else lossStep.fail(describeWriteLoss(loss));
      phase = `fencing ${from}`;
      const arn = failover?.executions[0]?.arn;
      if (arn) {
        const fencing = fenceReturnedRegion({
          clients,
          config,
          survivor: to,
          failoverArn: arn,
          reporter,
          pollMs: 100,
        });
        inFlight.push(fencing);
        const fenced = await abortable(fencing, signal);
        executions.push({ ...fenced, lane: 'failback' });
      }
    }
    phase = `failback to ${from}`;
    const backStep = reporter.step(`${name}: failback to ${from}`);
    const back = await runOperation(ctx, 'failback', from, inFlight, async () => {
      const { requireInSync } = await import('../verify-sync.js');
      requireInSync(await verifySync({ clients, config }));
    });
    executions.push(
      ...back.executions.map((e) => ({ region: e.region, arn: e.arn, lane: 'failback' as const })),
    );
    failback = { operationId: back.operationId, outcome: back.outcome, totalMs: back.totalMs };
    if (back.outcome !== 'succeeded') {
      backStep.fail(back.failure?.error);
      throw new Error(
        `the failback failed${back.failure?.step ? ` at ${back.failure.step}` : ''}: ${back.failure?.error ?? ''}`,
      );
    }
    backStep.succeed(`${(back.totalMs / 1000).toFixed(1)} s${paced}`);
    await abortable(ctx.takeLease(), signal);
    phase = `DNS back to ${from}, every order processed`;
    const dnsBack = await wait(() => target.answer() === from);
    if (dnsBack)
      spans.push({
        id: 'traffic:back',
        title: `DNS answers ${from} again`,
        lane: 'traffic',
        start: Date.now(),
        end: Date.now(),
        outcome: 'succeeded',
      });
    await wait(() => allProcessed([from, to]));
    writerAfterFailback = await abortable(writerRegion(clients, config, from), signal);

    // ---- post-checks ----------------------------------------------------------------------
    phase = 'post-checks (verify-sync)';
    const postStep = reporter.step(`${name}: post-checks (verify-sync)`);
    const postStart = Date.now();
    postChecks = await abortable(runChecks(ctx), signal);
    spans.push({
      id: 'checks:post',
      title: 'Post-checks (verify-sync)',
      lane: 'checks',
      start: postStart,
      end: Date.now(),
      outcome: postChecks.ok ? 'succeeded' : 'failed',
    });
    if (postChecks.ok) postStep.succeed(`${postChecks.passed} checks in sync`);
    else postStep.fail(postChecks.failedChecks.join(', '));
  } catch (caught) {
    const interrupt = interruptOf(signal);
    if (interrupt) {
      interrupted = { signal: interrupt.signal, atStep: `${name}: ${phase}` };
      error = `interrupted (${interrupt.signal}) at ${name}: ${phase}`;
      tracker.failOpen(`interrupted (${interrupt.signal})`);
    } else {
      error = (caught as Error).message;
    }
  } finally {
    watching = false;
    await stream.stop();
    await writerWatch;
    if (interrupted) {
      await settleAfterInterrupt(ctx, inFlight, outageStarted && restoredAt === undefined);
    }
    if (name === 'region-outage' && outageStarted && restoredAt === undefined) {
      await target.restoreOutage(from).catch(() => {});
      restoredAt = Date.now();
      ctx.interruption?.restored.push(`${from} answering again (outage ended)`);
    }
  }

  // ---- figures -------------------------------------------------------------------------
  const finishedAt = Date.now();
  const allRows: ProcessedRow[] = await rows().catch(() => []);
  const dnsShiftedAt = target.dnsEvents.find((e) => e.at >= cut && e.answer === to)?.at;
  const r53DownAt = target.dnsEvents.find((e) => e.at >= cut && e.region === from && !e.healthy)?.at;
  const components = rtoComponents(
    {
      cut,
      to,
      ...(detectedAt !== undefined ? { detectedAt } : {}),
      ...(dnsShiftedAt !== undefined ? { dnsShiftedAt } : {}),
      ...(writerPromotedAt !== undefined ? { writerPromotedAt } : {}),
      detectionHow:
        name === 'planned'
          ? 'planned: the operator starts the switchover, nothing to detect'
          : `the watchdog in ${to} failed ${config.dns.healthCheck.failureThreshold} probes of ${from} in a row and started the failover`,
    },
    ledger.attempts,
    allRows,
    ctx.budget,
    ctx.timing.pollSeconds * ctx.timing.maxPolls,
  );
  const orders = ordersSummary(ledger.attempts, allRows, ledger.prefix, lostIds());
  const rpoMeasure: RpoMeasure = { ...rpo, ...(rpo.lagAt ? { lagAt: rpo.lagAt } : {}) };
  if (!rpo.lagAt) delete (rpoMeasure as { lagAt?: string }).lagAt;
  const verdicts = objectives({
    rtoSeconds: config.objectives.rtoSeconds,
    writerBoundSeconds: ctx.timing.pollSeconds * ctx.timing.maxPolls,
    maxReplicationLagMs: config.objectives.maxReplicationLagMs,
    mode: name === 'planned' ? 'planned' : 'unplanned',
    components,
    rpo: rpoMeasure,
    dataLoss,
    orders,
    postChecks,
  });

  const timeline: TimelineStep[] = spans.map(({ start, end, ...s }) => ({
    ...s,
    startMs: start - cut,
    endMs: end - cut,
  }));
  if (outageAt !== undefined) {
    timeline.push({
      id: 'fault:outage',
      title: `${from} unreachable (outage)`,
      lane: 'fault',
      region: from,
      startMs: outageAt - cut,
      endMs: (restoredAt ?? finishedAt) - cut,
      outcome: 'succeeded',
    });
  }
  if (dataLoss?.mode === 'unplanned' && dataLoss.lost.orders.length > 0) {
    // From the last replicated point to the newest write the new writer never got.
    const written = dataLoss.lost.orders.map((o) => Date.parse(o.writtenAt));
    const start = dataLoss.lastReplicated ? Date.parse(dataLoss.lastReplicated.at) : Math.min(...written);
    timeline.push({
      id: 'rpo:lost-writes',
      title: `${dataLoss.lost.orders.length} writes lost (not replicated from ${from})`,
      lane: 'fault',
      region: from,
      startMs: start - cut,
      endMs: Math.max(...written) - cut,
      outcome: 'succeeded',
    });
  }
  if (r53DownAt !== undefined) {
    timeline.push({
      id: 'detect:route53',
      title: `Health checks mark ${from} unhealthy`,
      lane: 'detection',
      region: from,
      startMs: 0,
      endMs: r53DownAt - cut,
      outcome: 'succeeded',
    });
  }
  if (detectedAt !== undefined) {
    timeline.push({
      id: 'detect:watchdog',
      title: `Watchdog in ${to} decides: fail over`,
      lane: 'detection',
      region: to,
      startMs: 0,
      endMs: detectedAt - cut,
      outcome: 'succeeded',
    });
  }
  for (const c of components) {
    if (c.measuredMs === null || c.name === 'detection' || c.name === 'writer-promotion') continue;
    const lane = c.name === 'dns-shift' ? 'traffic' : 'orders';
    timeline.push({
      id: `rto:${c.name}`,
      title: c.title,
      lane,
      region: to,
      startMs: 0,
      endMs: c.measuredMs,
      outcome: 'succeeded',
    });
  }
  for (const e of executions) {
    const events = await history(clients, e.region, e.arn).catch(() => []);
    timeline.push(...executionTimeline(events, e.region, cut, e.lane));
  }
  timeline.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);

  if (name === 'region-outage') {
    notes.push(target.outageNote(from, to));
  }
  const failed = verdicts.some((o) => o.verdict === 'fail') || error !== undefined;
  return {
    name,
    title: name === 'planned' ? 'Planned switchover' : 'Region outage (automatic failover)',
    verdict: failed ? 'fail' : 'pass',
    from,
    to,
    cutAt: new Date(cut).toISOString(),
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    wallMs: finishedAt - startedAt,
    writerAfterFailover,
    writerAfterFailback,
    failover,
    failback,
    ...(detection ? { detection } : {}),
    components,
    rpo: rpoMeasure,
    dataLoss,
    pace: tuning.pace ?? null,
    orders,
    preChecks,
    postChecks,
    objectives: verdicts,
    timeline,
    ...(error ? { error } : {}),
    ...(interrupted ? { interrupted } : {}),
    notes,
  };
}

/**
 * After an interrupt, before anything is stopped: the operations the scenario started are
 * let finish (bounded by the target's settle timeout), and so is every failover or
 * failback execution still running in a region that answers. A state machine execution
 * is never stopped midway: aborting one between the fence and the promotion would leave
 * no writer. What still runs when the bound is reached is named in `left`.
 */
async function settleAfterInterrupt(
  ctx: ScenarioContext,
  inFlight: ReadonlyArray<Promise<unknown>>,
  outageUp: boolean,
): Promise<void> {
  const { clients, config, target } = ctx;
  const log = ctx.interruption;
  const deadline = Date.now() + target.tuning.settleTimeoutMs;
  const left = () => Math.max(0, deadline - Date.now());
  const { primary, secondary } = config.regions;
  if (inFlight.length > 0) {
    const settled = await within(Promise.allSettled(inFlight), left());
    if (settled === undefined)
      log?.left.push('an operation the drill started was still running when it stopped waiting');
  }
  const naming = new Naming(config);
  // The primary is not asked while the drill's outage cuts it (the unplanned path never
  // runs there); it is restored right after this.
  const regions = outageUp ? [secondary] : [secondary, primary];
  for (const region of regions) {
    for (const operation of ['failover', 'failback'] as const) {
      const running = await (async () => {
        const arn = await readStateMachineArn(clients, naming, region, operation);
        return arn ? findRunning(clients.sfn(region), arn) : undefined;
      })().catch(() => undefined);
      if (!running) continue;
      const finished = await until(
        async () => {
          const d = await clients
            .sfn(region)
            // Status only: no input/output, so no decryption under the machine's key.
            .describeExecution({ executionArn: running.executionArn, includedData: 'METADATA_ONLY' })
            .catch(() => undefined);
          return d !== undefined && d.status !== 'RUNNING';
        },
        left(),
        250,
      );
      if (finished) {
        log?.restored.push(`let the ${operation} execution ${running.name} in ${region} finish`);
      } else if (log) {
        log.executionRunning = true;
        log.left.push(
          `the ${operation} execution ${running.name} is still running in ${region} (server-side; it holds the lease and releases it at its end): \`dr ${operation === 'failover' ? `failover --to ${region}` : 'failback'}${target.kind === 'sandbox' ? ' --sandbox' : ''} --yes\` re-attaches to it`,
        );
      }
    }
  }
}
