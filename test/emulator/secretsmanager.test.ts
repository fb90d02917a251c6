/**
 * Secrets Manager replicas in the emulator keep the KMS key they were given (moto 5.2.5
 * reported alias/aws/secretsmanager for every replica).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateSecretCommand,
  DescribeSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { testClient, useEmulator } from './client.js';

useEmulator();
const NAME = 'trading-prod/db/trade_processor';
const REPLICA_KEY = 'arn:aws:kms:us-east-2:123456789012:key/00000000-0000-0000-0000-000000000002';

describe('emulator: Secrets Manager replicas', () => {
  it('a replica reports the KMS key it was given, in the primary and in its own region', async () => {
    // Given a secret replicated to us-east-2 with a us-east-2 key
    const east1 = testClient(SecretsManagerClient, 'us-east-1');
    const east2 = testClient(SecretsManagerClient, 'us-east-2');
    await east1.send(
      new CreateSecretCommand({
        Name: NAME,
        AddReplicaRegions: [{ Region: 'us-east-2', KmsKeyId: REPLICA_KEY }],
      }),
    );

    // When it is described in both regions
    const primary = await east1.send(new DescribeSecretCommand({ SecretId: NAME }));
    const replica = await east2.send(new DescribeSecretCommand({ SecretId: NAME }));

    // Then both report the replica's key
    assert.deepEqual(
      primary.ReplicationStatus?.map((r) => [r.Region, r.KmsKeyId]),
      [['us-east-2', REPLICA_KEY]],
    );
    assert.equal(replica.KmsKeyId, REPLICA_KEY);
  });
});
