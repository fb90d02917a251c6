/**
 * S3 replication in the emulator: an object put into a bucket with an enabled rule is
 * copied to the destination bucket, with replication statuses on both copies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketReplicationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
  type ReplicationRule,
} from '@aws-sdk/client-s3';
import { testClient, useEmulator } from './client.js';

useEmulator();
const SOURCE = 'trading-audit-use1';
const REPLICA = 'trading-audit-use2';
const ROLE = 'arn:aws:iam::123456789012:role/trading-s3-replication';

function rule(destination: string, prefix: string): ReplicationRule {
  return {
    ID: `to-${destination}`,
    Priority: 1,
    Status: 'Enabled',
    Filter: { Prefix: prefix },
    DeleteMarkerReplication: { Status: 'Disabled' },
    Destination: { Bucket: `arn:aws:s3:::${destination}` },
  };
}

async function givenReplicatedBuckets(options: { reverse?: boolean } = {}) {
  const east1 = testClient(S3Client, 'us-east-1');
  const east2 = testClient(S3Client, 'us-east-2');
  await east1.send(new CreateBucketCommand({ Bucket: SOURCE }));
  await east2.send(
    new CreateBucketCommand({
      Bucket: REPLICA,
      CreateBucketConfiguration: { LocationConstraint: 'us-east-2' },
    }),
  );
  for (const [client, bucket] of [
    [east1, SOURCE],
    [east2, REPLICA],
  ] as const) {
    await client.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
  }
  await east1.send(
    new PutBucketReplicationCommand({
      Bucket: SOURCE,
      ReplicationConfiguration: { Role: ROLE, Rules: [rule(REPLICA, 'audit/')] },
    }),
  );
  if (options.reverse) {
    await east2.send(
      new PutBucketReplicationCommand({
        Bucket: REPLICA,
        ReplicationConfiguration: { Role: ROLE, Rules: [rule(SOURCE, '')] },
      }),
    );
  }
  return { east1, east2 };
}

async function keys(client: S3Client, bucket: string) {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (out.Contents ?? []).map((o) => o.Key).sort();
}

describe('emulator: S3 replication', () => {
  it('copies a matching object to the destination bucket: COMPLETED on the source, REPLICA on the copy', async () => {
    // Given a bucket replicating audit/ to a us-east-2 bucket
    const { east1, east2 } = await givenReplicatedBuckets();

    // When an object is put under audit/
    await east1.send(
      new PutObjectCommand({
        Bucket: SOURCE,
        Key: 'audit/2026-11-25.log',
        Body: 'fill 42',
        Metadata: { shift: 'a' },
      }),
    );

    // Then the destination holds the same bytes and metadata, and both report their status
    const copy = await east2.send(new GetObjectCommand({ Bucket: REPLICA, Key: 'audit/2026-11-25.log' }));
    assert.equal(await copy.Body?.transformToString(), 'fill 42');
    assert.deepEqual(copy.Metadata, { shift: 'a' });
    assert.equal(copy.ReplicationStatus, 'REPLICA');
    const source = await east1.send(new HeadObjectCommand({ Bucket: SOURCE, Key: 'audit/2026-11-25.log' }));
    assert.equal(source.ReplicationStatus, 'COMPLETED');
  });

  it('leaves an object outside the rule prefix alone', async () => {
    // Given a bucket replicating audit/ only
    const { east1, east2 } = await givenReplicatedBuckets();

    // When an object is put elsewhere
    await east1.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'tmp/scratch', Body: 'x' }));

    // Then it is not copied and carries no replication status
    assert.deepEqual(await keys(east2, REPLICA), []);
    const head = await east1.send(new HeadObjectCommand({ Bucket: SOURCE, Key: 'tmp/scratch' }));
    assert.equal(head.ReplicationStatus, undefined);
  });

  it('does not replicate a replica back through the reverse rule', async () => {
    // Given two buckets replicating to each other (the failback rule)
    const { east1, east2 } = await givenReplicatedBuckets({ reverse: true });

    // When an object is put into the primary bucket
    await east1.send(new PutObjectCommand({ Bucket: SOURCE, Key: 'audit/one', Body: 'once' }));

    // Then the replica exists once, and the source object is still the original (not a replica)
    assert.deepEqual(await keys(east2, REPLICA), ['audit/one']);
    const source = await east1.send(new HeadObjectCommand({ Bucket: SOURCE, Key: 'audit/one' }));
    assert.equal(source.ReplicationStatus, 'COMPLETED');
    const copy = await east2.send(new HeadObjectCommand({ Bucket: REPLICA, Key: 'audit/one' }));
    assert.equal(copy.ReplicationStatus, 'REPLICA');
  });

  it('replicates an object written in the secondary through the reverse rule', async () => {
    // Given two buckets replicating to each other
    const { east1, east2 } = await givenReplicatedBuckets({ reverse: true });

    // When the secondary writes an object of its own (after a failover)
    await east2.send(new PutObjectCommand({ Bucket: REPLICA, Key: 'audit/after-failover', Body: 'b' }));

    // Then it reaches the primary bucket as a replica
    const copy = await east1.send(new HeadObjectCommand({ Bucket: SOURCE, Key: 'audit/after-failover' }));
    assert.equal(copy.ReplicationStatus, 'REPLICA');
  });
});
