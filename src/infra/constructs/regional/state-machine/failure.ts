/**
 * The failure path of the DR machine: a step's `<step>/Failed` marker records which step
 * failed, then goes where the step says (./step-states.ts `onFailure`). After a change to
 * the platform that is: the event, the audit object, the lease released, fail. Each of
 * these is best effort: its own failure goes on to the next, never hides the first.
 */
import { STATE_MACHINE_AUDIT } from '../../../../contract/audit.js';
import type { StepDefinition } from '../../../../contract/steps.js';
import type { AslState } from './asl.js';
import {
  DDB,
  PUT_EVENTS,
  SDK,
  auditObject,
  event,
  failed,
  releaseLeaseParameters,
  retriedTask,
} from './tasks.js';
import { STEP_STATES } from './step-states.js';

/** A task on the failure path: retried, and on to `next` whether it worked or not. */
function bestEffort(resource: string, parameters: Record<string, unknown>, next: string): AslState {
  return retriedTask(resource, parameters, next, { next, resultPath: null });
}

/** The states every `onFailure` of ./step-states.ts names, and the path behind them. */
export function failureStates(): Record<string, AslState> {
  return {
    'failure/Event': bestEffort(PUT_EVENTS, event('Failed'), 'failure/Audit'),
    'failure/Audit': bestEffort(
      SDK('s3', 'putObject'),
      auditObject(STATE_MACHINE_AUDIT.failed),
      'failure/ReleaseLease',
    ),
    'failure/ReleaseLease': bestEffort(DDB('deleteItem'), releaseLeaseParameters(), 'failure/Fail'),
    'failure/Fail': {
      Type: 'Fail',
      Error: 'DR.StepFailed',
      Cause: 'a step failed: the failed step and its error are in the execution history and the audit object',
    },
    'failure/LeaseHeld': {
      Type: 'Fail',
      Error: 'DR.LeaseHeld',
      Cause: 'another operation holds the lease; nothing was changed',
    },
    'failure/DemoteFailed': {
      Type: 'Fail',
      Error: 'DR.DemoteFailed',
      Cause: 'fencing the old primary failed; the promotion was not started',
    },
  };
}

/** Every state `states` may go to next, caught errors included. */
function targetsOf(states: Readonly<Record<string, AslState>>): Set<string | undefined> {
  return new Set(
    Object.values(states).flatMap((state) => [
      state.Next as string | undefined,
      ...((state.Catch as Array<{ Next: string }> | undefined) ?? []).map((c) => c.Next),
    ]),
  );
}

/**
 * One `<step>/Failed` marker per step some state goes to (a step that cannot fail, such as
 * a lone Wait, gets none): it records the step in `$.failedStep`, which the audit object
 * and the history keep, then takes the step's failure path.
 */
export function failedMarkers(
  steps: readonly StepDefinition[],
  states: Readonly<Record<string, AslState>>,
): Record<string, AslState> {
  const targets = targetsOf(states);
  const markers: Record<string, AslState> = {};
  for (const { id: step } of steps) {
    if (!targets.has(failed(step))) continue;
    markers[failed(step)] = {
      Type: 'Pass',
      Result: step,
      ResultPath: '$.failedStep',
      Next: STEP_STATES[step].onFailure,
    };
  }
  return markers;
}
