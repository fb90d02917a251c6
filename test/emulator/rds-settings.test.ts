/**
 * RDS settings the emulator answers as RDS does (moto 5.2.5 dropped or changed them, and
 * Terraform read them back as drift): a global cluster's DatabaseName and tags, the Data
 * API of a provisioned Aurora cluster, no ScalingConfigurationInfo outside Serverless v1,
 * and an instance's Performance Insights.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  CreateGlobalClusterCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  DisableHttpEndpointCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { testClient, useEmulator } from './client.js';

useEmulator();
const KEY = 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000001';

function givenCluster(rds: RDSClient, settings: { EnableHttpEndpoint?: boolean } = {}) {
  return rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'trading-orders',
      Engine: 'aurora-postgresql',
      EngineVersion: '16.6',
      MasterUsername: 'dr_admin',
      ManageMasterUserPassword: true,
      ...settings,
    }),
  );
}

describe('emulator: RDS settings read back', () => {
  it('CreateGlobalCluster keeps the DatabaseName and the tags', async () => {
    // Given a global cluster created with a database name and tags
    const rds = testClient(RDSClient, 'us-east-1');
    await rds.send(
      new CreateGlobalClusterCommand({
        GlobalClusterIdentifier: 'trading-global',
        Engine: 'aurora-postgresql',
        EngineVersion: '16.6',
        DatabaseName: 'trading',
        Tags: [{ Key: 'app', Value: 'trading' }],
      }),
    );

    // When it is described
    const out = await rds.send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: 'trading-global' }),
    );

    // Then both are there
    assert.equal(out.GlobalClusters?.[0]?.DatabaseName, 'trading');
    assert.deepEqual(out.GlobalClusters?.[0]?.TagList, [{ Key: 'app', Value: 'trading' }]);
  });

  it('a provisioned Aurora PostgreSQL cluster keeps its Data API endpoint, and has no Serverless v1 scaling', async () => {
    // Given a provisioned cluster created with the Data API enabled
    const rds = testClient(RDSClient, 'us-east-1');
    const created = await givenCluster(rds, { EnableHttpEndpoint: true });

    // When it is described, then after DisableHttpEndpoint
    const enabled = (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'trading-orders' })))
      .DBClusters?.[0];
    await rds.send(new DisableHttpEndpointCommand({ ResourceArn: created.DBCluster!.DBClusterArn! }));
    const disabled = (
      await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'trading-orders' }))
    ).DBClusters?.[0];

    // Then the endpoint followed, and no ScalingConfigurationInfo was answered
    assert.equal(enabled?.HttpEndpointEnabled, true);
    assert.equal(enabled?.ScalingConfigurationInfo, undefined);
    assert.equal(disabled?.HttpEndpointEnabled, false);
  });

  it('an instance answers its Performance Insights settings, 7 days when not told', async () => {
    // Given a cluster
    const rds = testClient(RDSClient, 'us-east-1');
    await givenCluster(rds);

    // When an instance is created with Performance Insights on, and one without
    const on = await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'trading-orders-1',
        DBClusterIdentifier: 'trading-orders',
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-postgresql',
        EnablePerformanceInsights: true,
        PerformanceInsightsKMSKeyId: KEY,
      }),
    );
    const off = await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'trading-orders-2',
        DBClusterIdentifier: 'trading-orders',
        DBInstanceClass: 'db.r6g.large',
        Engine: 'aurora-postgresql',
      }),
    );

    // Then each answers its own settings
    const pi = (i: typeof on) => [
      i.DBInstance?.PerformanceInsightsEnabled,
      i.DBInstance?.PerformanceInsightsKMSKeyId,
      i.DBInstance?.PerformanceInsightsRetentionPeriod,
    ];
    assert.deepEqual(pi(on), [true, KEY, 7]);
    assert.deepEqual(pi(off), [false, undefined, undefined]);
  });
});
