/**
 * IAM in the emulator: AWS managed policies exist (moto loads them only when told to:
 * test/emulator/server.py sets MOTO_IAM_LOAD_MANAGED_POLICIES), so a role can attach
 * one as our stacks do.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { testClient, useEmulator } from './client.js';

useEmulator();

describe('emulator: IAM AWS managed policies', () => {
  it('AttachRolePolicy attaches an AWS managed policy by its arn:aws:iam::aws:policy ARN', async () => {
    // Given a role AWS Backup assumes
    const iam = testClient(IAMClient, 'us-east-1');
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'trading-backup',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
      }),
    );
    const arn = 'arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup';

    // When the AWS managed policy is attached
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'trading-backup', PolicyArn: arn }));

    // Then the role lists it
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'trading-backup' }));
    assert.deepEqual(
      attached.AttachedPolicies?.map((p) => p.PolicyArn),
      [arn],
    );
  });
});
