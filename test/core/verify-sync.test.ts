/**
 * verifySync against the emulator over HTTP: the deployed platform is in sync, and each
 * drift makes exactly its own check fail. The sandbox's secondary publishes 20 ms of lag
 * (the emulator does it for Aurora, switched on by `dr sandbox up`); a test puts the
 * datapoint it needs after it. (No datapoint at all fails the check: test/core/checks/checks.test.ts;
 * a deployed sandbox always has one.)
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { DynamoDBClient, ScanCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../src/aws/clients.js';
import { configSchema } from '../../src/config/schema.js';
import { RegionUnreachableError } from '../../src/contract/errors.js';
import { configureEmulator, setOutage } from '../../src/sandbox/emulator.js';
import { placeholderZip } from '../../src/sandbox/lambda-code.js';
import { requireInSync, verifySync } from '../../src/core/verify-sync.js';
import { Naming } from '../../src/contract/naming.js';
import { testClient } from '../emulator/client.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { removeGrant } from './checks/permission-helpers.js';
import { emulatorClients } from '../emulator/credentials.js';

const { endpoint } = useDeployedPlatform();
const config = configSchema.parse({
  app: 'trading',
  dns: { domain: 'trading.example.com' },
  objectives: { canaryTimeoutSeconds: 2, maxReplicationLagMs: 1000, maxS3PendingOperations: 100 },
});
const naming = new Naming(config);
const [E1, E2] = ['us-east-1', 'us-east-2'];
let clients: AwsClients;

beforeEach(async () => {
  clients?.destroy();
  clients = emulatorClients(endpoint, 2000);
});
after(() => clients?.destroy());

/** What a healthy (or lagging) secondary cluster publishes once a minute. */
async function putLag(ms: number, region = E2) {
  await clients.cloudwatch(region).putMetricData({
    Namespace: 'AWS/RDS',
    MetricData: [
      {
        MetricName: 'AuroraGlobalDBReplicationLag',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: naming.dbCluster(region) }],
        Value: ms,
        Unit: 'Milliseconds',
      },
    ],
  });
}

const failedNames = (result: Awaited<ReturnType<typeof verifySync>>) =>
  result.checks.filter((c) => !c.ok).map((c) => c.name);

describe('verifySync against the emulator', () => {
  it('the freshly deployed platform is in sync, and the canaries leave nothing behind', async () => {
    // Given the deployed platform whose secondary reports 200 ms of lag
    await putLag(200);

    // When every check runs
    const result = await verifySync({ clients, config });

    // Then all thirteen pass, with observed values and limits
    assert.deepEqual(failedNames(result), [], JSON.stringify(result.checks.filter((c) => !c.ok)));
    assert.equal(result.ok, true);
    assert.equal(result.checks.length, 13);
    // (the DR roles' policies cover every call of their paths: src/core/checks/permission-paths.ts)
    const permissions = result.checks.find((c) => c.name === 'iam-permissions');
    assert.equal(permissions?.status, 'pass', permissions?.detail);
    assert.match(permissions?.detail ?? '', /\((\d{3,}) simulated\)$/);
    assert.equal(result.activeRegion, E1);
    const lag = result.checks.find((c) => c.name === 'aurora-replication-lag');
    assert.deepEqual([lag?.observed, lag?.limit, lag?.region], [200, 1000, E2]);
    assert.doesNotThrow(() => requireInSync(result));

    // And no canary item or object is left in either region
    for (const region of [E1, E2]) {
      const items = await testClient(DynamoDBClient, region, { endpoint }).send(
        new ScanCommand({ TableName: naming.sessionsTable() }),
      );
      assert.equal(items.Count, 0, `canary items left in ${region}`);
      const versions = await testClient(S3Client, region, { endpoint }).send(
        new ListObjectVersionsCommand({ Bucket: naming.bucket(region, 'config'), Prefix: 'canary/' }),
      );
      assert.equal((versions.Versions ?? []).length + (versions.DeleteMarkers ?? []).length, 0);
    }
  });

  it('lag over the limit fails the lag check alone', async () => {
    await putLag(4000);
    const result = await verifySync({ clients, config });
    assert.deepEqual(failedNames(result), ['aurora-replication-lag']);
    assert.equal(result.checks[0]?.observed, 4000);
  });

  it('a drifted shared SSM parameter fails the SSM check alone (regional ones may differ)', async () => {
    // Given the secondary's copy of a shared setting changed
    await putLag(200);
    await clients.ssm(E2).putParameter({
      Name: naming.ssmShared('api-domain'),
      Value: 'api.elsewhere.example.com',
      Type: 'SecureString',
      Overwrite: true,
    });
    // When checked / Then only that parameter is reported
    const result = await verifySync({ clients, config });
    assert.deepEqual(failedNames(result), ['ssm-parameters-equal']);
    const ssm = result.checks.find((c) => c.name === 'ssm-parameters-equal');
    assert.equal(ssm?.detail, `${naming.ssmShared('api-domain')} differs between us-east-1 and us-east-2`);
  });

  it('different Lambda code in one region fails the code-hash check alone', async () => {
    await putLag(200);
    await clients.lambda(E2).updateFunctionCode({
      FunctionName: naming.lambda(E2, 'health'),
      ZipFile: placeholderZip('a different build'),
    });
    const result = await verifySync({ clients, config });
    assert.deepEqual(failedNames(result), ['lambda-code-equal']);
    assert.match(
      result.checks.find((c) => c.name === 'lambda-code-equal')?.detail ?? '',
      /^health: us-east-1/,
    );
  });

  it('a missing replica fails the replica check alone', async () => {
    // Given the lease table's replica in the secondary removed
    await putLag(200);
    await testClient(DynamoDBClient, E1, { endpoint }).send(
      new UpdateTableCommand({
        TableName: naming.leaseTable(),
        ReplicaUpdates: [{ Delete: { RegionName: E2 } }],
      }),
    );
    const result = await verifySync({ clients, config });
    assert.deepEqual(failedNames(result), ['dynamodb-replicas-active']);
    assert.match(
      result.checks.find((c) => c.name === 'dynamodb-replicas-active')?.detail ?? '',
      new RegExp(`${naming.leaseTable()}: no table in us-east-2`),
    );
  });

  it('replication operations pending over the limit fail the pending check alone', async () => {
    // Given S3 reporting 500 operations pending on the primary's config rule
    await putLag(200);
    await clients.cloudwatch(E1).putMetricData({
      Namespace: 'AWS/S3',
      MetricData: [
        {
          MetricName: 'OperationsPendingReplication',
          Dimensions: [
            { Name: 'SourceBucket', Value: naming.bucket(E1, 'config') },
            { Name: 'DestinationBucket', Value: naming.bucket(E2, 'config') },
            { Name: 'RuleId', Value: `config-to-${E2}` },
          ],
          Value: 500,
          Unit: 'Count',
        },
      ],
    });
    const result = await verifySync({ clients, config });
    assert.deepEqual(failedNames(result), ['s3-pending-operations']);
    assert.equal(result.checks.find((c) => c.name === 's3-pending-operations')?.observed, 500);
  });

  it('both event source mappings enabled fails the split-brain guard alone', async () => {
    await putLag(200);
    const fn = naming.lambda(E2, 'trade-processor');
    const [mapping] =
      (await clients.lambda(E2).listEventSourceMappings({ FunctionName: fn })).EventSourceMappings ?? [];
    await clients.lambda(E2).updateEventSourceMapping({ UUID: mapping?.UUID, Enabled: true });
    const result = await verifySync({ clients, config });
    assert.deepEqual(failedNames(result), ['event-source-mapping-guard']);
    assert.match(
      result.checks.find((c) => c.name === 'event-source-mapping-guard')?.detail ?? '',
      /split brain: mappings enabled in us-east-1 and us-east-2/,
    );
  });

  it('a drifted alarm threshold fails the alarm check alone', async () => {
    await putLag(200);
    const [alarm] =
      (await clients.cloudwatch(E2).describeAlarms({ AlarmNames: [naming.alarm(E2, 'dlq-depth')] }))
        .MetricAlarms ?? [];
    assert.ok(alarm);
    await clients
      .cloudwatch(E2)
      .putMetricAlarm({ ...alarm, Threshold: (alarm.Threshold ?? 1) + 10 } as never);
    const result = await verifySync({ clients, config });
    assert.deepEqual(failedNames(result), ['alarm-definitions-equal']);
    assert.match(
      result.checks.find((c) => c.name === 'alarm-definitions-equal')?.detail ?? '',
      /^dlq-depth: threshold/,
    );
  });

  it('replication slower than the canary timeout fails both canaries, and says so', async () => {
    // Given items and objects reaching the other region only after 3 s (timeout 2 s)
    await putLag(200);
    await configureEmulator(endpoint, { replicationDelaySeconds: 3 });
    // When checked
    const result = await verifySync({ clients, config });
    // Then the two canaries fail with "did not appear within 2000 ms"
    assert.deepEqual(failedNames(result), ['dynamodb-canary', 's3-canary']);
    for (const name of ['dynamodb-canary', 's3-canary']) {
      const canary = result.checks.find((c) => c.name === name);
      assert.equal(canary?.observed, null);
      assert.match(canary?.detail ?? '', /written in us-east-1 did not appear in us-east-2 within 2000 ms/);
    }
  });

  it("a grant missing from the readiness function's role fails the permission check alone, naming it", async () => {
    // Given us-east-1's readiness-check role without the grant to write its report
    await putLag(200);
    const role = naming.role('readiness-check-exec', E1);
    await removeGrant(endpoint, role, 'execution', 'RecordReadiness');

    // When checked
    const result = await verifySync({ clients, config });

    // Then iam-permissions fails with exactly that role, action and resource
    assert.deepEqual(failedNames(result), ['iam-permissions']);
    const check = result.checks.find((c) => c.name === 'iam-permissions');
    assert.equal(check?.observed, 1);
    assert.match(
      check?.detail ?? '',
      new RegExp(
        `would be denied: ${role}: s3:PutObject on arn:aws:s3:::${naming.bucket(E1, 'audit-logs')}/readiness/${E1}/readiness-probe.json \\(implicitDeny; readiness record\\)$`,
      ),
    );
  });

  it('a region in an outage throws RegionUnreachableError (exit 5), and no canary stays in the live region', async () => {
    // Given us-east-2 refusing every request
    await putLag(200);
    await setOutage(endpoint, E2, 'refuse');
    // When / Then
    await assert.rejects(verifySync({ clients, config }), (error: unknown) => {
      assert.ok(error instanceof RegionUnreachableError);
      assert.equal(error.region, E2);
      return true;
    });
    const items = await testClient(DynamoDBClient, E1, { endpoint }).send(
      new ScanCommand({ TableName: naming.sessionsTable() }),
    );
    assert.equal(items.Count, 0);
  });
});
