/**
 * Configurations read back as AWS answers them, so that Terraform's plan right after an
 * apply finds nothing to change: an SQS redrive policy (compact JSON), an S3 bucket's
 * replication rules (delete-marker replication and source selection kept) and its
 * EventBridge notification setting.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  GetBucketReplicationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { testClient, useEmulator } from './client.js';

useEmulator();

describe('emulator: read-back of what Terraform wrote', () => {
  it('answers an SQS redrive policy as compact JSON', async () => {
    // Given a queue with a redrive policy to its dead-letter queue
    const sqs = testClient(SQSClient, 'us-east-1');
    await sqs.send(new CreateQueueCommand({ QueueName: 'orders-dlq' }));
    const target = 'arn:aws:sqs:us-east-1:123456789012:orders-dlq';
    const created = await sqs.send(
      new CreateQueueCommand({
        QueueName: 'orders',
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: target, maxReceiveCount: 5 }) },
      }),
    );
    // When it is read / Then the policy is AWS's compact form
    const read = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    assert.equal(read.Attributes?.RedrivePolicy, `{"deadLetterTargetArn":"${target}","maxReceiveCount":5}`);
  });

  it("keeps a replication rule's delete-marker replication and source selection", async () => {
    // Given a versioned bucket with a rule replicating delete markers and KMS-encrypted objects
    const s3 = testClient(S3Client, 'us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'src' }));
    await s3.send(
      new PutBucketVersioningCommand({ Bucket: 'src', VersioningConfiguration: { Status: 'Enabled' } }),
    );
    await s3.send(
      new PutBucketReplicationCommand({
        Bucket: 'src',
        ReplicationConfiguration: {
          Role: 'arn:aws:iam::123456789012:role/replication',
          Rules: [
            {
              ID: 'to-dst',
              Priority: 1,
              Status: 'Enabled',
              Filter: {},
              DeleteMarkerReplication: { Status: 'Enabled' },
              SourceSelectionCriteria: { SseKmsEncryptedObjects: { Status: 'Enabled' } },
              Destination: { Bucket: 'arn:aws:s3:::dst' },
            },
          ],
        },
      }),
    );
    // When it is read / Then both settings are answered as written
    const rule = (await s3.send(new GetBucketReplicationCommand({ Bucket: 'src' }))).ReplicationConfiguration
      ?.Rules?.[0];
    assert.equal(rule?.DeleteMarkerReplication?.Status, 'Enabled');
    assert.equal(rule?.SourceSelectionCriteria?.SseKmsEncryptedObjects?.Status, 'Enabled');
  });

  it('answers the EventBridge notification setting it was given', async () => {
    // Given a bucket whose notifications go to EventBridge
    const s3 = testClient(S3Client, 'us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'events' }));
    await s3.send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'events',
        NotificationConfiguration: { EventBridgeConfiguration: {} },
      }),
    );
    // When it is read / Then EventBridge is on
    const read = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: 'events' }));
    assert.ok(read.EventBridgeConfiguration, 'EventBridgeConfiguration missing');
  });
});
