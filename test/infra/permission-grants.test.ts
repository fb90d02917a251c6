/**
 * The grants the iam-permissions check itself needs (src/core/checks/permissions.ts), and
 * that its list names the roles the stacks create: the operator's and each readiness
 * function's `iam:SimulatePrincipalPolicy` is scoped to exactly the DR roles' ARNs.
 * Synth-level: read from the synthesized Terraform JSON.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drRoleArns, roleNames } from '../../src/core/checks/permission-paths.js';
import { regionalSource, synthApp, type StackKey } from './global-fixture.js';
import { resourcesOf } from './synth-helpers.js';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string | string[];
}

const app = synthApp();
const { naming } = app;
const regions = [app.config.regions.primary, app.config.regions.secondary];
const account = { partition: 'aws', accountId: '123456789012' };

/** Partition, account and cross-stack role names resolved as a deploy would. */
function resolve(value: string): string {
  return value
    .replaceAll('${data.aws_partition.partition.partition}', 'aws')
    .replaceAll('${data.aws_caller_identity.account.account_id}', '123456789012')
    .replaceAll('${data.aws_caller_identity.caller.account_id}', '123456789012')
    .replace(/\$\{data\.terraform_remote_state\.[^}]+\}/g, (ref) => {
      const source = regionalSource(app, ref);
      const m = /^\$\{(\w+)\.([\w-]+)\.name\}$/.exec(source?.expression ?? '');
      assert.ok(source && m, `not a role name reference: ${ref}`);
      return String(resourcesOf(app.json[source.stack], m[1] as string)[m[2] as string]?.name);
    });
}

function simulateGrant(stack: StackKey, policyName: string, roleHint?: string): string[] {
  const policies = Object.entries(resourcesOf(app.json[stack], 'aws_iam_role_policy')).filter(
    ([id, p]) => p.name === policyName && (!roleHint || id.startsWith(roleHint)),
  );
  assert.equal(policies.length, 1, `${stack}: one ${policyName} policy`);
  const statements = (JSON.parse(String(policies[0]?.[1].policy)) as { Statement: Statement[] }).Statement;
  const grants = statements.filter(
    (s) => s.Effect === 'Allow' && s.Action.includes('iam:SimulatePrincipalPolicy'),
  );
  assert.equal(grants.length, 1, 'one SimulatePrincipalPolicy statement');
  const resources = grants[0]?.Resource ?? [];
  return (Array.isArray(resources) ? resources : [resources]).map(resolve).sort();
}

describe('permission readiness: grants and roles', () => {
  it('every role the list simulates is a role the stacks create', () => {
    const names = roleNames(naming);
    const created = (['primary', 'secondary', 'global'] as const).flatMap((k) =>
      Object.values(resourcesOf(app.json[k], 'aws_iam_role')).map((r) => String(r.name)),
    );
    const expected = [
      names.operator,
      ...regions.flatMap((r) =>
        (['state-machine', 'failover-watchdog', 'readiness-check', 'trade-processor'] as const).map((a) =>
          names[a](r),
        ),
      ),
    ];
    assert.deepEqual(
      expected.filter((n) => !created.includes(n)),
      [],
    );
  });

  it("the operator may simulate exactly the DR roles' policies", () => {
    assert.deepEqual(simulateGrant('global', 'dr-operator'), drRoleArns(naming, account).sort());
  });

  it("each region's readiness function may simulate exactly the DR roles' policies", () => {
    for (const stack of ['primary', 'secondary'] as const) {
      assert.deepEqual(
        simulateGrant(stack, 'execution', 'readiness-check'),
        drRoleArns(naming, account).sort(),
      );
    }
  });
});
