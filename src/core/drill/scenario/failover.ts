/**
 * The failover, one way per scenario. Planned: the switchover through the failover core,
 * as `dr failover --planned` runs it. Region outage: the primary stops answering, and the
 * watchdog's own code decides and starts the unplanned failover, which the scenario
 * follows through its history.
 */
import { followExecution } from '../../failover/execution.js';
import { switchoverLoss } from '../../failover/write-loss.js';
import type { StepReporter } from '../../reporter.js';
import { abortable, throwIfInterrupted } from '../interrupt.js';
import { strandedAtCut, type ScenarioProgress, type ScenarioRun } from './progress.js';
import { runOperation } from './support.js';

/** Planned: the switchover (RPO 0), then the drill takes its lease back. */
export async function switchover(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  const { from, name, to } = run;
  progress.phase = `switchover ${from} → ${to}`;
  const step = run.reporter.step(`${name}: switchover ${from} → ${to}`);
  progress.rpo.strandedAtCut = await strandedAtCut(run, progress);
  const result = await runOperation(run.ctx, 'failover', to, progress.inFlight);
  progress.executions.push(
    ...result.executions.map((e) => ({ region: e.region, arn: e.arn, lane: 'failover' as const })),
  );
  progress.failover = {
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
  step.succeed(`${(result.totalMs / 1000).toFixed(1)} s${run.paced}`);
  progress.dataLoss = result.dataLoss ?? switchoverLoss();
  await abortable(run.ctx.takeLease(), run.signal);
}

/** The lease handed to the watchdog, then the primary cut off; returns when it went down. */
async function injectOutage(run: ScenarioRun, progress: ScenarioProgress): Promise<number> {
  const { from, name } = run;
  await run.ctx.dropLease();
  throwIfInterrupted(run.signal);
  // Marked before the call: an interrupt during it still restores the region.
  progress.outageStarted = true;
  await run.target.injectOutage(from);
  const outageAt = Date.now();
  progress.outageAt = outageAt;
  run.reporter.info(`${name}: ${from} is down (outage injected)`);
  return outageAt;
}

/** The watchdog's decision: the failover it started, and who it says started it (throws when none). */
async function awaitWatchdog(
  run: ScenarioRun,
  progress: ScenarioProgress,
  step: StepReporter,
  outageAt: number,
): Promise<{ executionArn: string; by: string }> {
  const watchdogRun = run.target.awaitAutomaticFailover(run.to, outageAt, run.signal);
  progress.inFlight.push(watchdogRun);
  const watch = await abortable(watchdogRun, run.signal);
  progress.detectedAt = Date.now();
  progress.detection = { by: watch.by, reason: watch.reason, probes: watch.probes };
  if (!watch.executionArn) {
    throwIfInterrupted(run.signal);
    step.fail(watch.reason);
    throw new Error(`the watchdog did not fail over: ${watch.reason}`);
  }
  step.succeed(watch.reason);
  return { executionArn: watch.executionArn, by: watch.by };
}

/** The unplanned failover the watchdog started, followed to its end; then the lease back. */
async function followAutomaticFailover(
  run: ScenarioRun,
  progress: ScenarioProgress,
  { executionArn, by }: { executionArn: string; by: string },
): Promise<void> {
  const { clients, to } = run;
  progress.phase = `unplanned failover to ${to} (started by the watchdog)`;
  const described = await clients.sfn(to).describeExecution({ executionArn });
  // Detected when the watchdog started the failover (its notification comes after).
  if (described.startDate && progress.detectedAt !== undefined)
    progress.detectedAt = Math.min(progress.detectedAt, described.startDate.getTime());
  const input = JSON.parse(described.input ?? '{}') as {
    epochNumber?: number;
    operationId?: string;
    startedBy?: string;
  };
  run.target.promoteStarted(to, executionArn, { activeRegion: to, epoch: input.epochNumber ?? 0 });
  const outcome = await abortable(
    followExecution({
      sfn: clients.sfn(to),
      executionArn,
      region: to,
      reporter: run.reporter,
      pollMs: 100,
      timeoutMs: 120_000,
    }),
    run.signal,
  );
  progress.executions.push({ region: to, arn: executionArn, lane: 'failover' });
  progress.failover = {
    operationId: input.operationId ?? '',
    mode: 'unplanned',
    startedBy: input.startedBy ?? by,
    outcome: outcome.status === 'SUCCEEDED' ? 'succeeded' : 'failed',
    totalMs: outcome.ms,
    executions: [{ region: to, arn: executionArn, status: outcome.status }],
  };
  if (outcome.status !== 'SUCCEEDED')
    throw new Error(`the automatic failover ended ${outcome.status}: ${outcome.failure?.error ?? ''}`);
  await abortable(run.ctx.takeLease(), run.signal);
}

/** Region outage: the primary goes down and the watchdog fails over on its own. */
export async function outageFailover(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  const { from, name, to } = run;
  progress.phase = `${from} stops answering; waiting for the watchdog in ${to}`;
  const step = run.reporter.step(`${name}: ${from} stops answering; waiting for the watchdog in ${to}`);
  const outageAt = await injectOutage(run, progress);
  progress.rpo.strandedAtCut = await strandedAtCut(run, progress);
  const started = await awaitWatchdog(run, progress, step, outageAt);
  await followAutomaticFailover(run, progress, started);
}
