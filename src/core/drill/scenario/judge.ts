/**
 * The scenario's figures and verdict, all from what was observed: RTO per component from
 * the order ledger, the database rows and the DNS events; RPO and data loss; the
 * timeline (with the executions' own steps from their histories); and the objectives.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../../aws/clients.js';
import { executionTimeline, objectives, ordersSummary, rtoComponents } from '../measure.js';
import type { RpoMeasure, ScenarioReport, TimelineStep } from '../model.js';
import type { ProcessedRow } from '../orders.js';
import { lostIds, rows, type ScenarioProgress, type ScenarioRun } from './progress.js';
import type { ScenarioEnd } from './wind-down.js';

type Components = ReturnType<typeof rtoComponents>;

/** The first page of an execution's history (enough for the timeline's steps). */
async function history(clients: AwsClients, region: string, executionArn: string): Promise<HistoryEvent[]> {
  const page = await clients.sfn(region).getExecutionHistory({ executionArn, maxResults: 1000 });
  return page.events ?? [];
}

function componentsOf(run: ScenarioRun, progress: ScenarioProgress, allRows: ProcessedRow[]): Components {
  const { config, ctx, from, name, to } = run;
  const { cut, detectedAt, writerPromotedAt } = progress;
  const dnsShiftedAt = run.target.dnsEvents.find((e) => e.at >= cut && e.answer === to)?.at;
  return rtoComponents(
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
    run.ledger.attempts,
    allRows,
    ctx.budget,
    ctx.timing.pollSeconds * ctx.timing.maxPolls,
  );
}

/** The RPO as measured; `lagAt` only when there was a datapoint. */
function rpoOf(progress: ScenarioProgress): RpoMeasure {
  const { rpo } = progress;
  const measure: RpoMeasure = { ...rpo, ...(rpo.lagAt ? { lagAt: rpo.lagAt } : {}) };
  if (!rpo.lagAt) delete (measure as { lagAt?: string }).lagAt;
  return measure;
}

/** The faults the drill caused: the outage, and the writes the unplanned failover lost. */
function faultSteps(run: ScenarioRun, progress: ScenarioProgress, finishedAt: number): TimelineStep[] {
  const { from } = run;
  const { cut, dataLoss, outageAt, restoredAt } = progress;
  const steps: TimelineStep[] = [];
  if (outageAt !== undefined) {
    steps.push({
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
    steps.push({
      id: 'rpo:lost-writes',
      title: `${dataLoss.lost.orders.length} writes lost (not replicated from ${from})`,
      lane: 'fault',
      region: from,
      startMs: start - cut,
      endMs: Math.max(...written) - cut,
      outcome: 'succeeded',
    });
  }
  return steps;
}

/** When the health checks and the watchdog saw the primary down. */
function detectionSteps(run: ScenarioRun, progress: ScenarioProgress): TimelineStep[] {
  const { from, to } = run;
  const { cut, detectedAt } = progress;
  const r53DownAt = run.target.dnsEvents.find((e) => e.at >= cut && e.region === from && !e.healthy)?.at;
  const steps: TimelineStep[] = [];
  if (r53DownAt !== undefined) {
    steps.push({
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
    steps.push({
      id: 'detect:watchdog',
      title: `Watchdog in ${to} decides: fail over`,
      lane: 'detection',
      region: to,
      startMs: 0,
      endMs: detectedAt - cut,
      outcome: 'succeeded',
    });
  }
  return steps;
}

/** The measured RTO components (detection and writer promotion have their own bars). */
function componentSteps(run: ScenarioRun, components: Components): TimelineStep[] {
  return components
    .filter((c) => c.measuredMs !== null && c.name !== 'detection' && c.name !== 'writer-promotion')
    .map((c) => ({
      id: `rto:${c.name}`,
      title: c.title,
      lane: c.name === 'dns-shift' ? 'traffic' : 'orders',
      region: run.to,
      startMs: 0,
      endMs: c.measuredMs ?? 0,
      outcome: 'succeeded',
    }));
}

/** Everything on one time axis from the cut, sorted by start then end. */
async function timelineOf(
  run: ScenarioRun,
  progress: ScenarioProgress,
  components: Components,
  finishedAt: number,
): Promise<TimelineStep[]> {
  const { cut } = progress;
  const timeline: TimelineStep[] = progress.spans.map(({ start, end, ...s }) => ({
    ...s,
    startMs: start - cut,
    endMs: end - cut,
  }));
  timeline.push(
    ...faultSteps(run, progress, finishedAt),
    ...detectionSteps(run, progress),
    ...componentSteps(run, components),
  );
  for (const e of progress.executions) {
    const events = await history(run.clients, e.region, e.arn).catch(() => []);
    timeline.push(...executionTimeline(events, e.region, cut, e.lane));
  }
  return timeline.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}

/** The scenario's report: figures, a verdict per objective, and the scenario's own verdict. */
export async function judge(
  run: ScenarioRun,
  progress: ScenarioProgress,
  end: ScenarioEnd,
  finishedAt: number,
): Promise<ScenarioReport> {
  const { config, ctx, from, name, startedAt, to } = run;
  const allRows: ProcessedRow[] = await rows(run).catch(() => []);
  const components = componentsOf(run, progress, allRows);
  const orders = ordersSummary(run.ledger.attempts, allRows, run.ledger.prefix, lostIds(progress));
  const rpo = rpoOf(progress);
  const verdicts = objectives({
    rtoSeconds: config.objectives.rtoSeconds,
    writerBoundSeconds: ctx.timing.pollSeconds * ctx.timing.maxPolls,
    maxReplicationLagMs: config.objectives.maxReplicationLagMs,
    mode: name === 'planned' ? 'planned' : 'unplanned',
    components,
    rpo,
    dataLoss: progress.dataLoss,
    orders,
    postChecks: progress.postChecks,
  });
  const timeline = await timelineOf(run, progress, components, finishedAt);
  const notes = name === 'region-outage' ? [run.target.outageNote(from, to)] : [];
  const failed = verdicts.some((o) => o.verdict === 'fail') || end.error !== undefined;
  return {
    name,
    title: name === 'planned' ? 'Planned switchover' : 'Region outage (automatic failover)',
    verdict: failed ? 'fail' : 'pass',
    from,
    to,
    cutAt: new Date(progress.cut).toISOString(),
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    wallMs: finishedAt - startedAt,
    writerAfterFailover: progress.writerAfterFailover,
    writerAfterFailback: progress.writerAfterFailback,
    failover: progress.failover,
    failback: progress.failback,
    ...(progress.detection ? { detection: progress.detection } : {}),
    components,
    rpo,
    dataLoss: progress.dataLoss,
    pace: run.target.tuning.pace ?? null,
    orders,
    preChecks: progress.preChecks,
    postChecks: progress.postChecks,
    objectives: verdicts,
    timeline,
    ...(end.error ? { error: end.error } : {}),
    ...(end.interrupted ? { interrupted: end.interrupted } : {}),
    notes,
  };
}
