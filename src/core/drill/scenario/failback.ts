/**
 * The way back. Region outage first restores the old primary, reads what it wrote that
 * the new writer lacks (before Aurora re-syncs it) and fences it; both scenarios then
 * fail back through the failover core and wait for DNS and every order.
 */
import { fenceReturnedRegion } from '../../failover/fence-returned.js';
import { describeWriteLoss, readWriteLoss } from '../../failover/write-loss.js';
import { verifySync } from '../../verify-sync.js';
import { abortable, throwIfInterrupted } from '../interrupt.js';
import { allProcessed, wait, type ScenarioProgress, type ScenarioRun } from './progress.js';
import { runOperation, writerRegion } from './support.js';

/** Region outage: the old primary answers again, its lost writes are read, and it is fenced. */
export async function restoreAndFence(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  const { clients, config, from, name, signal, to } = run;
  progress.phase = `restoring ${from} and fencing it`;
  throwIfInterrupted(signal);
  await run.target.restoreOutage(from);
  progress.restoredAt = Date.now();
  // What the failover lost: the old primary answers again, and Aurora has not re-synced
  // it yet (it snapshots it first), so its own writes are still there to compare.
  progress.phase = `reading what ${from} wrote that ${to} lacks`;
  const lossStep = run.reporter.step(`${name}: lost writes (${from}'s cluster against ${to}'s)`);
  const loss = await abortable(
    readWriteLoss({ clients, config, from, to, cutAt: new Date(progress.cut) }),
    signal,
  );
  progress.dataLoss = loss;
  if (loss.lost.known) lossStep.succeed(`${describeWriteLoss(loss)}${run.paced}`);
  else lossStep.fail(describeWriteLoss(loss));
  progress.phase = `fencing ${from}`;
  const arn = progress.failover?.executions[0]?.arn;
  if (arn) {
    const fencing = fenceReturnedRegion({
      clients,
      config,
      survivor: to,
      failoverArn: arn,
      reporter: run.reporter,
      pollMs: 100,
    });
    progress.inFlight.push(fencing);
    const fenced = await abortable(fencing, signal);
    progress.executions.push({ ...fenced, lane: 'failback' });
  }
}

/** The failback (once verify-sync says the regions are in sync), then the lease back. */
export async function failBack(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  const { clients, config, from, name } = run;
  progress.phase = `failback to ${from}`;
  const step = run.reporter.step(`${name}: failback to ${from}`);
  const back = await runOperation(run.ctx, 'failback', from, progress.inFlight, async () => {
    const { requireInSync } = await import('../../verify-sync.js');
    requireInSync(await verifySync({ clients, config }));
  });
  progress.executions.push(
    ...back.executions.map((e) => ({ region: e.region, arn: e.arn, lane: 'failback' as const })),
  );
  progress.failback = { operationId: back.operationId, outcome: back.outcome, totalMs: back.totalMs };
  if (back.outcome !== 'succeeded') {
    step.fail(back.failure?.error);
    throw new Error(
      `the failback failed${back.failure?.step ? ` at ${back.failure.step}` : ''}: ${back.failure?.error ?? ''}`,
    );
  }
  step.succeed(`${(back.totalMs / 1000).toFixed(1)} s${run.paced}`);
  await abortable(run.ctx.takeLease(), run.signal);
}

/** DNS answers the primary again, and every order either region accepted is processed. */
export async function settleBack(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  const { from, to } = run;
  progress.phase = `DNS back to ${from}, every order processed`;
  const dnsBack = await wait(run, () => run.target.answer() === from);
  if (dnsBack)
    progress.spans.push({
      id: 'traffic:back',
      title: `DNS answers ${from} again`,
      lane: 'traffic',
      start: Date.now(),
      end: Date.now(),
      outcome: 'succeeded',
    });
  await wait(run, () => allProcessed(run, progress, [from, to]));
  progress.writerAfterFailback = await abortable(writerRegion(run.clients, run.config, from), run.signal);
}
