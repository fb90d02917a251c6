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
 *
 * Each phase is a named function in ./scenario/ that records what it observes in the
 * scenario's progress (./scenario/progress.ts); this file only orders them.
 */
import type { ScenarioName, ScenarioReport } from './model.js';
import type { ScenarioContext } from './scenario/context.js';
import { failBack, restoreAndFence, settleBack } from './scenario/failback.js';
import { outageFailover, switchover } from './scenario/failover.js';
import { judge } from './scenario/judge.js';
import {
  commitCanaries,
  ordersThroughNewPrimary,
  postChecks,
  preChecks,
  readLagAtCut,
  startOrdersAndCut,
} from './scenario/phases.js';
import { startProgress, startRun, type ScenarioProgress, type ScenarioRun } from './scenario/progress.js';
import { endOf, windDown, type ScenarioEnd } from './scenario/wind-down.js';

export type { InterruptionLog, ScenarioContext } from './scenario/context.js';
export { executionArnOf, until, writerRegion } from './scenario/support.js';

/** The phases in order: the first that throws ends the scenario (the wind-down still runs). */
async function runPhases(run: ScenarioRun, progress: ScenarioProgress): Promise<void> {
  await preChecks(run, progress);
  await commitCanaries(run, progress);
  await readLagAtCut(run, progress);
  await startOrdersAndCut(run, progress);
  if (run.name === 'planned') await switchover(run, progress);
  else await outageFailover(run, progress);
  await ordersThroughNewPrimary(run, progress);
  if (run.name === 'region-outage') await restoreAndFence(run, progress);
  await failBack(run, progress);
  await settleBack(run, progress);
  await postChecks(run, progress);
}

export async function runScenario(ctx: ScenarioContext, name: ScenarioName): Promise<ScenarioReport> {
  const run = startRun(ctx, name);
  const progress = startProgress(run);
  let end: ScenarioEnd = {};
  try {
    await runPhases(run, progress);
  } catch (caught) {
    end = endOf(run, progress, caught);
  } finally {
    await windDown(run, progress, end);
  }
  return judge(run, progress, end, Date.now());
}
