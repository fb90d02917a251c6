/**
 * Builds the DR machine's states from the step list: for each phase of `PHASES`, its
 * steps of `STEPS` in order, each step's states (./step-states.ts) going on to the next
 * step's, the last to the phase's end; a `Phase` choice in front that sends each phase to
 * its first step; the failure path behind. The order, phase and modes of a step are
 * written once, in src/contract/steps.ts, and nowhere here.
 */
import {
  PHASES,
  STEPS,
  stepsOfPhase,
  type FailoverMode,
  type Phase,
  type StepDefinition,
} from '../../../../contract/steps.js';
import type { AslState, StateMachineContext } from './asl.js';
import { failedMarkers, failureStates } from './failure.js';
import { STEP_STATES } from './step-states.js';

/** The state an execution starts at: it picks the phase the input names. */
export const PHASE_STATE = 'Phase';

/** How each phase ends when all its steps succeeded. */
const PHASE_ENDS: Readonly<Record<Phase, { readonly name: string; readonly state: AslState }>> = {
  demote: {
    name: 'Demoted',
    state: { Type: 'Succeed', Comment: 'this region no longer consumes orders nor believes it is active' },
  },
  promote: { name: 'Done', state: { Type: 'Succeed' } },
};

/** The modes that run any step of `steps`: those a phase runs in. */
function modesOf(steps: readonly StepDefinition[]): FailoverMode[] {
  return [...new Set(steps.flatMap((s) => s.modes))];
}

/** True when some mode runs the phase but not this step of it. */
function isNarrower(step: StepDefinition, phaseModes: readonly FailoverMode[]): boolean {
  return phaseModes.some((mode) => !step.modes.includes(mode));
}

const skipName = (step: StepDefinition) => `skip/${step.id}`;

/**
 * Where the state before a step goes: the step's entry, or, when the step runs in fewer
 * modes than its phase, a choice that skips it in the others.
 */
function wayIn(step: StepDefinition, phaseModes: readonly FailoverMode[]): string {
  return isNarrower(step, phaseModes) ? skipName(step) : STEP_STATES[step.id].entry;
}

/**
 * Runs `step` in its modes, goes on to `next` in the others. Named `skip/<step id>`, not
 * after the step, so a skipped step is not reported as run (stepOfState).
 */
function skipChoice(step: StepDefinition, next: string): AslState {
  return {
    Type: 'Choice',
    Comment: `${step.id} runs on the ${step.modes.join(' and ')} path only`,
    Choices: step.modes.map((mode) => ({
      Variable: '$.mode',
      StringEquals: mode,
      Next: STEP_STATES[step.id].entry,
    })),
    Default: next,
  };
}

/** One phase's states: its steps chained in order, then its end. */
function phaseStates(
  context: StateMachineContext,
  phase: Phase,
  steps: readonly StepDefinition[],
): Record<string, AslState> {
  const modes = modesOf(steps);
  const end = PHASE_ENDS[phase];
  const states: Record<string, AslState> = {};
  steps.forEach((step, index) => {
    const following = steps[index + 1];
    const next = following ? wayIn(following, modes) : end.name;
    if (isNarrower(step, modes)) states[skipName(step)] = skipChoice(step, next);
    Object.assign(states, STEP_STATES[step.id].states(context, next));
  });
  states[end.name] = end.state;
  return states;
}

/** The `Phase` choice: each phase but the last by name, the last as the default. */
function phaseChoice(firstStates: ReadonlyArray<readonly [Phase, string]>): AslState {
  const last = firstStates.at(-1);
  if (!last) throw new Error('state machine definition: no phase has steps');
  return {
    Type: 'Choice',
    Comment: 'demote: fence this region (planned path, runs where the writer was); promote: everything else',
    Choices: firstStates
      .slice(0, -1)
      .map(([phase, first]) => ({ Variable: '$.phase', StringEquals: phase, Next: first })),
    Default: last[1],
  };
}

/**
 * The states of the failover/failback machine, `Phase` first. `steps` is the step list;
 * a test passes another to show what a change of phase or modes would generate.
 */
export function buildStates(
  context: StateMachineContext,
  steps: readonly StepDefinition[] = STEPS,
): Record<string, AslState> {
  const phases = PHASES.map((phase) => [phase, stepsOfPhase(phase, steps)] as const);
  for (const [phase, ofPhase] of phases) {
    if (ofPhase.length === 0) {
      throw new Error(
        `state machine definition: phase ${phase} has no steps; each of ${PHASES.join(', ')} needs one`,
      );
    }
  }
  const firsts = phases.map(([phase, ofPhase]) => [phase, wayIn(ofPhase[0]!, modesOf(ofPhase))] as const);
  const states: Record<string, AslState> = { [PHASE_STATE]: phaseChoice(firsts) };
  for (const [phase, ofPhase] of phases) Object.assign(states, phaseStates(context, phase, ofPhase));
  Object.assign(states, failureStates());
  return { ...states, ...failedMarkers(steps, states) };
}
