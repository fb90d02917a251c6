/**
 * The failover watchdog as the regional stacks deploy it (both regions), and which
 * functions run outside the VPC: the Terraform JSON of the synthesized platform.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Testing } from 'cdktf';
import { readWatchdogConfig } from '../../src/core/failover/watchdog-config.js';
import { watchdogTiming } from '../../src/contract/watchdog-env.js';
import { FailoverWatchdog } from '../../src/infra/constructs/regional/failover-watchdog.js';
import { PlatformFunction } from '../../src/infra/constructs/regional/platform-function.js';
import { Naming } from '../../src/contract/naming.js';
import { resourcesOf, synthPlatform, type TfJson } from './synth-helpers.js';

type Res = Record<string, unknown>;
interface Stmt {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

const { primary, secondary, config } = synthPlatform({ autoFailover: 'on' });
const naming = new Naming(config);
const P = config.regions.primary;
const S = config.regions.secondary;
const stacks = [
  [primary, P, S],
  [secondary, S, P],
] as const;

function fn(stack: TfJson, region: string, name: (typeof Naming.functions)[number]): Res {
  const hit = Object.values(resourcesOf(stack, 'aws_lambda_function')).find(
    (r) => r.function_name === naming.lambda(region, name),
  );
  assert.ok(hit, `no function ${name} in ${region}`);
  return hit;
}

/** The execution policy of a function (its role's inline policy `execution`). */
function executionPolicy(stack: TfJson, region: string, name: (typeof Naming.functions)[number]): Stmt[] {
  const roleName = naming.role(`${name}-exec`, region);
  const roles = resourcesOf(stack, 'aws_iam_role');
  const roleId = Object.entries(roles).find(([, r]) => r.name === roleName)?.[0];
  assert.ok(roleId, `no role ${roleName}`);
  const policy = Object.values(resourcesOf(stack, 'aws_iam_role_policy')).find((p) =>
    String(p.role).includes(`aws_iam_role.${roleId}.`),
  );
  assert.ok(policy, `no policy on ${roleName}`);
  return (JSON.parse(String(policy.policy)) as { Statement: Stmt[] }).Statement;
}

const list = (v: string | string[]) => ([] as string[]).concat(v);

describe('regional stacks: which functions run in the VPC', () => {
  it('keeps trade-processor and health in the private subnets, readiness-check and the watchdog outside', () => {
    for (const [stack, region] of stacks) {
      // Given each region's functions
      for (const name of ['trade-processor', 'health'] as const) {
        // Then the ones holding database credentials are in two private subnets with the Lambda SG
        const vpc = fn(stack, region, name).vpc_config as {
          subnet_ids: string[];
          security_group_ids: string[];
        };
        assert.equal(vpc.subnet_ids.length, 2, `${name} in ${region}`);
        assert.equal(vpc.security_group_ids.length, 1);
      }
      for (const name of ['readiness-check', 'failover-watchdog'] as const) {
        // And the two that must reach the other region have no VPC, no ENI rights, no DB secret
        assert.equal(fn(stack, region, name).vpc_config, undefined, `${name} in ${region}`);
        const actions = executionPolicy(stack, region, name).flatMap((s) => list(s.Action));
        assert.ok(!actions.some((a) => a.startsWith('ec2:')), `${name}: ${actions.join()}`);
        assert.ok(!actions.includes('secretsmanager:GetSecretValue'), name);
      }
    }
  });
});

describe('regional stacks: failover watchdog', () => {
  it('runs every minute in both regions, with a permission for the schedule', () => {
    for (const [stack, region] of stacks) {
      const rule = Object.values(resourcesOf(stack, 'aws_cloudwatch_event_rule')).find(
        (r) => r.name === naming.regional(region, 'failover-watchdog'),
      );
      assert.equal(rule?.schedule_expression, 'rate(1 minute)');
      const targets = Object.values(resourcesOf(stack, 'aws_cloudwatch_event_target'));
      assert.ok(targets.some((t) => String(t.arn).includes('failover-watchdog')));
      const permissions = Object.values(resourcesOf(stack, 'aws_lambda_permission'));
      assert.ok(permissions.some((p) => String(p.function_name).includes('failover-watchdog')));
    }
  });

  it('gets the config it plans with, a timeout covering a watch period, and a small reserve', () => {
    const f = fn(primary, P, 'failover-watchdog');
    const vars = (f.environment as { variables: Record<string, string> }).variables;
    // Then the config parses back to the deployed one (regions, DNS, database name)
    const back = readWatchdogConfig(vars);
    assert.deepEqual(back.regions, config.regions);
    assert.deepEqual(back.dns, config.dns);
    assert.equal(f.timeout, watchdogTiming(config).timeoutSeconds);
    assert.equal(f.reserved_concurrent_executions, 2);
    assert.equal(f.filename, fn(secondary, S, 'failover-watchdog').filename);
  });

  it('passes config.autoFailover through SSM, equal in both regions', () => {
    for (const [stack] of stacks) {
      const param = Object.values(resourcesOf(stack, 'aws_ssm_parameter')).find(
        (p) => p.name === naming.ssmShared('auto-failover'),
      );
      assert.equal(param?.value, 'on');
    }
  });

  it('may touch only its own region: start its failover machine, read SSM, take the lease, notify', () => {
    for (const [stack, region, peer] of stacks) {
      // Given the watchdog's execution policy in each region
      const statements = executionPolicy(stack, region, 'failover-watchdog');
      const bySid = (sid: string) => statements.find((s) => s.Sid === sid);
      // Then it may start only this region's failover machine (not failback)
      const start = bySid('StartOwnFailover');
      assert.deepEqual(list(start?.Action ?? []).sort(), ['states:ListExecutions', 'states:StartExecution']);
      assert.deepEqual(list(start?.Resource ?? []), [
        `arn:\${data.aws_partition.partition.partition}:states:${region}:\${data.aws_caller_identity.caller.account_id}:stateMachine:${naming.stateMachine(region, 'failover')}`,
      ]);
      assert.ok(
        !statements.some((s) => list(s.Action).some((a) => a.startsWith('iam:') || a.startsWith('route53:'))),
      );
      assert.deepEqual(list(bySid('TakeLease')?.Action ?? []).sort(), [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
      ]);
      assert.deepEqual(list(bySid('AskForApproval')?.Action ?? []), ['sns:Publish']);
      assert.match(list(bySid('AskForApproval')?.Resource ?? [])[0] ?? '', /aws_sns_topic\./);
      assert.ok(list(bySid('ReadDrParameters')?.Resource ?? []).every((r) => r.includes(`:ssm:${region}:`)));
      // And no statement names the other region
      assert.ok(!JSON.stringify(statements).includes(peer), `${region} watchdog names ${peer}`);
    }
  });
});

describe('regional constructs: the watchdog and outside-VPC functions refuse bad props', () => {
  const base = {
    functionName: 'f',
    roleName: 'r',
    logGroupName: '/aws/lambda/f',
    zipPath: 'f.zip',
    environment: {},
    kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k',
    accountId: '111122223333',
    statements: [],
    deadLetterQueueArn: 'arn:aws:sqs:us-east-1:111122223333:dlq',
  };
  it('throws for outsideVpc with subnets, and for a VPC function without two subnets', () => {
    assert.throws(
      () =>
        new PlatformFunction(Testing.app(), 'a', {
          ...base,
          outsideVpc: true,
          subnetIds: ['s1', 's2'],
          securityGroupIds: [],
        }),
      /subnetIds.*no subnets or security groups with outsideVpc: true/s,
    );
    assert.throws(
      () =>
        new PlatformFunction(Testing.app(), 'b', {
          ...base,
          subnetIds: [],
          securityGroupIds: [],
        }),
      /at least two subnets/,
    );
  });

  it('throws for a watchdog schedule without a function or with a bad schedule', () => {
    assert.throws(
      () =>
        new FailoverWatchdog(Testing.app(), 'w', { ruleName: 'r', functionName: ' ', functionArn: 'arn' }),
      /functionName/,
    );
    assert.throws(
      () =>
        new FailoverWatchdog(Testing.app(), 'w2', {
          ruleName: 'r',
          functionName: 'f',
          functionArn: 'arn',
          schedule: 'every minute',
        }),
      /rate\(\.\.\.\) or cron\(\.\.\.\)/,
    );
  });
});
