/**
 * An AWS rule the emulator applies where moto 5.2.5 does not: an RDS-managed master
 * password (`ManageMasterUserPassword`) is not supported for a DB cluster that is part of
 * an Aurora global database — creating a member with it, turning it on for a member, or
 * making a global database from a cluster that has it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateDBClusterCommand,
  CreateGlobalClusterCommand,
  DescribeDBClustersCommand,
  ModifyDBClusterCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { testClient, useEmulator } from './client.js';
import { GLOBAL, givenGlobalCluster } from './global-cluster.js';

useEmulator();

const refused = (error: unknown) => {
  const e = error as { name?: string; message?: string };
  assert.equal(e.name, 'InvalidParameterCombination');
  assert.match(e.message ?? '', /not supported for DB clusters that are part of an Aurora global database/);
  return true;
};

describe('emulator: no RDS-managed master password in an Aurora global database', () => {
  it('refuses CreateDBCluster of a global-database member with ManageMasterUserPassword', async () => {
    // Given an empty global cluster
    const rds = testClient(RDSClient, 'us-east-1');
    await rds.send(
      new CreateGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        Engine: 'aurora-postgresql',
        EngineVersion: '16.6',
      }),
    );

    // When its primary is created with an RDS-managed master password
    const create = rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'trading-use1',
        Engine: 'aurora-postgresql',
        EngineVersion: '16.6',
        GlobalClusterIdentifier: GLOBAL,
        MasterUsername: 'dr_admin',
        ManageMasterUserPassword: true,
      }),
    );

    // Then RDS refuses it, and no cluster was made
    await assert.rejects(create, refused);
    const listed = await rds.send(new DescribeDBClustersCommand({}));
    assert.deepEqual(listed.DBClusters ?? [], []);
  });

  it('refuses ModifyDBCluster turning it on for a member, and CreateGlobalCluster from a cluster that has it', async () => {
    // Given a global database whose writer has a master password of its own
    const { east1 } = await givenGlobalCluster();

    // When the member is switched to an RDS-managed password
    const modify = east1.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: 'trading-use1',
        ManageMasterUserPassword: true,
        ApplyImmediately: true,
      }),
    );
    // Then it is refused
    await assert.rejects(modify, refused);

    // And given a standalone cluster with an RDS-managed password (allowed on its own)
    await east1.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'standalone',
        Engine: 'aurora-postgresql',
        EngineVersion: '15.4',
        MasterUsername: 'dr_admin',
        ManageMasterUserPassword: true,
      }),
    );
    const standalone = await east1.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'standalone' }));
    // When a global database is made from it
    const fromSource = east1.send(
      new CreateGlobalClusterCommand({
        GlobalClusterIdentifier: 'other-global',
        SourceDBClusterIdentifier: standalone.DBClusters?.[0]?.DBClusterArn,
      }),
    );
    // Then that is refused too
    await assert.rejects(fromSource, refused);
  });
});
