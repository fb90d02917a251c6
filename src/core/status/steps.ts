/**
 * The steps of an in-flight failover/failback execution, as its history shows them: the
 * same `STEPS` list the plan, `follow` and the drill report use, so `dr status` names
 * them the same way. The mapping is pure (tested without AWS); the read is one
 * DescribeExecution (phase and mode are in the input) next to the paginated history.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { SfnApi } from '../../aws/clients.js';
import { STEPS, type FailoverMode, type Phase, type StepId } from '../../contract/steps.js';
import { measureSteps, readExecutionHistory } from '../failover/execution.js';
import type { ExecutionInput } from '../failover/input.js';
import type { InFlightStep, InFlightStepState } from './model.js';

type Measured = ReturnType<typeof measureSteps>;

/** Where step `id` is in a replayed history (`follow`'s rules: the last step seen is the open one). */
function stateOfStep(id: StepId, measured: Measured): InFlightStepState {
  const seen = measured.steps.filter((s) => s.id === id);
  if (seen.length === 0) return 'pending';
  if (seen.some((s) => s.failed)) return 'failed';
  if (measured.steps.at(-1)?.id !== id) return 'done';
  if (measured.status === 'RUNNING') return 'running';
  return measured.status === 'SUCCEEDED' ? 'done' : 'failed';
}

/**
 * History events → the execution's steps in `STEPS` order for its phase and mode, each
 * done, running, pending or failed. Events may come in any order (sorted by id here, as
 * `measureSteps` needs).
 */
export function inFlightSteps(
  events: readonly HistoryEvent[],
  phase: Phase,
  mode: FailoverMode,
): InFlightStep[] {
  const measured = measureSteps([...events].sort((a, b) => (a.id ?? 0) - (b.id ?? 0)));
  return STEPS.filter((s) => s.phase === phase && s.modes.includes(mode)).map((s) => ({
    id: s.id,
    title: s.title,
    state: stateOfStep(s.id, measured),
  }));
}

/** The steps of one execution: its input (phase, mode) and its history, read side by side. */
export async function readInFlightSteps(sfn: SfnApi, executionArn: string): Promise<InFlightStep[]> {
  const [described, events] = await Promise.all([
    sfn.describeExecution({ executionArn }),
    readExecutionHistory(sfn, executionArn),
  ]);
  const input = JSON.parse(described.input ?? '{}') as Partial<ExecutionInput>;
  if (!input.phase || !input.mode) throw new Error(`the input of ${executionArn} names no phase or mode`);
  return inFlightSteps(events, input.phase, input.mode);
}
