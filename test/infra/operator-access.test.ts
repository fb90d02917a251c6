/**
 * What a real account enforces and the emulator does not (yet): every AWS call `dr` makes
 * as the operator has a grant on the operator role, scoped to what the call touches; and
 * the service roles a real account needs (an event-bus target's delivery role) exist.
 * Synth-level: the policy documents are read from the synthesized Terraform JSON.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CloudWatchApi } from '../../src/aws/clients.js';
import { readAlarms } from '../../src/core/checks/read.js';
import { Naming } from '../../src/contract/naming.js';
import { synthApp } from './global-fixture.js';
import { resourcesOf, type TfJson } from './synth-helpers.js';

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const app = synthApp();
const { naming } = app;
const regions = [app.config.regions.primary, app.config.regions.secondary] as const;

function policy(stack: TfJson, type: string, name: string): Statement[] {
  const found = Object.values(resourcesOf(stack, type)).filter((p) => p.name === name);
  assert.equal(found.length >= 1, true, `no ${type} named ${name}`);
  return (JSON.parse(String(found[0]?.policy)) as { Statement: Statement[] }).Statement;
}
const operator = policy(app.json.global, 'aws_iam_role_policy', 'dr-operator');
const drill = policy(app.json.global, 'aws_iam_policy', `${naming.prefix}-operator-drill`);
const readiness = policy(app.json.global, 'aws_iam_role_policy', 'dr-cross-region-read');

const allows = (statements: Statement[], action: string) =>
  statements.filter((s) => s.Effect === 'Allow' && s.Action.includes(action));

/** IAM's wildcard match of an ARN pattern (`*`, `?`) against a concrete resource. */
const globMatch = (pattern: string, value: string) =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('')}$`,
  ).test(value);

/** The synthesized ARN with the partition and account tokens as the test account's. */
const resolved = (r: string) =>
  r
    .replaceAll('${data.aws_partition.partition.partition}', 'aws')
    .replaceAll('${data.aws_caller_identity.account.account_id}', '123456789012');

interface Call {
  /** The SDK method (src/aws/apis.ts) the code path calls. */
  readonly method: string;
  readonly action: string;
  /** A concrete resource the call touches; omitted when the grant's resource is a cross-stack token. */
  readonly resource?: string;
  /** Or: a pattern the granted resource must match (for token-built ARNs). */
  readonly resourceLike?: RegExp;
}
const ctx = (service: string, region: string, resource: string) =>
  `arn:aws:${service}:${region}:123456789012:${resource}`;

/** Per code path, the calls `dr` makes as the operator (src/core), and the IAM action each needs. */
const CALLS: Record<string, { readonly policy: Statement[]; readonly calls: readonly Call[] }> = {
  'verify-sync / status (src/core/checks, src/core/status.ts)': {
    policy: operator,
    calls: [
      ...regions.flatMap((r) =>
        Naming.functions.map((fn): Call => ({
          method: 'getFunction',
          action: 'lambda:GetFunction',
          resource: ctx('lambda', r, `function:${naming.lambda(r, fn)}`),
        })),
      ),
      ...regions.map((r): Call => ({
        method: 'describeAlarms',
        action: 'cloudwatch:DescribeAlarms',
        resource: ctx('cloudwatch', r, `alarm:${naming.regional(r, 'orders-dlq-depth')}`),
      })),
      { method: 'getParametersByPath', action: 'ssm:GetParametersByPath' },
      { method: 'describeGlobalClusters', action: 'rds:DescribeGlobalClusters' },
      { method: 'describeDBClusters', action: 'rds:DescribeDBClusters' },
      { method: 'describeTable', action: 'dynamodb:DescribeTable' },
      { method: 'describeContinuousBackups', action: 'dynamodb:DescribeContinuousBackups' },
      { method: 'getBucketReplication', action: 's3:GetReplicationConfiguration' },
      { method: 'listEventSourceMappings', action: 'lambda:ListEventSourceMappings', resource: '*' },
      { method: 'getMetricData', action: 'cloudwatch:GetMetricData', resource: '*' },
      { method: 'getHealthCheckStatus', action: 'route53:GetHealthCheckStatus' },
      {
        // the iam-permissions check (src/core/checks/permissions.ts), on each DR role
        method: 'simulatePrincipalPolicy',
        action: 'iam:SimulatePrincipalPolicy',
        resource: `arn:aws:iam::123456789012:role/${naming.role('operator')}`,
      },
      { method: 'listHostedZonesByName', action: 'route53:ListHostedZonesByName', resource: '*' },
      { method: 'listHealthChecks', action: 'route53:ListHealthChecks', resource: '*' },
      {
        method: 'listResourceRecordSets',
        action: 'route53:ListResourceRecordSets',
        resourceLike: /:route53:::hostedzone\//,
      },
    ],
  },
  'verify-sync canaries (src/core/checks/canary.ts)': {
    policy: operator,
    calls: [
      { method: 'putObject', action: 's3:PutObject', resourceLike: /config-bucket.*\/canary\/\*$/ },
      { method: 'headObject', action: 's3:GetObject', resourceLike: /config-bucket.*\/canary\/\*$/ },
      // Always with a VersionId: the exact versions, no delete marker left behind.
      {
        method: 'deleteObject',
        action: 's3:DeleteObjectVersion',
        resourceLike: /config-bucket.*\/canary\/\*$/,
      },
      { method: 'putItem', action: 'dynamodb:PutItem' },
      { method: 'getItem', action: 'dynamodb:GetItem' },
      { method: 'deleteItem', action: 'dynamodb:DeleteItem' },
    ],
  },
  'failover / failback (src/core/failover)': {
    policy: operator,
    calls: [
      ...regions.flatMap((r) =>
        (['failover', 'failback'] as const).flatMap((kind): Call[] => [
          {
            method: 'startExecution',
            action: 'states:StartExecution',
            resource: ctx('states', r, `stateMachine:${naming.stateMachine(r, kind)}`),
          },
          {
            method: 'listExecutions',
            action: 'states:ListExecutions',
            resource: ctx('states', r, `stateMachine:${naming.stateMachine(r, kind)}`),
          },
          {
            method: 'describeExecution',
            action: 'states:DescribeExecution',
            resource: ctx('states', r, `execution:${naming.stateMachine(r, kind)}:op-1`),
          },
          {
            method: 'getExecutionHistory',
            action: 'states:GetExecutionHistory',
            resource: ctx('states', r, `execution:${naming.stateMachine(r, kind)}:op-1`),
          },
        ]),
      ),
      // The executions' data is encrypted with the regional key (DrExecutionData, below).
      { method: 'startExecution', action: 'kms:GenerateDataKey' },
      { method: 'describeExecution', action: 'kms:Decrypt' },
      { method: 'getParameter', action: 'ssm:GetParameter' },
      { method: 'getEventSourceMapping', action: 'lambda:GetEventSourceMapping' },
      { method: 'updateItem', action: 'dynamodb:UpdateItem' },
      { method: 'putObject', action: 's3:PutObject', resourceLike: /audit-logs-bucket.*\/dr-audit\/\*$/ },
      { method: 'putObject', action: 'kms:GenerateDataKey' },
    ],
  },
  'drill (src/core/drill, managed policy)': {
    policy: [...operator, ...drill],
    calls: [
      { method: 'getRestApis', action: 'apigateway:GET' },
      { method: 'getStage', action: 'apigateway:GET' },
      { method: 'updateStage', action: 'apigateway:PATCH' },
      { method: 'executeStatement', action: 'rds-data:ExecuteStatement' },
      { method: 'getFunctionConcurrency', action: 'lambda:GetFunctionConcurrency' },
      { method: 'putFunctionConcurrency', action: 'lambda:PutFunctionConcurrency' },
      { method: 'deleteFunctionConcurrency', action: 'lambda:DeleteFunctionConcurrency' },
      { method: 'testDNSAnswer', action: 'route53:TestDNSAnswer', resource: '*' },
      { method: 'listHostedZonesByName', action: 'route53:ListHostedZonesByName', resource: '*' },
      { method: 'listHealthChecks', action: 'route53:ListHealthChecks', resource: '*' },
      // auto-failover on for the drill and back, in both regions
      ...regions.map((r): Call => ({
        method: 'putParameter',
        action: 'ssm:PutParameter',
        resource: ctx('ssm', r, `parameter${naming.ssmShared('auto-failover')}`),
      })),
    ],
  },
};

/**
 * Calls in src/core that the operator role does not make, or that the table above does not
 * cover yet, each with the reason. A new call in src/core fails the guard below until it is
 * in the table (with its grant) or here (with its reason).
 */
const NOT_THE_OPERATOR: Record<string, string> = {
  publish: 'watchdog.ts: the watchdog Lambda (its own role, regional stack)',
  putEvents: 'watchdog.ts: the watchdog Lambda (its own role, regional stack)',
  getCallerIdentity: 'sts:GetCallerIdentity needs no permission',
  getSecretValue: 'db-credentials.ts: run by dr deploy, as the deployer',
  putSecretValue: 'db-credentials.ts: run by dr deploy, as the deployer',
};

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'deploy' ? [] : sourcesUnder(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

describe('the operator role grants every call dr makes (least privilege a real account enforces)', () => {
  for (const [path, { policy: statements, calls }] of Object.entries(CALLS)) {
    it(`${path}: each call has an Allow on its action and resource`, () => {
      const missing: string[] = [];
      for (const call of calls) {
        const grants = allows(statements, call.action);
        const resources = grants.flatMap((s) => s.Resource.map(resolved));
        const ok = call.resource
          ? resources.some((pattern) => globMatch(pattern, call.resource!))
          : call.resourceLike
            ? resources.some((r) => call.resourceLike!.test(r))
            : grants.length > 0;
        if (!ok)
          missing.push(`${call.method} → ${call.action} on ${call.resource ?? call.resourceLike ?? '…'}`);
      }
      // Then nothing the path calls is left without a grant
      assert.deepEqual(missing, []);
    });
  }

  it('every AWS call in src/core is in the table or named as not the operator’s', () => {
    // Given the methods of the narrow client interfaces (src/aws/apis.ts)
    const apis = readFileSync('src/aws/apis.ts', 'utf8');
    const methods = new Set(
      [...apis.matchAll(/^ {2}(\w+)\(\s*$|^ {2}(\w+)\(input/gm)].map((m) => m[1] ?? m[2]),
    );
    // When src/core (deploy excluded: it runs as the deployer, not the operator) is searched for them
    const called = new Set<string>();
    for (const file of sourcesUnder('src/core')) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\.(\w+)\(/g)) {
        if (methods.has(m[1]!)) called.add(m[1]!);
      }
    }
    const known = new Set([
      ...Object.values(CALLS).flatMap((p) => p.calls.map((c) => c.method)),
      ...Object.keys(NOT_THE_OPERATOR),
    ]);
    // Then each is covered
    assert.ok(called.size > 20, `only ${called.size} calls found`);
    assert.deepEqual(
      [...called].filter((m) => !known.has(m)),
      [],
    );
  });

  it('lets the operator read exactly the platform functions’ code (verify-sync’s CodeSha256 check)', () => {
    const [grant, ...more] = allows(operator, 'lambda:GetFunction');
    assert.equal(more.length, 0);
    assert.deepEqual(
      grant?.Resource.map(resolved).sort(),
      regions
        .flatMap((r) => Naming.functions.map((fn) => ctx('lambda', r, `function:${naming.lambda(r, fn)}`)))
        .sort(),
    );
  });

  it('deletes canary object versions only under canary/, for the operator and the readiness check alike', () => {
    for (const [who, statements] of [
      ['operator', operator],
      ['readiness', readiness],
    ] as const) {
      const grants = allows(statements, 's3:DeleteObjectVersion');
      assert.equal(grants.length, 1, who);
      assert.equal(grants[0]?.Resource.length, 2, who);
      for (const r of grants[0]?.Resource ?? []) assert.match(r, /config-bucket.*\/canary\/\*$/, who);
    }
  });

  it('writes the CLI audit record only under dr-audit/ of the two audit buckets', () => {
    const grant = operator.find((s) => s.Sid === 'WriteAuditRecord');
    assert.deepEqual(grant?.Action, ['s3:PutObject']);
    assert.equal(grant?.Resource.length, 2);
    for (const r of grant?.Resource ?? []) assert.match(r, /audit-logs-bucket.*\/dr-audit\/\*$/);
  });

  it('uses the regional keys for DR execution data only through Step Functions, for the DR machines only', () => {
    // Given the grant that StartExecution (GenerateDataKey) and DescribeExecution/GetExecutionHistory (Decrypt) need
    const grants = operator.filter(
      (s) =>
        s.Effect === 'Allow' &&
        s.Condition?.StringEquals?.['kms:EncryptionContext:aws:states:stateMachineArn'],
    );
    assert.equal(grants.length, 1);
    const [grant] = grants as [Statement];
    assert.deepEqual(grant.Action.sort(), ['kms:Decrypt', 'kms:GenerateDataKey']);
    assert.equal(grant.Resource.length, 2);
    for (const r of grant.Resource) assert.match(r, /kms_key.*arn\}$/);
    const equals = grant.Condition?.StringEquals as Record<string, string[]>;
    // Then only through states.<region>, and only for the four DR machines
    assert.deepEqual(
      equals['kms:ViaService'],
      regions.map((r) => `states.${r}.amazonaws.com`),
    );
    assert.deepEqual(
      equals['kms:EncryptionContext:aws:states:stateMachineArn']?.map(resolved).sort(),
      regions
        .flatMap((r) =>
          (['failover', 'failback'] as const).map((k) =>
            ctx('states', r, `stateMachine:${naming.stateMachine(r, k)}`),
          ),
        )
        .sort(),
    );
  });

  it('DescribeAlarms is called with an AlarmNamePrefix inside the granted alarm prefix, for metric alarms only', async () => {
    // Given the calls readAlarms makes (a fake CloudWatch records them)
    const inputs: Parameters<CloudWatchApi['describeAlarms']>[0][] = [];
    const cloudwatch = {
      describeAlarms: async (input: Parameters<CloudWatchApi['describeAlarms']>[0]) => {
        inputs.push(input);
        return { MetricAlarms: [], $metadata: {} };
      },
    } as unknown as CloudWatchApi;
    const [grant] = allows(operator, 'cloudwatch:DescribeAlarms');
    for (const r of regions) {
      // When verify-sync reads a region's alarms (src/core/checks/index.ts passes naming.regional(r, ''))
      await readAlarms(cloudwatch, naming.regional(r, ''));
      const input = inputs.at(-1);
      // Then every alarm the prefix can return is inside the granted resource (alarm:<prefix>*)...
      const granted = grant?.Resource.map(resolved).find((p) => p.includes(`:cloudwatch:${r}:`));
      assert.ok(granted && input?.AlarmNamePrefix);
      assert.ok(
        globMatch(granted, ctx('cloudwatch', r, `alarm:${input.AlarmNamePrefix}any-alarm`)),
        `${input.AlarmNamePrefix} outside ${granted}`,
      );
      // ...and composite alarms, which need DescribeAlarms on `*`, are not asked for
      assert.deepEqual(input.AlarmTypes, ['MetricAlarm']);
    }
  });
});

describe('event-bus targets deliver with a role (a real account requires one for any bus target)', () => {
  it('every rule targeting an event bus, same region or not, names a role allowed to PutEvents there', () => {
    let checked = 0;
    for (const [stack, json] of Object.entries(app.json)) {
      const roles = resourcesOf(json, 'aws_iam_role');
      const policies = Object.values(resourcesOf(json, 'aws_iam_role_policy'));
      for (const [name, target] of Object.entries(resourcesOf(json, 'aws_cloudwatch_event_target'))) {
        const arn = String(target.arn);
        if (!/event[-_]bus|:events:/.test(arn)) continue;
        checked += 1;
        // Then the target has a role of this stack...
        const roleRef = /aws_iam_role\.([\w-]+)\.arn/.exec(String(target.role_arn))?.[1];
        assert.ok(roleRef && roles[roleRef], `${stack} ${name}: no role_arn`);
        // ...whose policy allows events:PutEvents on exactly the target bus
        const own = policies.filter((p) => String(p.role).includes(`aws_iam_role.${roleRef}.`));
        const statements = own.flatMap(
          (p) => (JSON.parse(String(p.policy)) as { Statement: Statement[] }).Statement,
        );
        assert.ok(
          statements.some((s) => s.Action.includes('events:PutEvents') && s.Resource.includes(arn)),
          `${stack} ${name}: its role may not PutEvents on ${arn}`,
        );
        // ...and only EventBridge, for this account, may assume it
        const trust = JSON.stringify(JSON.parse(String(roles[roleRef]?.assume_role_policy)));
        assert.match(trust, /events\.amazonaws\.com/);
        assert.match(trust, /aws:SourceAccount/);
      }
    }
    // The alarm copy (default bus → DR bus) in each region, and the two forwarding rules each way
    assert.equal(checked, 6);
  });
});
