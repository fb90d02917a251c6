/**
 * Emulator snapshots (dr_emulator/snapshot.py): the test run deploys the platform once and
 * each file restores the snapshot taken right after, so what a restore puts back must be
 * exactly what was there — resources, their data, the extension's own state — and what came
 * later must be gone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateGlobalClusterCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DescribeParametersCommand,
  GetParameterCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import {
  EmulatorControlError,
  listOutages,
  restoreEmulatorSnapshot,
  setOutage,
  snapshotEmulator,
} from '../../src/sandbox/emulator.js';
import { testClient, useEmulator } from './client.js';

const endpoint = useEmulator();

describe('emulator: snapshots', () => {
  it('a restore puts back resources and data as they were, and removes what came later', async () => {
    const ssm = testClient(SSMClient, 'us-east-1');
    const sqs = testClient(SQSClient, 'us-east-2');
    const s3 = testClient(S3Client, 'us-east-1');
    const kms = testClient(KMSClient, 'us-east-1');
    await ssm.send(
      new PutParameterCommand({ Name: '/trading/active-region', Value: 'us-east-1', Type: 'String' }),
    );
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'orders' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'order-1' }));
    await s3.send(new CreateBucketCommand({ Bucket: 'snapshot-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'snapshot-bucket', Key: 'k', Body: 'before' }));
    const keysBefore = (await kms.send(new ListKeysCommand({}))).Keys?.length ?? 0;
    // moto keeps RDS resources in ordered mappings (an order of their own to copy).
    const rds = testClient(RDSClient, 'us-east-1');
    await rds.send(
      new CreateGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading-global',
        Engine: 'aurora-postgresql',
      }),
    );

    const taken = await snapshotEmulator(endpoint, 'deployed');
    assert.ok(taken.backends >= 4, `the snapshot holds every service used: ${JSON.stringify(taken)}`);

    await ssm.send(
      new PutParameterCommand({
        Name: '/trading/active-region',
        Value: 'us-east-2',
        Type: 'String',
        Overwrite: true,
      }),
    );
    await ssm.send(new PutParameterCommand({ Name: '/trading/later', Value: 'x', Type: 'String' }));
    await sqs.send(new CreateQueueCommand({ QueueName: 'later' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'order-2' }));
    await s3.send(new PutObjectCommand({ Bucket: 'snapshot-bucket', Key: 'k', Body: 'after' }));
    await kms.send(new CreateKeyCommand({}));
    await setOutage(endpoint, 'us-east-1', 'refuse');

    await restoreEmulatorSnapshot(endpoint, 'deployed');

    assert.deepEqual((await listOutages(endpoint)).outages, {}, 'a restore ends the outages');
    const active = await ssm.send(new GetParameterCommand({ Name: '/trading/active-region' }));
    assert.equal(active.Parameter?.Value, 'us-east-1');
    const names = (await ssm.send(new DescribeParametersCommand({}))).Parameters?.map((p) => p.Name);
    assert.deepEqual(names, ['/trading/active-region']);
    const queues = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    assert.deepEqual(
      queues.map((u) => u.split('/').pop()),
      ['orders'],
    );
    const depth = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    assert.equal(depth.Attributes?.ApproximateNumberOfMessages, '1');
    const body = await (
      await s3.send(new GetObjectCommand({ Bucket: 'snapshot-bucket', Key: 'k' }))
    ).Body?.transformToString();
    assert.equal(body, 'before');
    assert.equal((await kms.send(new ListKeysCommand({}))).Keys?.length ?? 0, keysBefore);
    const globals = await rds.send(new DescribeGlobalClustersCommand({}));
    assert.deepEqual(
      globals.GlobalClusters?.map((g) => g.GlobalClusterIdentifier),
      ['trading-global'],
    );
  });

  it('a restore can be repeated: each one starts from the snapshot, not from the last restore', async () => {
    const ssm = testClient(SSMClient, 'us-east-1');
    await ssm.send(new PutParameterCommand({ Name: '/epoch', Value: '1', Type: 'String' }));
    await snapshotEmulator(endpoint, 'repeat');
    for (const value of ['2', '3']) {
      await ssm.send(
        new PutParameterCommand({ Name: '/epoch', Value: value, Type: 'String', Overwrite: true }),
      );
      await restoreEmulatorSnapshot(endpoint, 'repeat');
      const epoch = await ssm.send(new GetParameterCommand({ Name: '/epoch' }));
      assert.equal(epoch.Parameter?.Value, '1');
    }
  });

  it("keeps the extension's global-table replicas: an item still reaches the other region", async () => {
    const east1 = testClient(DynamoDBClient, 'us-east-1');
    const east2 = testClient(DynamoDBClient, 'us-east-2');
    await east1.send(
      new CreateTableCommand({
        TableName: 'lease',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    await east1.send(
      new UpdateTableCommand({
        TableName: 'lease',
        ReplicaUpdates: [{ Create: { RegionName: 'us-east-2' } }],
      }),
    );
    await snapshotEmulator(endpoint, 'replicas');
    await restoreEmulatorSnapshot(endpoint, 'replicas');
    await east1.send(new PutItemCommand({ TableName: 'lease', Item: { id: { S: 'failover' } } }));
    const replicated = await east2.send(
      new GetItemCommand({ TableName: 'lease', Key: { id: { S: 'failover' } } }),
    );
    assert.equal(replicated.Item?.id?.S, 'failover');
  });

  it('restoring a snapshot that was never taken is refused, naming it', async () => {
    await assert.rejects(restoreEmulatorSnapshot(endpoint, 'never-taken'), (error: unknown) => {
      assert.ok(error instanceof EmulatorControlError);
      assert.equal(error.status, 404);
      assert.match(error.message, /never-taken/);
      return true;
    });
  });
});
