/**
 * Aurora global database in the emulator: SwitchoverGlobalCluster and
 * FailoverGlobalCluster move the writer, and DescribeGlobalClusters and
 * DescribeDBClusters agree on where it is.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { configureEmulator, restoreRegion, setOutage } from '../../src/sandbox/emulator.js';
import { useEmulator } from './client.js';
import { GLOBAL, givenGlobalCluster } from './global-cluster.js';

const endpoint = useEmulator();
async function writerView(client: RDSClient) {
  const global = await client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL }));
  const members = global.GlobalClusters?.[0]?.GlobalClusterMembers ?? [];
  return {
    status: global.GlobalClusters?.[0]?.Status,
    writers: members.filter((m) => m.IsWriter).map((m) => m.DBClusterArn),
    readersOfWriter: members.find((m) => m.IsWriter)?.Readers ?? [],
  };
}

async function replicationSource(client: RDSClient, id: string) {
  const out = await client.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }));
  return out.DBClusters?.[0]?.ReplicationSourceIdentifier;
}

describe('emulator: Aurora global cluster', () => {
  it('starts with the first member as the writer in both describes', async () => {
    // Given a global cluster with a primary in us-east-1 and a secondary in us-east-2
    const { east1, east2, primaryArn, secondaryArn } = await givenGlobalCluster();

    // When both views are read
    const view = await writerView(east2);

    // Then us-east-1 writes and us-east-2 replicates from it
    assert.deepEqual(view.writers, [primaryArn]);
    assert.deepEqual(view.readersOfWriter, [secondaryArn]);
    assert.equal(await replicationSource(east1, 'trading-use1'), undefined);
    assert.equal(await replicationSource(east2, 'trading-use2'), primaryArn);
  });

  it('SwitchoverGlobalCluster moves the writer in DescribeGlobalClusters and DescribeDBClusters', async () => {
    // Given a global cluster written in us-east-1
    const { east1, east2, primaryArn, secondaryArn } = await givenGlobalCluster();

    // When it is switched over to the us-east-2 cluster (target given as an ARN)
    const out = await east2.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );

    // Then the answer has the real shape and every view names us-east-2 as the writer
    assert.equal(out.GlobalCluster?.GlobalClusterIdentifier, GLOBAL);
    assert.deepEqual(
      out.GlobalCluster?.GlobalClusterMembers?.filter((m) => m.IsWriter).map((m) => m.DBClusterArn),
      [secondaryArn],
    );
    const view = await writerView(east1);
    assert.deepEqual(view.writers, [secondaryArn]);
    assert.deepEqual(view.readersOfWriter, [primaryArn]);
    assert.equal(await replicationSource(east2, 'trading-use2'), undefined);
    assert.equal(await replicationSource(east1, 'trading-use1'), secondaryArn);
  });

  it('FailoverGlobalCluster with AllowDataLoss promotes the secondary while us-east-1 is down', async () => {
    // Given a global cluster written in us-east-1, and us-east-1 lost
    const { east2, secondaryArn } = await givenGlobalCluster();
    await setOutage(endpoint, 'us-east-1', 'refuse');

    // When the secondary region fails over with AllowDataLoss
    const out = await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );

    // Then us-east-2 is the writer, as seen from us-east-2 alone
    assert.equal(out.GlobalCluster?.Status, 'available');
    assert.deepEqual((await writerView(east2)).writers, [secondaryArn]);
    assert.equal(await replicationSource(east2, 'trading-use2'), undefined);
  });

  it('the old primary cut off by a failover is pending-resync until its region returns, then a connected secondary', async () => {
    // Given a failover with AllowDataLoss while us-east-1 is down
    const { east1, east2, primaryArn, secondaryArn } = await givenGlobalCluster();
    await setOutage(endpoint, 'us-east-1', 'refuse');
    await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );
    const sync = async (client: RDSClient) => {
      const out = await client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL }));
      return Object.fromEntries(
        (out.GlobalClusters?.[0]?.GlobalClusterMembers ?? []).map((m) => [
          m.DBClusterArn,
          m.SynchronizationStatus,
        ]),
      );
    };
    // Then, seen from us-east-2, the old primary is still a member, not replicating yet
    assert.deepEqual(await sync(east2), { [primaryArn]: 'pending-resync', [secondaryArn]: 'connected' });

    // When us-east-1 comes back
    await restoreRegion(endpoint, 'us-east-1');

    // Then Aurora has re-synced it as a secondary of the new writer
    assert.deepEqual(await sync(east1), { [primaryArn]: 'connected', [secondaryArn]: 'connected' });
    assert.equal(await replicationSource(east1, 'trading-use1'), secondaryArn);
  });

  it('a failover with both regions up leaves the old primary a connected secondary at once', async () => {
    const { east1, east2, primaryArn, secondaryArn } = await givenGlobalCluster();
    await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );
    const out = await east1.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL }));
    const old = out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.DBClusterArn === primaryArn);
    assert.equal(old?.SynchronizationStatus, 'connected');
    assert.equal(old?.IsWriter, false);
  });

  it('FailoverGlobalCluster without AllowDataLoss or Switchover is refused', async () => {
    // Given a global cluster
    const { east2, primaryArn, secondaryArn } = await givenGlobalCluster();

    // When a failover names neither AllowDataLoss nor Switchover
    const attempt = east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );

    // Then it fails as a bad parameter combination and the writer stays
    await assert.rejects(attempt, { name: 'InvalidParameterCombination' });
    assert.deepEqual((await writerView(east2)).writers, [primaryArn]);
  });

  it('SwitchoverGlobalCluster is refused while the primary region is down', async () => {
    // Given a global cluster written in us-east-1, and us-east-1 lost
    const { east2, primaryArn, secondaryArn } = await givenGlobalCluster();
    await setOutage(endpoint, 'us-east-1', 'refuse');

    // When a (planned) switchover is tried from us-east-2
    const attempt = east2.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );

    // Then it fails (a switchover needs the old primary) and the writer stays
    await assert.rejects(attempt, { name: 'InvalidGlobalClusterStateFault' });
    assert.deepEqual((await writerView(east2)).writers, [primaryArn]);
  });

  it('a switchover with switchoverSeconds set shows switching-over, then the new writer', async () => {
    // Given a global cluster and a switchover that takes half a second
    const { east2, primaryArn, secondaryArn } = await givenGlobalCluster();
    await configureEmulator(endpoint, { switchoverSeconds: 0.5 });

    // When it is switched over
    const out = await east2.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );

    // Then it is switching over with the old writer still in place, and later moved
    assert.equal(out.GlobalCluster?.Status, 'switching-over');
    assert.equal(out.GlobalCluster?.FailoverState?.ToDbClusterArn, secondaryArn);
    assert.deepEqual((await writerView(east2)).writers, [primaryArn]);
    const deadline = Date.now() + 5000;
    let view = await writerView(east2);
    while (view.status !== 'available' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      view = await writerView(east2);
    }
    assert.equal(view.status, 'available');
    assert.deepEqual(view.writers, [secondaryArn]);
  });
});
