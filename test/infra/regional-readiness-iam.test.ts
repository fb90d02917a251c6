import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resourcesOf, synthPlatform } from './synth-helpers.js';

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string[];
}

// The readiness check runs the verify-sync checks (src/core/checks) inside the Lambda:
// its role must allow every call those checks and the delivery make, in both regions.
describe('regional stacks: the readiness-check role', () => {
  const { primary } = synthPlatform();
  const policy = Object.entries(resourcesOf(primary, 'aws_iam_role_policy')).find(([id]) =>
    id.startsWith('readiness-check'),
  )?.[1];
  const statements = (JSON.parse(String(policy?.policy)) as { Statement: Statement[] }).Statement;
  const allowed = (action: string) =>
    statements.filter((s) => s.Effect === 'Allow' && s.Action.includes(action)).flatMap((s) => s.Resource);

  it('allows every read the shared checks make, in both regions', () => {
    // Given the calls src/core/checks makes (read.ts, canary.ts, metrics.ts)
    const calls = [
      'ssm:GetParametersByPath',
      'rds:DescribeGlobalClusters',
      'rds:DescribeDBClusters',
      'cloudwatch:GetMetricData',
      'cloudwatch:DescribeAlarms',
      'dynamodb:DescribeTable',
      'dynamodb:DescribeContinuousBackups',
      'lambda:GetFunction',
      'lambda:ListEventSourceMappings',
      's3:GetReplicationConfiguration',
    ];
    // Then each is allowed
    for (const call of calls) assert.ok(allowed(call).length > 0, `${call} is not allowed`);
    // And the region-scoped ones name both regions
    for (const call of ['lambda:GetFunction', 'cloudwatch:DescribeAlarms', 'dynamodb:DescribeTable']) {
      const resources = allowed(call).join(' ');
      assert.match(resources, /us-east-1/, call);
      assert.match(resources, /us-east-2/, call);
    }
  });

  it('may clean up canary versions and deliver its report, and nothing broader', () => {
    assert.ok(allowed('s3:DeleteObjectVersion').every((r) => r.endsWith('/canary/*')));
    assert.deepEqual(
      allowed('s3:PutObject').filter((r) => !r.endsWith('/canary/*')),
      ['arn:${data.aws_partition.partition.partition}:s3:::trading-prod-use1-audit-logs/readiness/*'],
    );
    assert.equal(allowed('events:PutEvents').length, 1);
    assert.match(allowed('events:PutEvents')[0] ?? '', /event-bus\/trading-prod-use1-dr-events$/);
  });
});
