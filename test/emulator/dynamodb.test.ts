/**
 * DynamoDB global tables in the emulator: UpdateTable ReplicaUpdates creates and deletes
 * the replica, DescribeTable lists it in both regions, item writes replicate.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { configureEmulator, restoreRegion, setOutage } from '../../src/sandbox/emulator.js';
import { testClient, useEmulator } from './client.js';

const endpoint = useEmulator();
const TABLE = 'trading-sessions';

async function givenTable(withReplica: boolean) {
  const east1 = testClient(DynamoDBClient, 'us-east-1');
  const east2 = testClient(DynamoDBClient, 'us-east-2');
  await east1.send(
    new CreateTableCommand({
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    }),
  );
  await east1.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'before' }, v: { N: '1' } } }));
  if (withReplica) {
    await east1.send(
      new UpdateTableCommand({ TableName: TABLE, ReplicaUpdates: [{ Create: { RegionName: 'us-east-2' } }] }),
    );
  }
  return { east1, east2 };
}

async function item(client: DynamoDBClient, pk: string) {
  return (await client.send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: pk } } }))).Item;
}

describe('emulator: DynamoDB global tables', () => {
  it('UpdateTable with ReplicaUpdates Create makes the replica, listed by DescribeTable in both regions', async () => {
    // Given a table in us-east-1 holding one item
    const { east1, east2 } = await givenTable(false);

    // When a us-east-2 replica is created
    const out = await east1.send(
      new UpdateTableCommand({ TableName: TABLE, ReplicaUpdates: [{ Create: { RegionName: 'us-east-2' } }] }),
    );

    // Then each region lists the other as an ACTIVE replica, and the replica has the item
    assert.deepEqual(out.TableDescription?.Replicas, [{ RegionName: 'us-east-2', ReplicaStatus: 'ACTIVE' }]);
    const inEast1 = await east1.send(new DescribeTableCommand({ TableName: TABLE }));
    const inEast2 = await east2.send(new DescribeTableCommand({ TableName: TABLE }));
    assert.deepEqual(inEast1.Table?.Replicas, [{ RegionName: 'us-east-2', ReplicaStatus: 'ACTIVE' }]);
    assert.deepEqual(inEast2.Table?.Replicas, [{ RegionName: 'us-east-1', ReplicaStatus: 'ACTIVE' }]);
    assert.equal(inEast2.Table?.GlobalTableVersion, '2019.11.21');
    assert.deepEqual(inEast2.Table?.KeySchema, [{ AttributeName: 'pk', KeyType: 'HASH' }]);
    assert.deepEqual(await item(east2, 'before'), { pk: { S: 'before' }, v: { N: '1' } });
  });

  it('PutItem, UpdateItem and DeleteItem in one region replicate to the other', async () => {
    // Given a global table in both regions
    const { east1, east2 } = await givenTable(true);

    // When items are written, updated and deleted in us-east-1
    await east1.send(
      new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'order-1' }, qty: { N: '5' } } }),
    );
    await east1.send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: { S: 'order-1' } },
        UpdateExpression: 'SET qty = :q',
        ExpressionAttributeValues: { ':q': { N: '7' } },
      }),
    );
    await east1.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: { S: 'before' } } }));

    // Then us-east-2 holds the same state
    assert.deepEqual(await item(east2, 'order-1'), { pk: { S: 'order-1' }, qty: { N: '7' } });
    assert.equal(await item(east2, 'before'), undefined);
  });

  it('BatchWriteItem in the secondary replicates back to the primary', async () => {
    // Given a global table in both regions
    const { east1, east2 } = await givenTable(true);

    // When us-east-2 writes a batch
    await east2.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TABLE]: [
            { PutRequest: { Item: { pk: { S: 'from-east2' } } } },
            { DeleteRequest: { Key: { pk: { S: 'before' } } } },
          ],
        },
      }),
    );

    // Then us-east-1 sees both writes
    assert.deepEqual(await item(east1, 'from-east2'), { pk: { S: 'from-east2' } });
    assert.equal(await item(east1, 'before'), undefined);
  });

  it('writes toward a region in outage are applied when it is restored', async () => {
    // Given a global table, and us-east-2 down
    const { east1, east2 } = await givenTable(true);
    await setOutage(endpoint, 'us-east-2', 'refuse');

    // When us-east-1 writes during the outage, and us-east-2 comes back
    await east1.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'during-outage' } } }));
    await restoreRegion(endpoint, 'us-east-2');

    // Then the write reaches us-east-2 shortly after the restore
    const deadline = Date.now() + 5000;
    let seen = await item(east2, 'during-outage');
    while (!seen && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      seen = await item(east2, 'during-outage');
    }
    assert.deepEqual(seen, { pk: { S: 'during-outage' } });
  });

  it('with replicationDelaySeconds set, a write reaches the replica only after the delay', async () => {
    // Given a global table whose replication takes 0.5 s
    const { east1, east2 } = await givenTable(true);
    await configureEmulator(endpoint, { replicationDelaySeconds: 0.5 });

    // When us-east-1 writes an item
    await east1.send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'late' } } }));

    // Then us-east-2 does not have it at once, but has it within a few seconds
    assert.equal(await item(east2, 'late'), undefined);
    const deadline = Date.now() + 5000;
    let seen = await item(east2, 'late');
    while (!seen && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await item(east2, 'late');
    }
    assert.deepEqual(seen, { pk: { S: 'late' } });
  });

  it('UpdateTable with ReplicaUpdates Delete removes the replica and stops replication', async () => {
    // Given a global table in both regions
    const { east1, east2 } = await givenTable(true);

    // When the us-east-2 replica is deleted
    await east1.send(
      new UpdateTableCommand({ TableName: TABLE, ReplicaUpdates: [{ Delete: { RegionName: 'us-east-2' } }] }),
    );

    // Then us-east-1 lists no replica and us-east-2 has no table
    const inEast1 = await east1.send(new DescribeTableCommand({ TableName: TABLE }));
    assert.equal(inEast1.Table?.Replicas, undefined);
    await assert.rejects(east2.send(new DescribeTableCommand({ TableName: TABLE })), {
      name: 'ResourceNotFoundException',
    });
  });
});

describe('emulator: DynamoDB global table replica encryption', () => {
  it('a replica created with its own KMS key is encrypted with it, the source keeps its own', async () => {
    // Given a table encrypted with a us-east-1 key
    const east1 = testClient(DynamoDBClient, 'us-east-1');
    const east2 = testClient(DynamoDBClient, 'us-east-2');
    const key1 = 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000001';
    const key2 = 'arn:aws:kms:us-east-2:123456789012:key/00000000-0000-0000-0000-000000000002';
    await east1.send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
        SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: key1 },
      }),
    );

    // When a us-east-2 replica is created with a us-east-2 key
    await east1.send(
      new UpdateTableCommand({
        TableName: TABLE,
        ReplicaUpdates: [{ Create: { RegionName: 'us-east-2', KMSMasterKeyId: key2 } }],
      }),
    );

    // Then each region's table reports its own key, and the source lists the replica's
    const source = (await east1.send(new DescribeTableCommand({ TableName: TABLE }))).Table;
    const replica = (await east2.send(new DescribeTableCommand({ TableName: TABLE }))).Table;
    assert.equal(source?.SSEDescription?.KMSMasterKeyArn, key1);
    assert.equal(replica?.SSEDescription?.KMSMasterKeyArn, key2);
    assert.deepEqual(source?.Replicas, [
      { RegionName: 'us-east-2', ReplicaStatus: 'ACTIVE', KMSMasterKeyId: key2 },
    ]);
  });
});
