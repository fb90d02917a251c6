/**
 * AWS Backup in the emulator: backup selections (moto has none: CreateBackupSelection
 * answered 500) and ListTags of an ARN sent without the trailing slash (as the Go SDK of
 * Terraform sends it; moto read no tags). The project has no Backup client package, so
 * Backup's REST API is called signed, as an SDK would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signedFetch, useEmulator } from './client.js';

useEmulator();
const REGION = 'us-east-1';
const ROLE = 'arn:aws:iam::123456789012:role/trading-backup';
const CLUSTER = 'arn:aws:rds:us-east-1:123456789012:cluster:trading-orders';

async function backup(method: string, path: string, body?: object) {
  const out = await signedFetch('backup', REGION, {
    method,
    path,
    headers: { 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: out.status, json: out.text ? (JSON.parse(out.text) as Record<string, unknown>) : {} };
}

async function givenPlan() {
  const out = await backup('PUT', '/backup/plans/', {
    BackupPlan: {
      BackupPlanName: 'trading-dr-backup',
      Rules: [{ RuleName: 'daily', TargetBackupVaultName: 'trading-dr-backup' }],
    },
    BackupPlanTags: { app: 'trading' },
  });
  assert.equal(out.status, 200);
  return { planId: out.json.BackupPlanId as string, planArn: out.json.BackupPlanArn as string };
}

describe('emulator: AWS Backup selections', () => {
  it('CreateBackupSelection stores the selection; Get and List answer it, with empty defaults', async () => {
    // Given a backup plan
    const { planId } = await givenPlan();

    // When a selection of one cluster is created in it
    const created = await backup('PUT', `/backup/plans/${planId}/selections/`, {
      BackupSelection: { SelectionName: 'orders', IamRoleArn: ROLE, Resources: [CLUSTER] },
    });
    const selectionId = created.json.SelectionId as string;
    const got = await backup('GET', `/backup/plans/${planId}/selections/${selectionId}`);
    const listed = await backup('GET', `/backup/plans/${planId}/selections/`);

    // Then it reads back as given, with the omitted lists empty, and is listed
    assert.equal(created.status, 200);
    assert.equal(created.json.BackupPlanId, planId);
    assert.deepEqual(got.json.BackupSelection, {
      SelectionName: 'orders',
      IamRoleArn: ROLE,
      Resources: [CLUSTER],
      NotResources: [],
      ListOfTags: [],
      Conditions: { StringEquals: [], StringNotEquals: [], StringLike: [], StringNotLike: [] },
    });
    assert.deepEqual(
      (listed.json.BackupSelectionsList as { SelectionId: string; SelectionName: string }[]).map((s) => [
        s.SelectionId,
        s.SelectionName,
      ]),
      [[selectionId, 'orders']],
    );
  });

  it('DeleteBackupSelection removes it; a missing selection or plan is an error', async () => {
    // Given a selection
    const { planId } = await givenPlan();
    const created = await backup('PUT', `/backup/plans/${planId}/selections/`, {
      BackupSelection: { SelectionName: 'orders', IamRoleArn: ROLE, Resources: [CLUSTER] },
    });
    const path = `/backup/plans/${planId}/selections/${created.json.SelectionId as string}`;

    // When it is deleted and read again, and a selection of an unknown plan is read
    const deleted = await backup('DELETE', path);
    const gone = await backup('GET', path);
    const noPlan = await backup(
      'GET',
      `/backup/plans/no-such-plan/selections/${created.json.SelectionId as string}`,
    );

    // Then the selection is gone, and the unknown plan answers as AWS does
    assert.equal(deleted.status, 200);
    assert.equal(gone.json.__type, 'ResourceNotFoundException');
    assert.equal(noPlan.json.__type, 'InvalidParameterValueException');
    assert.match(String(noPlan.json.message), /Cannot find Backup plan/);
  });

  it('ListTags answers the tags of an ARN sent without a trailing slash', async () => {
    // Given a plan created with tags
    const { planArn } = await givenPlan();

    // When its tags are listed with and without the trailing slash
    const without = await backup('GET', `/tags/${planArn}`);
    const withSlash = await backup('GET', `/tags/${planArn}/`);

    // Then both answer them
    assert.deepEqual(without.json.Tags, { app: 'trading' });
    assert.deepEqual(withSlash.json.Tags, { app: 'trading' });
  });
});
