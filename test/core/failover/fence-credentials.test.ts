/**
 * The failover's fence-database step writes `dr_fence` as the fence writer
 * (`dr_fence_writer`, migration 004, its secret in Secrets Manager in each region), never
 * as the trade processor, whose user may not change the fence's region or epoch. On the
 * deployed sandbox, with the emulator's Data API running each statement as its secret's
 * user (as AWS does): the failover's step succeeds with the fence secret, and the same
 * statement with the trade processor's secret is refused by PostgreSQL.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ADVANCE_FENCE_DATA_API_SQL } from '../../../src/contract/database.js';
import { readFence } from '../../../src/contract/database.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { useOrdersDatabase } from '../../sandbox/helpers.js';
import {
  config,
  mapDrillDatabase,
  naming,
  planFailover,
  primary,
  secondary,
  unplannedFailover,
} from './helpers.js';

describe('the fence step runs with the fence writer secret (deployed sandbox)', () => {
  const { endpoint } = useDeployedPlatform();
  const { clients, orders } = useOrdersDatabase(endpoint);

  const secretArn = async (region: string, name: string): Promise<string> => {
    const out = await clients.ssm(region).getParameter({ Name: name, WithDecryption: true });
    assert.ok(out.Parameter?.Value, `SSM ${name} in ${region}`);
    return out.Parameter.Value;
  };
  const advance = (region: string, clusterArn: string, secret: string, epoch: number) =>
    clients.rdsData(region).executeStatement({
      resourceArn: clusterArn,
      secretArn: secret,
      database: config.database.databaseName,
      sql: ADVANCE_FENCE_DATA_API_SQL,
      parameters: [
        { name: 'region', value: { stringValue: region } },
        { name: 'epoch', value: { longValue: epoch } },
      ],
    });

  it("plans the fence step with the fence writer's secret, and the failover's fence-database step succeeds with it", async () => {
    // Given the deployed platform with the Data API on its orders database
    await mapDrillDatabase(clients, endpoint, orders.url);
    const fenceSecret = await secretArn(secondary, naming.ssmDbFenceSecretArn());
    const appSecret = await secretArn(secondary, naming.ssmDbSecretArn());
    assert.notEqual(fenceSecret, appSecret);

    // When a failover to the secondary is planned
    const plan = await planFailover(clients, 'planned', 'test');

    // Then every phase hands the fence step the fence writer's secret of the target region
    for (const phase of plan.phases) assert.equal(phase.input.db.secretArn, fenceSecret);

    // When the failover runs unplanned (us-east-1 refusing everything)
    await unplannedFailover(clients, endpoint);

    // Then the fence step moved the row as the fence writer
    const fence = await readFence(orders.db);
    assert.deepEqual(fence, { activeRegion: secondary, epoch: 2 });
  });

  it("refuses the fence statement with the trade processor's secret: its user may not move the fence", async () => {
    // Given the Data API on the orders database (fence at the primary, epoch 1)
    await mapDrillDatabase(clients, endpoint, orders.url);
    await orders.db.query(`UPDATE dr_fence SET active_region = $1, epoch = 1`, [primary]);
    const cluster = await clients
      .rds(primary)
      .describeDBClusters({ DBClusterIdentifier: naming.dbCluster(primary) });
    const clusterArn = cluster.DBClusters?.[0]?.DBClusterArn;
    assert.ok(clusterArn);

    // When the fence statement runs with the trade processor's secret
    // Then PostgreSQL refuses it, and the row is unchanged
    const appSecret = await secretArn(primary, naming.ssmDbSecretArn());
    await assert.rejects(() => advance(primary, clusterArn, appSecret, 7), {
      name: 'BadRequestException',
      message: /permission denied for table dr_fence/,
    });
    assert.deepEqual(await readFence(orders.db), { activeRegion: primary, epoch: 1 });

    // And with the fence writer's secret the same statement moves it
    const fenceSecret = await secretArn(primary, naming.ssmDbFenceSecretArn());
    const out = await advance(primary, clusterArn, fenceSecret, 7);
    assert.equal(out.numberOfRecordsUpdated, 1);
    assert.deepEqual(await readFence(orders.db), { activeRegion: primary, epoch: 7 });
  });
});
