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
import { STEPS, stepOfState } from '../../src/contract/steps.js';

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
});
