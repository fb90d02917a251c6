import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resourcesOf, type TfJson } from './synth-helpers.js';
import { synthApp } from './global-fixture.js';

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** Every IAM policy document of a stack (role inline policies, managed policies, trust policies), by resource. */
function iamDocuments(stack: TfJson): { where: string; statements: Statement[] }[] {
  const docs: { where: string; statements: Statement[] }[] = [];
  const add = (where: string, text: unknown) => {
    if (typeof text !== 'string') return;
    const doc = JSON.parse(text) as { Statement: Statement | Statement[] };
    docs.push({ where, statements: Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement] });
  };
  for (const type of ['aws_iam_role_policy', 'aws_iam_policy']) {
    for (const [name, r] of Object.entries(resourcesOf(stack, type))) add(`${type}.${name}`, r.policy);
  }
  for (const [name, r] of Object.entries(resourcesOf(stack, 'aws_iam_role'))) {
    add(`aws_iam_role.${name} (trust)`, r.assume_role_policy);
    for (const inline of (r.inline_policy as { policy?: string }[] | undefined) ?? []) {
      add(`aws_iam_role.${name} (inline)`, inline.policy);
    }
  }
  return docs;
}

function policyNamed(stack: TfJson, name: string): { role: string; statements: Statement[] }[] {
  return Object.values(resourcesOf(stack, 'aws_iam_role_policy'))
    .filter((p) => p.name === name)
    .map((p) => ({
      role: String(p.role),
      statements: (JSON.parse(String(p.policy)) as { Statement: Statement[] }).Statement,
    }));
}

describe('IAM across all stacks', () => {
  it('grants no `*` or `service:*` action, and no NotAction, in any IAM policy of any stack', () => {
    // Given the whole platform / When synthesized
    const app = synthApp();
    const offenders: string[] = [];
    let checked = 0;
    for (const [stack, json] of Object.entries(app.json)) {
      for (const doc of iamDocuments(json)) {
        for (const s of doc.statements.filter((st) => st.Effect === 'Allow')) {
          checked += 1;
          if (s.NotAction) offenders.push(`${stack} ${doc.where}: NotAction`);
          for (const action of list(s.Action)) {
            if (action === '*' || /^[a-z0-9-]+:\*$/i.test(action))
              offenders.push(`${stack} ${doc.where}: ${action}`);
          }
        }
      }
    }
    // Then there are policies to check, and none grants a whole service
    assert.ok(checked > 20, `only ${checked} statements found: is the scan looking in the right place?`);
    assert.deepEqual(offenders, []);
  });

  it('attaches the cross-region failover policy to both state-machine roles, covering both regions', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const policies = policyNamed(app.json.global, 'dr-cross-region');
    // Then one per region's state-machine role
    assert.equal(policies.length, 2);
    for (const p of policies) {
      const sids = p.statements.map((s) => s.Sid);
      for (const sid of [
        'GlobalDatabaseSwitch',
        'FenceEventSourceMappings',
        'FencingParameters',
        'PublishDrEvents',
        'OperationLease',
        'WriteAuditLog',
      ]) {
        assert.ok(sids.includes(sid), `${p.role} lacks ${sid}`);
      }
      const rds = p.statements.find((s) => s.Sid === 'GlobalDatabaseSwitch');
      assert.ok(list(rds?.Action).includes('rds:FailoverGlobalCluster'));
      assert.ok(list(rds?.Action).includes('rds:SwitchoverGlobalCluster'));
      // ...whose SSM and Lambda resources name both regions
      const ssm = list(p.statements.find((s) => s.Sid === 'FencingParameters')?.Resource).join(' ');
      assert.match(ssm, /:ssm:us-east-1:.*parameter\/trading-prod\/active-region/);
      assert.match(ssm, /:ssm:us-east-2:.*parameter\/trading-prod\/epoch/);
      const fence = p.statements.find((s) => s.Sid === 'FenceEventSourceMappings');
      assert.equal(list(fence?.Resource).length, 2);
      assert.ok(
        fence?.Condition?.StringEquals?.['lambda:FunctionArn'],
        'fencing is limited to the trade processors',
      );
    }
  });

  it('lets the operator role run the DR machines and hold the lease in the two platform regions only', () => {
    // Given the default platform (no operators listed) / When synthesized
    const app = synthApp();
    const role = Object.values(resourcesOf(app.json.global, 'aws_iam_role')).find(
      (r) => r.name === 'trading-prod-operator',
    );
    assert.ok(role);
    const trust = (JSON.parse(String(role.assume_role_policy)) as { Statement: Statement[] }).Statement[0];
    // Then only the account, with MFA, may assume it
    assert.match(JSON.stringify(trust?.Principal), /:root/);
    assert.deepEqual(trust?.Condition, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
    const [policy] = policyNamed(app.json.global, 'dr-operator');
    assert.ok(policy);
    const actions = policy.statements.flatMap((s) => list(s.Action));
    for (const a of [
      'states:StartExecution',
      'states:DescribeExecution',
      'dynamodb:PutItem',
      'rds:DescribeGlobalClusters',
    ]) {
      assert.ok(actions.includes(a), `operator lacks ${a}`);
    }
    // ...and everything outside us-east-1/us-east-2 is denied
    const deny = policy.statements.find((s) => s.Effect === 'Deny');
    assert.deepEqual(deny?.Condition, {
      StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-east-2'] },
    });
  });

  it('gives the operator role what dr drill needs as a managed policy of its own, scoped to the platform', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const policies = Object.entries(resourcesOf(app.json.global, 'aws_iam_policy')).filter(
      ([, r]) => r.name === 'trading-prod-operator-drill',
    );
    assert.equal(policies.length, 1);
    const [[key, policy]] = policies as [[string, Record<string, unknown>]];
    // Then it is attached to the operator role
    const attachment = Object.values(resourcesOf(app.json.global, 'aws_iam_role_policy_attachment')).find(
      (a) => String(a.policy_arn).includes(`aws_iam_policy.${key}.arn`),
    );
    assert.ok(attachment, 'the drill policy is attached');
    assert.match(String(attachment.role), /aws_iam_role\..*operator.*\.name/);
    const statements = (JSON.parse(String(policy.policy)) as { Statement: Statement[] }).Statement;
    const bySid = new Map(statements.map((s) => [s.Sid, s]));
    // And it can post orders only to POST /orders of the two order APIs
    const post = list(bySid.get('PostSyntheticOrders')?.Resource);
    assert.equal(post.length, 2);
    for (const [i, region] of ['us-east-1', 'us-east-2'].entries()) {
      assert.match(post[i] ?? '', new RegExp(`^arn:.*:execute-api:${region}:.*/POST/orders$`));
    }
    // And throttle only the order API stages, and set only the trade processors' concurrency
    for (const r of list(bySid.get('ThrottleOrderApiStage')?.Resource))
      assert.match(r, /:apigateway:us-east-[12]::\/restapis\/.+\/stages\/.+/);
    assert.deepEqual(list(bySid.get('ThrottleOrderApiStage')?.Action), ['apigateway:PATCH']);
    for (const r of list(bySid.get('TradeProcessorConcurrency')?.Resource))
      assert.match(r, /trade-processor/);
    // And read orders through the Data API on the two clusters only
    assert.equal(list(bySid.get('CountOrdersDataApi')?.Resource).length, 2);
    // And the only `*` resource is Route 53's read calls, which IAM cannot scope
    const starred = statements.filter((s) => list(s.Resource).includes('*'));
    assert.deepEqual(starred.flatMap((s) => list(s.Action)).sort(), [
      'route53:ListHealthChecks',
      'route53:ListHostedZonesByName',
      'route53:TestDNSAnswer',
    ]);
  });

  it('trusts the listed operators instead of the account root when config.operators is set', () => {
    // Given an explicit operator role
    const operator = 'arn:aws:iam::123456789012:role/sre-oncall';
    const app = synthApp({ operators: [operator] });
    // When synthesized / Then the trust names exactly that principal
    const role = Object.values(resourcesOf(app.json.global, 'aws_iam_role')).find(
      (r) => r.name === 'trading-prod-operator',
    );
    const trust = (JSON.parse(String(role?.assume_role_policy)) as { Statement: Statement[] }).Statement[0];
    assert.deepEqual(trust?.Principal, { AWS: [operator] });
  });
});
