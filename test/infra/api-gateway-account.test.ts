/**
 * API Gateway's CloudWatch role is one account-wide setting per region. By default each
 * regional stack sets it to a role of its own, allowed to write the order API's log groups
 * only; with `apiGateway.accountCloudWatchRoleArn` the stacks keep the account's role and
 * create neither the setting nor a role (read from the synthesized Terraform JSON).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Naming } from '../../src/contract/naming.js';
import { resourcesOf, synthPlatform } from './synth-helpers.js';

const kept = 'arn:aws:iam::123456789012:role/apigw-logs';

describe('API Gateway account-wide CloudWatch role (synth)', () => {
  it('by default: each region sets it to its own role, which may write only the order API log groups', () => {
    const synth = synthPlatform();
    const naming = new Naming(synth.config);
    for (const [region, stack] of [
      [synth.config.regions.primary, synth.primary],
      [synth.config.regions.secondary, synth.secondary],
    ] as const) {
      const accounts = Object.values(resourcesOf(stack, 'aws_api_gateway_account'));
      assert.equal(accounts.length, 1, region);
      const role = Object.entries(resourcesOf(stack, 'aws_iam_role')).find(
        ([, r]) => r.name === naming.role('api-cloudwatch', region),
      );
      assert.ok(role, `${region}: the api-cloudwatch role`);
      assert.equal(accounts[0]!.cloudwatch_role_arn, `\${aws_iam_role.${role[0]}.arn}`);
      const policy = Object.values(resourcesOf(stack, 'aws_iam_role_policy')).find(
        (p) => p.role === `\${aws_iam_role.${role[0]}.id}`,
      );
      const statements = (
        JSON.parse(String(policy?.policy)) as { Statement: Array<{ Sid: string; Resource: string[] }> }
      ).Statement;
      const write = statements.find((s) => s.Sid === 'WriteApiLogs');
      assert.ok(
        write?.Resource.every((r) => r.includes('aws_cloudwatch_log_group.')),
        'only the API log groups',
      );
    }
  });

  it('with apiGateway.accountCloudWatchRoleArn: no account setting and no role of its own in either region', () => {
    const synth = synthPlatform({ apiGateway: { accountCloudWatchRoleArn: kept } });
    const naming = new Naming(synth.config);
    for (const [region, stack] of [
      [synth.config.regions.primary, synth.primary],
      [synth.config.regions.secondary, synth.secondary],
    ] as const) {
      assert.deepEqual(resourcesOf(stack, 'aws_api_gateway_account'), {}, region);
      const roles = Object.values(resourcesOf(stack, 'aws_iam_role')).map((r) => r.name);
      assert.ok(!roles.includes(naming.role('api-cloudwatch', region)), region);
      // The stage is still there, logging to its log groups.
      assert.equal(Object.keys(resourcesOf(stack, 'aws_api_gateway_stage')).length, 1, region);
    }
  });

  it('refuses a value that is not an IAM role ARN, with what to give', async () => {
    const { parseConfig } = await import('../../src/config/load.js');
    const { baseConfig } = await import('./synth-helpers.js');
    assert.throws(
      () => parseConfig({ ...baseConfig, apiGateway: { accountCloudWatchRoleArn: 'apigw-logs' } }),
      /accountCloudWatchRoleArn.*must be an IAM role ARN/s,
    );
  });
});
