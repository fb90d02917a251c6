/**
 * The scenario's phases around the failover and failback (failover.ts, failback.ts):
 * each takes the run and its progress, records what it observes there, and throws when
 * the scenario cannot go on.
 */
import { readReplicationLag } from '../../checks/read.js';
import { abortable, sleep, throwIfInterrupted } from '../interrupt.js';
import type { ChecksSummary } from '../model.js';
import { allProcessed, rows, wait, type ScenarioProgress, type ScenarioRun, type Span } from './progress.js';
import { runChecks, until, writerRegion } from './support.js';

/** The lag datapoint at the cut must be this recent. */
const LAG_WINDOW_SECONDS = 300;

function checksSpan(id: string, title: string, start: number, checks: ChecksSummary): Span {
  return { id, title, lane: 'checks', start, end: Date.now(), outcome: checks.ok ? 'succeeded' : 'failed' };
}

/** verify-sync before anything moves; out of sync, the scenario does not start. */
export async function preChecks(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  throwIfInterrupted(run.signal);
  const step = run.reporter.step(`${run.name}: pre-checks (verify-sync)`);
  const start = Date.now();
  const checks = await abortable(runChecks(run.ctx), run.signal);
  progress.preChecks = checks;
  progress.spans.push(checksSpan('checks:pre', 'Pre-checks (verify-sync)', start, checks));
  if (!checks.ok) {
    step.fail(checks.failedChecks.join(', '));
    throw new Error(`pre-checks failed: ${checks.failedChecks.join(', ')}`);
  }
  step.succeed(`${checks.passed} checks in sync`);
}

/** Canary orders committed on the writer before the cut: any missing after it is lost data. */
export async function commitCanaries(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  const { from, name, signal, target } = run;
  progress.phase = `canary orders through ${from}`;
  const step = run.reporter.step(`${name}: canary orders through ${from}`);
  const ids: string[] = [];
  for (let i = 0; i < target.tuning.canaries; i += 1) {
    const a = await abortable(run.ledger.send(target.answer(), { canary: true }), signal);
    if (a.accepted) ids.push(a.id);
  }
  await wait(run, async () => {
    const seen = new Set((await rows(run)).map((r) => r.id));
    return ids.every((id) => seen.has(id));
  });
  const committed = new Set((await rows(run)).map((r) => r.id));
  progress.canaries = { ids, committed };
  progress.rpo.canariesWritten = ids.filter((id) => committed.has(id)).length;
  step.succeed(`${progress.rpo.canariesWritten}/${target.tuning.canaries} committed`);
}

/** The lag the promoted cluster reports, newest before the cut. */
export async function readLagAtCut(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  const { clients, naming, to } = run;
  progress.phase = 'replication lag before the cut';
  const lag = await abortable(
    readReplicationLag(clients.cloudwatch(to), naming.dbCluster(to), LAG_WINDOW_SECONDS),
    run.signal,
  );
  progress.rpo.lagAtCutMs = lag?.value ?? null;
  progress.rpo.lagAt = lag?.at;
}

/**
 * Polls (every 50 ms, no deadline, not aborted by a signal) for the promoted writer until
 * it shows or the scenario stops watching.
 */
async function watchWriter(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  await until(async () => {
    if (!progress.watching || progress.writerPromotedAt !== undefined) return true;
    const writer = await writerRegion(run.clients, run.config, run.to).catch(() => null);
    if (writer === run.to) progress.writerPromotedAt = Date.now();
    return writer === run.to;
  }, Number.POSITIVE_INFINITY);
}

/** Orders flowing, then the cut: every RTO figure is measured from here. */
export async function startOrdersAndCut(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  progress.phase = 'orders flowing before the cut';
  run.stream.start();
  await sleep(run.target.tuning.orderEveryMs * 5, run.signal);
  progress.cut = Date.now();
  progress.watching = true;
  progress.writerWatch = watchWriter(run, progress);
}

/** The new primary answers, writes, takes orders and processes every one it accepted. */
export async function ordersThroughNewPrimary(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  const { name, signal, target, to } = run;
  progress.phase = `orders through ${to}`;
  const step = run.reporter.step(`${name}: orders through ${to}`);
  await wait(run, () => target.answer() === to);
  await wait(run, () => progress.writerPromotedAt !== undefined);
  await wait(run, async () => (await rows(run)).some((r) => r.region === to && r.at >= progress.cut));
  await run.stream.stop();
  await wait(run, () => allProcessed(run, progress, [to]));
  progress.writerAfterFailover = await abortable(writerRegion(run.clients, run.config, to), signal);
  const afterCut = new Set((await rows(run)).map((r) => r.id));
  const { ids, committed } = progress.canaries;
  progress.rpo.canariesMissing = ids.filter((id) => committed.has(id) && !afterCut.has(id)).length;
  step.succeed(`${run.ledger.accepted((a) => a.region === to).length} accepted by ${to}`);
}

/** verify-sync once it is all over; a failure here fails the verdict, not the run. */
export async function postChecks(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  progress.phase = 'post-checks (verify-sync)';
  const step = run.reporter.step(`${run.name}: post-checks (verify-sync)`);
  const start = Date.now();
  const checks = await abortable(runChecks(run.ctx), run.signal);
  progress.postChecks = checks;
  progress.spans.push(checksSpan('checks:post', 'Post-checks (verify-sync)', start, checks));
  if (checks.ok) step.succeed(`${checks.passed} checks in sync`);
  else step.fail(checks.failedChecks.join(', '));
}
