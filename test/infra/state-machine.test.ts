/**
 * The failover/failback definition (typed code → ASL): valid for asl-validator, every
 * task retried and caught, own-region integrations only, and no control plane homed in
 * us-east-1 (Route 53, IAM) anywhere.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import {
  drDefinition,
  renderDefinition,
  type AslState,
} from '../../src/infra/constructs/regional/state-machine-definition.js';
import { buildStates } from '../../src/infra/constructs/regional/state-machine/build.js';
import { auditKey, auditKeyTemplate, STATE_MACHINE_AUDIT } from '../../src/contract/audit.js';
import {
  PHASES,
  STEPS,
  stepOfState,
  type FailoverMode,
  type Phase,
  type StepDefinition,
} from '../../src/contract/steps.js';

// asl-validator ships no type declarations.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const contexts = (['failover', 'failback'] as const).flatMap((kind) =>
  (['us-east-1', 'us-east-2'] as const).map((region) => ({
    kind,
    region,
    role: region === 'us-east-1' ? ('primary' as const) : ('secondary' as const),
    primaryRegion: 'us-east-1',
    secondaryRegion: 'us-east-2',
    parametersKeyId: `arn:aws:kms:${region}:123456789012:key/regional`,
  })),
);

/** Reads a `$.a.b[0]` path from `input` (the subset the Choice states use). */
function readPath(input: unknown, path: string): unknown {
  let at: unknown = input;
  for (const part of path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter(Boolean)) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

type Rule = Record<string, unknown>;
/** Evaluates one Choice rule (the operators the definition uses). */
function matches(rule: Rule, input: unknown): boolean {
  if (Array.isArray(rule.And)) return (rule.And as Rule[]).every((r) => matches(r, input));
  if (Array.isArray(rule.Or)) return (rule.Or as Rule[]).some((r) => matches(r, input));
  if (rule.Not) return !matches(rule.Not as Rule, input);
  const value = readPath(input, String(rule.Variable));
  if ('IsPresent' in rule) return (value !== undefined) === rule.IsPresent;
  if ('StringEquals' in rule) return value === rule.StringEquals;
  if ('StringEqualsPath' in rule) return value === readPath(input, String(rule.StringEqualsPath));
  if ('NumericGreaterThanEqualsPath' in rule)
    return Number(value) >= Number(readPath(input, String(rule.NumericGreaterThanEqualsPath)));
  throw new Error(`operator not modelled: ${JSON.stringify(rule)}`);
}

/** Where a Choice state goes for `input`. */
function choose(state: AslState, input: unknown): string {
  const hit = (state.Choices as Array<Rule & { Next: string }>).find((c) => matches(c, input));
  return hit?.Next ?? String(state.Default);
}

const TARGET = 'arn:aws:rds:us-east-2:123456789012:cluster:trading-prod-use2-orders-db';

/** An execution's state where everything goes well: the cluster available, the target the writer, the read-back right. */
function healthy(phase: Phase, mode: FailoverMode): unknown {
  return {
    phase,
    mode,
    to: 'us-east-2',
    targetCluster: { arn: TARGET },
    checks: {
      cluster: { Status: 'available' },
      writers: ['arn:aws:rds:us-east-1:123456789012:cluster:trading-prod-use1-orders-db'],
    },
    writer: { cluster: { Status: 'available' }, writers: [TARGET] },
    poll: { count: 0 },
    timing: { maxPolls: 10 },
    verify: {
      activeRegion: { value: 'us-east-2' },
      writer: { writers: [TARGET] },
      mapping: { state: 'Enabled' },
    },
  };
}

/** The states visited from `Phase` to the first Succeed or Fail, taking each Choice's branch for `input`. */
function walk(states: Readonly<Record<string, AslState>>, input: unknown): string[] {
  const visited: string[] = [];
  let name = 'Phase';
  for (let hops = 0; hops < 200; hops++) {
    const state = states[name];
    assert.ok(state, `${visited.at(-1)} goes to ${name}, which is no state`);
    visited.push(name);
    if (state.Type === 'Succeed' || state.Type === 'Fail') return visited;
    name = state.Type === 'Choice' ? choose(state, input) : String(state.Next);
  }
  throw new Error(`no end within 200 states: ${visited.join(' → ')}`);
}

/** The steps a visit went through, in order (each once, as `follow` reports them). */
function stepsVisited(visited: readonly string[]): string[] {
  const ids = visited.map(stepOfState).filter((id): id is NonNullable<typeof id> => id !== undefined);
  return ids.filter((id, index) => id !== ids[index - 1]);
}

/** The (phase, mode) pairs an execution runs: the modes of a phase are those of its steps. */
function runs(steps: readonly StepDefinition[]): Array<[Phase, FailoverMode]> {
  return PHASES.flatMap((phase) =>
    [...new Set(steps.filter((s) => s.phase === phase).flatMap((s) => s.modes))].map(
      (mode) => [phase, mode] as [Phase, FailoverMode],
    ),
  );
}

const expectedSteps = (steps: readonly StepDefinition[], phase: Phase, mode: FailoverMode) =>
  steps.filter((s) => s.phase === phase && s.modes.includes(mode)).map((s) => s.id);

const PHASE_END: Record<Phase, string> = { demote: 'Demoted', promote: 'Done' };

describe('failover/failback state machine definition', () => {
  for (const context of contexts) {
    it(`${context.kind} in ${context.region} is valid ASL`, () => {
      // Given the rendered definition / When asl-validator checks it
      const definition = JSON.parse(renderDefinition(drDefinition(context))) as Parameters<
        typeof aslValidator
      >[0];
      const result = aslValidator(definition);
      // Then it has no errors
      assert.equal(result.isValid, true, JSON.stringify(result.errors));
    });
  }

  it('every task retries and catches; integrations are own-region, no Route 53, no IAM, no Lambda', () => {
    // Given the states
    const states = Object.entries(drDefinition(contexts[0]!).States) as Array<[string, AslState]>;
    const tasks = states.filter(([, s]) => s.Type === 'Task');
    assert.ok(tasks.length >= 15);
    for (const [name, state] of tasks) {
      // Then each has Retry and Catch, and an ARN without a region (same-region integration)
      assert.ok(Array.isArray(state.Retry) && state.Retry.length > 0, `${name} has no Retry`);
      assert.ok(Array.isArray(state.Catch) && state.Catch.length > 0, `${name} has no Catch`);
      const resource = String(state.Resource);
      assert.match(resource, /^arn:aws:states:::/, `${name}: ${resource}`);
      assert.doesNotMatch(resource, /route53|:iam:|lambda:invoke/, `${name}: ${resource}`);
    }
  });

  it('every step of the step list has states, and every state of a step maps back to it', () => {
    // Given the step ids the CLI reports / When the states are grouped by stepOfState
    const names = Object.keys(drDefinition(contexts[0]!).States);
    const covered = new Set(names.map(stepOfState).filter(Boolean));
    // Then each step has at least one state
    for (const step of STEPS) assert.ok(covered.has(step.id), `no state for step ${step.id}`);
    assert.equal(stepOfState('failure/Fail'), undefined);
  });

  it('the unplanned path does not require the global cluster to be available (a lost region may leave it otherwise)', () => {
    // Given the promote pre-checks, and a global cluster in a state other than `available`
    const states = drDefinition(contexts[1]!).States;
    const evaluate = states['pre-checks/Evaluate']!;
    for (const status of ['failing-over', 'modifying', 'unknown']) {
      const checks = { cluster: { Status: status }, writers: [] };
      // When the unplanned failover evaluates them / Then it goes on to fence and promote
      assert.equal(
        choose(evaluate, { mode: 'unplanned', checks }),
        'fence-surviving-region/ActiveRegion',
        `unplanned, global cluster ${status}`,
      );
      // ...while a planned switchover still refuses
      assert.equal(choose(evaluate, { mode: 'planned', checks }), 'pre-checks/NotAvailable');
    }
    assert.equal(
      choose(evaluate, { mode: 'planned', checks: { cluster: { Status: 'available' } } }),
      'fence-surviving-region/ActiveRegion',
    );
  });

  it('an unplanned re-run waits for the failover already in flight to the same cluster instead of starting another', () => {
    // Given an earlier run's FailoverGlobalCluster to this cluster, still in progress
    const already = drDefinition(contexts[1]!).States['promote/AlreadyWriter']!;
    const target = 'arn:aws:rds:us-east-2:123456789012:cluster:trading-prod-use2-orders-db';
    const input = (to: string | undefined) => ({
      mode: 'unplanned',
      targetCluster: { arn: target },
      checks: {
        cluster: { Status: 'failing-over', ...(to ? { FailoverState: { ToDbClusterArn: to } } : {}) },
        writers: ['arn:aws:rds:us-east-1:123456789012:cluster:trading-prod-use1-orders-db'],
      },
    });
    // Then it waits for the writer; without one in flight (or one elsewhere) it fails over
    assert.equal(choose(already, input(target)), 'wait-for-writer/Start');
    assert.equal(choose(already, input(undefined)), 'promote/Failover');
    assert.equal(
      choose(already, input('arn:aws:rds:us-east-1:123456789012:cluster:other')),
      'promote/Failover',
    );
  });

  it('writes the fencing SecureStrings under the regional key, never re-keying them to aws/ssm', () => {
    for (const context of contexts) {
      // Given every ssm:putParameter task of the definition
      const puts = Object.entries(drDefinition(context).States).filter(([, s]) =>
        String(s.Resource).endsWith(':ssm:putParameter'),
      );
      assert.ok(puts.length >= 4, `${context.kind}/${context.region}: ${puts.length} puts`);
      // Then each names the regional key (PutParameter with Overwrite and no KeyId re-encrypts under aws/ssm)
      for (const [name, state] of puts) {
        const parameters = state.Parameters as Record<string, unknown>;
        assert.equal(parameters.Type, 'SecureString', name);
        assert.equal(parameters.KeyId, context.parametersKeyId, name);
      }
    }
  });

  it('the waits come from the input (the sandbox keeps them short)', () => {
    // Given the Wait states / Then none waits a fixed time
    const waits = Object.values(drDefinition(contexts[1]!).States).filter((s) => s.Type === 'Wait');
    assert.ok(waits.length >= 2);
    for (const wait of waits) assert.equal(typeof wait.SecondsPath, 'string');
  });

  for (const context of contexts) {
    it(`${context.kind} in ${context.region}: the success path of each phase and mode runs the step list's steps of that phase and mode, in its order`, () => {
      // Given the generated states and every (phase, mode) an execution runs
      const states = drDefinition(context).States;
      const pairs = runs(STEPS);
      assert.deepEqual(pairs, [
        ['demote', 'planned'],
        ['promote', 'planned'],
        ['promote', 'unplanned'],
      ]);
      for (const [phase, mode] of pairs) {
        // When an execution of that phase and mode goes well
        const visited = walk(states, healthy(phase, mode));
        // Then it visits the steps of STEPS of that phase and mode, in order, and ends at the phase's end
        assert.deepEqual(stepsVisited(visited), expectedSteps(STEPS, phase, mode), `${phase}/${mode}`);
        assert.equal(visited.at(-1), PHASE_END[phase], `${phase}/${mode}: ${visited.join(' → ')}`);
      }
    });
  }

  it('follows the step list: a step moved or narrowed to one mode moves or is skipped in the generated machine', () => {
    // Given a step list where verify runs on the planned path only and enable-new-primary comes before shift-traffic
    const steps = STEPS.map((s) => (s.id === 'verify' ? { ...s, modes: ['planned'] as FailoverMode[] } : s));
    const shift = steps.findIndex((s) => s.id === 'shift-traffic');
    [steps[shift], steps[shift + 1]] = [steps[shift + 1]!, steps[shift]!];
    assert.equal(steps[shift]!.id, 'enable-new-primary');
    // When the states are built from it
    const states = buildStates(contexts[1]!, steps);
    // Then it is valid ASL, verify sits behind a skip choice that no step claims
    const result = aslValidator({ StartAt: 'Phase', States: states } as Parameters<typeof aslValidator>[0]);
    assert.equal(result.isValid, true, JSON.stringify(result.errors));
    assert.equal(states['skip/verify']?.Type, 'Choice');
    assert.equal(stepOfState('skip/verify'), undefined);
    // And each path runs that list's steps of its phase and mode, in that list's order
    for (const [phase, mode] of runs(steps)) {
      const visited = walk(states, healthy(phase, mode));
      assert.deepEqual(stepsVisited(visited), expectedSteps(steps, phase, mode), `${phase}/${mode}`);
      assert.equal(visited.includes('skip/verify'), phase === 'promote', `${phase}/${mode}`);
    }
    assert.ok(!stepsVisited(walk(states, healthy('promote', 'unplanned'))).includes('verify'));
  });

  it('the step list as it is needs no skip choice: no step runs in fewer modes than its phase', () => {
    // Given the generated states / Then none is a skip choice
    const names = Object.keys(drDefinition(contexts[0]!).States);
    assert.deepEqual(
      names.filter((n) => n.startsWith('skip/')),
      [],
    );
  });

  it('a step fails to its own failure path: the lease held and a failed demote fail at once, the rest record it first', () => {
    // Given the `<step>/Failed` markers
    const states = drDefinition(contexts[0]!).States;
    const markers = Object.entries(states).filter(([name]) => name.endsWith('/Failed'));
    assert.ok(markers.length >= 10);
    for (const [name, marker] of markers) {
      // Then each records its step and goes where the step says
      const step = stepOfState(name);
      assert.equal(marker.Result, step, name);
      const expected =
        step === 'take-lease'
          ? 'failure/LeaseHeld'
          : step === 'fence-old-primary'
            ? 'failure/DemoteFailed'
            : 'failure/Event';
      assert.equal(marker.Next, expected, name);
    }
  });

  it('writes its audit objects under the key format the CLI uses (src/contract/audit.ts)', () => {
    // Given the audit tasks of the success and the failure path
    const states = drDefinition(contexts[0]!).States;
    const keyOf = (name: string) => (states[name]?.Parameters as Record<string, unknown>)['Key.$'];
    // Then their keys are the contract's template, filled with the operation and its id
    for (const [name, writer] of [
      ['emit-event/Audit', STATE_MACHINE_AUDIT.succeeded],
      ['failure/Audit', STATE_MACHINE_AUDIT.failed],
    ] as const) {
      assert.equal(keyOf(name), `States.Format('${auditKeyTemplate(writer)}', $.operation, $.operationId)`);
    }
    assert.equal(auditKeyTemplate('state-machine'), 'dr-audit/{}/{}.state-machine.json');
    assert.equal(
      auditKey('failover', 'op-1', STATE_MACHINE_AUDIT.failed),
      'dr-audit/failover/op-1.state-machine-failed.json',
    );
  });
});
