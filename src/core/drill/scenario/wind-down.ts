/**
 * How a scenario ends, whatever ended it: a failure or an interrupt is recorded, the
 * order stream and the writer watch stop, an interrupted scenario lets what it started
 * finish, and an outage the drill injected is always lifted.
 */
import { Naming } from '../../../contract/naming.js';
import { findRunning } from '../../failover/execution.js';
import { readStateMachineArn } from '../../failover/plan.js';
import { interruptOf, within } from '../interrupt.js';
import type { ScenarioReport } from '../model.js';
import type { ScenarioContext } from './context.js';
import type { ScenarioProgress, ScenarioRun } from './progress.js';
import { until } from './support.js';

export interface ScenarioEnd {
  readonly error?: string;
  readonly interrupted?: ScenarioReport['interrupted'];
}

/** What stopped the scenario: an interrupt (named with the phase it hit) or an error. */
export function endOf(run: ScenarioRun, progress: ScenarioProgress, caught: unknown): ScenarioEnd {
  const interrupt = interruptOf(run.signal);
  if (!interrupt) return { error: (caught as Error).message };
  const at = `${run.name}: ${progress.phase}`;
  run.tracker.failOpen(`interrupted (${interrupt.signal})`);
  return {
    interrupted: { signal: interrupt.signal, atStep: at },
    error: `interrupted (${interrupt.signal}) at ${at}`,
  };
}

/** Always run on the way out, whether the scenario finished, failed or was interrupted. */
export async function windDown(
  run: ScenarioRun,
  progress: ScenarioProgress,
  end: ScenarioEnd,
): Promise<void> {
  const { from, name } = run;
  progress.watching = false;
  await run.stream.stop();
  await progress.writerWatch;
  const outageUp = () => progress.outageStarted && progress.restoredAt === undefined;
  if (end.interrupted) {
    await settleAfterInterrupt(run.ctx, progress.inFlight, outageUp());
  }
  if (name === 'region-outage' && outageUp()) {
    await run.target.restoreOutage(from).catch(() => {});
    progress.restoredAt = Date.now();
    run.ctx.interruption?.restored.push(`${from} answering again (outage ended)`);
  }
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
