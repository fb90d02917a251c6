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
  stepOfState,
  type AslState,
} from '../../src/infra/constructs/regional/state-machine-definition.js';
import { STEPS } from '../../src/core/failover/steps.js';

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
  })),
);

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

  it('the waits come from the input (the sandbox keeps them short)', () => {
    // Given the Wait states / Then none waits a fixed time
    const waits = Object.values(drDefinition(contexts[1]!).States).filter((s) => s.Type === 'Wait');
    assert.ok(waits.length >= 2);
    for (const wait of waits) assert.equal(typeof wait.SecondsPath, 'string');
  });
});
