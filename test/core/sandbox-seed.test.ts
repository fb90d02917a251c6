/**
 * Seeding the sandbox against the real emulator (started once per run by the harness,
 * reset before each test): what a deployment has, in both regions, named by naming.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClients } from '../../src/aws/clients.js';
import { parseConfig } from '../../src/config/load.js';
import { Naming } from '../../src/infra/naming.js';
import { ORDER_API_THROTTLE } from '../../src/infra/platform-definitions.js';
import { seedPlatform } from '../../src/core/sandbox/seed.js';
import { resolveAwsTarget } from '../../src/core/sandbox/target.js';
import { writeSandboxState } from '../../src/core/sandbox/state.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useEmulator } from '../emulator/client.js';
import { restApiId as orderRestApiId } from './sandbox-runtime-helpers.js';

const endpoint = useEmulator();
const config = parseConfig({ app: 'trading', environment: 'prod', dns: { domain: 'trading.example.com' } });
const naming = new Naming(config);
const [primary, secondary] = [config.regions.primary, config.regions.secondary];
// Patient: the emulator's first calls import moto's backends.
const clients = createClients({ endpoint, maxAttempts: 1, timeoutMs: 30_000 });
after(() => clients.destroy());
/** No built packages here: the placeholder zip, deterministic. */
const lambdaDir = join(tmpdir(), 'dr-no-lambdas');

describe('seedPlatform', () => {
  it('creates what a deployment has, in both regions, with the names from naming.ts', async () => {
    // Given an empty emulator / When the platform is seeded
    const result = await seedPlatform({ clients, config, lambdaDir });
    assert.equal(result.counts.kept, 0);

    // Then SSM holds the fencing state and the DB parameters in both regions
    for (const region of [primary, secondary]) {
      const ssm = clients.ssm(region);
      assert.equal(
        (await ssm.getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true })).Parameter?.Value,
        primary,
      );
      assert.equal(
        (await ssm.getParameter({ Name: naming.ssmEpoch(), WithDecryption: true })).Parameter?.Value,
        '1',
      );
      const db = await ssm.getParameter({ Name: naming.ssmDbEndpoint(), WithDecryption: true });
      assert.match(db.Parameter?.Value ?? '', new RegExp(`^${naming.dbCluster(region)}\\..*:5432$`));
    }
    // And the shared settings are equal in both regions, the regional ones name their region
    const sharedIn = await Promise.all(
      [primary, secondary].map(async (region) => {
        const page = await clients
          .ssm(region)
          .getParametersByPath({ Path: naming.ssmSharedPrefix(), WithDecryption: true, MaxResults: 10 });
        const more = page.NextToken
          ? await clients.ssm(region).getParametersByPath({
              Path: naming.ssmSharedPrefix(),
              WithDecryption: true,
              NextToken: page.NextToken,
            })
          : { Parameters: [] };
        return Object.fromEntries(
          [...(page.Parameters ?? []), ...(more.Parameters ?? [])].map((p) => [p.Name, p.Value]),
        );
      }),
    );
    assert.equal(sharedIn[0]?.[naming.ssmShared('rto-seconds')], '60');
    assert.deepEqual(sharedIn[0], sharedIn[1]);
    const queueUrl = await clients
      .ssm(secondary)
      .getParameter({ Name: naming.ssmRegional('orders-queue-url'), WithDecryption: true });
    assert.match(queueUrl.Parameter?.Value ?? '', new RegExp(`/${naming.ordersQueue(secondary)}$`));
    // And the orders queue with its DLQ in both regions
    for (const region of [primary, secondary]) {
      const { QueueUrl } = await clients.sqs(region).getQueueUrl({ QueueName: naming.ordersQueue(region) });
      const attrs = await clients
        .sqs(region)
        .getQueueAttributes({ QueueUrl, AttributeNames: ['RedrivePolicy'] });
      assert.match(attrs.Attributes?.RedrivePolicy ?? '', new RegExp(naming.ordersDlq(region)));
    }
    // And the order API's deployed stage with the stack's throttling, in both regions
    for (const region of [primary, secondary]) {
      const restApiId = await orderRestApiId(clients, region);
      const stage = await clients
        .apiGateway(region)
        .getStage({ restApiId, stageName: naming.restApiStage() });
      assert.equal(stage.methodSettings?.['*/*']?.throttlingRateLimit, ORDER_API_THROTTLE.rateLimit);
      assert.equal(stage.methodSettings?.['*/*']?.throttlingBurstLimit, ORDER_API_THROTTLE.burstLimit);
      const paths = ((await clients.apiGateway(region).getResources({ restApiId })).items ?? []).map(
        (r) => r.path,
      );
      assert.deepEqual(paths.sort(), ['/', '/health', '/orders']);
    }
    // And every function in both regions with the same code hash
    for (const fn of Naming.functions) {
      const [a, b] = await Promise.all(
        [primary, secondary].map((r) =>
          clients.lambda(r).getFunction({ FunctionName: naming.lambda(r, fn) }),
        ),
      );
      assert.ok(a?.Configuration?.CodeSha256);
      assert.equal(
        a.Configuration.CodeSha256,
        b?.Configuration?.CodeSha256,
        `${fn}: same bytes in both regions`,
      );
    }
    // And the trade processor consumes orders in the primary only
    const states = await Promise.all(
      [primary, secondary].map(async (r) => {
        const m = await clients.lambda(r).listEventSourceMappings({
          FunctionName: naming.lambda(r, 'trade-processor'),
        });
        return m.EventSourceMappings?.map((e) => e.State);
      }),
    );
    assert.deepEqual(states, [['Enabled'], ['Disabled']]);
    // And the Aurora global cluster has its writer in the primary, a reader in the secondary
    const global = await clients
      .rds(primary)
      .describeGlobalClusters({ GlobalClusterIdentifier: naming.globalCluster() });
    const members = global.GlobalClusters?.[0]?.GlobalClusterMembers ?? [];
    const writer = members.find((m) => m.IsWriter)?.DBClusterArn ?? '';
    assert.equal(members.length, 2);
    assert.ok(
      writer.includes(`:${primary}:`) && writer.endsWith(`:cluster:${naming.dbCluster(primary)}`),
      writer,
    );
    // And both tables are global (replica ACTIVE in the secondary) with PITR on in both regions
    for (const table of [naming.sessionsTable(), naming.leaseTable()]) {
      const described = await clients.dynamodb(primary).describeTable({ TableName: table });
      assert.deepEqual(
        described.Table?.Replicas?.map((r) => [r.RegionName, r.ReplicaStatus]),
        [[secondary, 'ACTIVE']],
      );
      for (const region of [primary, secondary]) {
        const backups = await clients.dynamodb(region).describeContinuousBackups({ TableName: table });
        assert.equal(
          backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
          'ENABLED',
          `${table} PITR in ${region}`,
        );
      }
    }
    // And the buckets are versioned and replicate to the other region
    for (const [from, to] of [
      [primary, secondary],
      [secondary, primary],
    ] as const) {
      for (const purpose of ['config', 'audit-logs'] as const) {
        const bucket = naming.bucket(from, purpose);
        assert.equal((await clients.s3(from).getBucketVersioning({ Bucket: bucket })).Status, 'Enabled');
        const rules = (await clients.s3(from).getBucketReplication({ Bucket: bucket }))
          .ReplicationConfiguration?.Rules;
        assert.equal(rules?.[0]?.Status, 'Enabled');
        assert.equal(rules?.[0]?.Destination?.Bucket, `arn:aws:s3:::${naming.bucket(to, purpose)}`);
      }
    }
    // And Route 53 has the PRIMARY/SECONDARY failover pair, each behind a health check
    const zones = await clients.route53(primary).listHostedZonesByName({ DNSName: config.dns.domain });
    const zoneId = zones.HostedZones?.[0]?.Id;
    const records = await clients.route53(primary).listResourceRecordSets({ HostedZoneId: zoneId });
    const failover = (records.ResourceRecordSets ?? []).filter((r) => r.Failover);
    assert.deepEqual(failover.map((r) => [r.Name, r.Failover, r.TTL]).sort(), [
      [`api.${config.dns.domain}.`, 'PRIMARY', config.dns.ttlSeconds],
      [`api.${config.dns.domain}.`, 'SECONDARY', config.dns.ttlSeconds],
    ]);
    assert.ok(failover.every((r) => r.HealthCheckId));
    // And the same alarms and both state machines exist in each region
    for (const region of [primary, secondary]) {
      const alarms = await clients
        .cloudwatch(region)
        .describeAlarms({ AlarmNamePrefix: naming.regional(region, '') });
      assert.equal(alarms.MetricAlarms?.length, 4, `alarms in ${region}`);
      const machines = await clients.sfn(region).listStateMachines({});
      assert.deepEqual(machines.stateMachines?.map((m) => m.name).sort(), [
        naming.stateMachine(region, 'failback'),
        naming.stateMachine(region, 'failover'),
      ]);
    }
  });

  it('seeding again creates nothing and keeps a failed-over fencing state', async () => {
    // Given a seeded sandbox that has since failed over to the secondary
    const first = await seedPlatform({ clients, config, lambdaDir });
    for (const region of [primary, secondary]) {
      await clients
        .ssm(region)
        .putParameter({ Name: naming.ssmActiveRegion(), Value: secondary, Overwrite: true });
    }
    // When it is seeded again
    const second = await seedPlatform({ clients, config, lambdaDir });
    // Then nothing is created, every resource is accounted for, and the fencing state stays
    assert.equal(second.counts.created, 0);
    assert.equal(second.resources.length, first.resources.length);
    const active = await clients
      .ssm(primary)
      .getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true });
    assert.equal(active.Parameter?.Value, secondary);
    const mappings = await clients.lambda(secondary).listEventSourceMappings({
      FunctionName: naming.lambda(secondary, 'trade-processor'),
    });
    assert.equal(mappings.EventSourceMappings?.length, 1, 'no second mapping');
  });
});

describe('resolveAwsTarget', () => {
  it('resolves --sandbox to the endpoint recorded in .dr/sandbox.json while it answers', async () => {
    // Given a state file naming the running emulator (this process stands in for its pid)
    const cwd = await mkdtemp(join(tmpdir(), 'dr-target-'));
    try {
      await writeSandboxState(
        {
          endpoint,
          pid: process.pid,
          startedAt: new Date().toISOString(),
          configFile: join(cwd, 'dr.config.json'),
          regions: { primary, secondary },
        },
        cwd,
      );
      // When the target is resolved with --sandbox, even with DR_ENDPOINT set
      const target = await resolveAwsTarget({
        sandbox: true,
        cwd,
        env: { DR_ENDPOINT: 'http://127.0.0.1:1' },
      });
      // Then the sandbox wins
      assert.deepEqual(target, { endpoint, source: 'sandbox' });
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });
});
