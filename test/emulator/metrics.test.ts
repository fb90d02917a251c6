import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CreateDBClusterCommand, CreateGlobalClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { configureEmulator, setOutage } from '../../src/sandbox/emulator.js';
import { testClient, useEmulator } from './client.js';

const endpoint = useEmulator();
const rds = (region: string) => testClient(RDSClient, region);
const cloudwatch = (region: string) => testClient(CloudWatchClient, region);

// The extension publishes AuroraGlobalDBReplicationLag for reader members, as Aurora
// does; moto alone publishes no AWS/RDS metric at all.
describe('emulator: Aurora replication-lag metric', () => {
  async function globalDatabase(): Promise<void> {
    await rds('us-east-1').send(
      new CreateGlobalClusterCommand({ GlobalClusterIdentifier: 'g', Engine: 'aurora-postgresql' }),
    );
    for (const [region, id] of [
      ['us-east-1', 'writer'],
      ['us-east-2', 'reader'],
    ] as const) {
      await rds(region).send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: id,
          Engine: 'aurora-postgresql',
          GlobalClusterIdentifier: 'g',
          ...(region === 'us-east-1' ? { MasterUsername: 'admin', MasterUserPassword: 'password123' } : {}),
        }),
      );
    }
  }

  async function lagPoints(region: string, cluster: string): Promise<number[]> {
    const now = Date.now();
    const result = await cloudwatch(region).send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 300_000),
        EndTime: new Date(now + 60_000),
        MetricDataQueries: [
          {
            Id: 'lag',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/RDS',
                MetricName: 'AuroraGlobalDBReplicationLag',
                Dimensions: [{ Name: 'DBClusterIdentifier', Value: cluster }],
              },
              Period: 60,
              Stat: 'Maximum',
            },
          },
        ],
      }),
    );
    return result.MetricDataResults?.[0]?.Values ?? [];
  }

  async function eventually(probe: () => Promise<number[]>): Promise<number[]> {
    const deadline = Date.now() + 8_000;
    for (;;) {
      const values = await probe();
      if (values.length > 0 || Date.now() > deadline) return values;
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('publishes nothing until switched on (moto behaviour)', async () => {
    // Given a global database and the publisher off (the default)
    await globalDatabase();
    await new Promise((r) => setTimeout(r, 300));
    // Then the reader has no lag datapoint
    assert.deepEqual(await lagPoints('us-east-2', 'reader'), []);
  });

  it('publishes the configured lag for the reader, in its region, and none for the writer', async () => {
    // Given a global database / When the publisher is switched on at 42 ms
    await globalDatabase();
    await configureEmulator(endpoint, { replicationLagMs: 42 });
    // Then the reader reports 42 ms in us-east-2; the writer reports nothing
    assert.deepEqual(await eventually(() => lagPoints('us-east-2', 'reader')), [42]);
    assert.deepEqual(await lagPoints('us-east-1', 'writer'), []);
  });

  it("stops publishing while the writer's region is down", async () => {
    // Given the publisher on and the writer's region lost
    await globalDatabase();
    await setOutage(endpoint, 'us-east-1', 'refuse');
    await configureEmulator(endpoint, { replicationLagMs: 42 });
    await new Promise((r) => setTimeout(r, 1_000));
    // Then the reader reports no lag: it hears nothing from its writer
    assert.deepEqual(await lagPoints('us-east-2', 'reader'), []);
  });
});
