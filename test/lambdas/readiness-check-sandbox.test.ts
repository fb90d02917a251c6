/**
 * The readiness check against the deployed sandbox over HTTP, wired as the Lambda is and
 * signing as its execution role (the sandbox enforces that role's policy): the
 * verify-sync checks from src/core/checks, limits from the shared SSM parameters the
 * stacks write, metrics published with PutMetricData, and read back
 * the way `dr status` reads them.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import type { AwsClients } from '../../src/aws/clients.js';
import { configSchema } from '../../src/config/schema.js';
import { readLatest } from '../../src/core/checks/metrics.js';
import { collectStatus } from '../../src/core/status.js';
import { Naming } from '../../src/contract/naming.js';
import { readinessDeps } from '../../src/lambdas/readiness-check/deps.js';
import { CHECK_METRIC, checkReadiness } from '../../src/lambdas/readiness-check/readiness.js';
import { lambdaRuntime } from '../../src/lambdas/shared/runtime.js';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { testClient } from '../emulator/client.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { removeGrant } from '../core/checks/permission-helpers.js';
import { emulatorClients } from '../emulator/credentials.js';
import { functionClients } from '../../src/sandbox/identity.js';

const { endpoint } = useDeployedPlatform();
const config = configSchema.parse({
  app: 'trading',
  dns: { domain: 'trading.example.com' },
  objectives: { canaryTimeoutSeconds: 2 },
});
const naming = new Naming(config);
const REGION = 'us-east-2';
const runtime = lambdaRuntime({
  DR_APP: 'trading',
  DR_ENVIRONMENT: 'prod',
  DR_PRIMARY_REGION: 'us-east-1',
  DR_SECONDARY_REGION: REGION,
  DR_REGION_ROLE: 'secondary',
  AWS_REGION: REGION,
});
let clients: AwsClients;
let ownClients: AwsClients | undefined;

/** The function's own calls, as its execution role (src/sandbox/identity.ts): the sandbox enforces that role's policy. */
async function asReadinessRole(): Promise<AwsClients> {
  ownClients ??= await functionClients(clients, config, 'readiness-check', REGION, {
    maxAttempts: 1,
    timeoutMs: 2000,
  });
  return ownClients;
}

beforeEach(async () => {
  ownClients?.destroy();
  ownClients = undefined;
  clients?.destroy();
  clients = emulatorClients(endpoint, 2000);
});
after(() => {
  ownClients?.destroy();
  clients?.destroy();
});

async function putLag(ms: number) {
  await clients.cloudwatch(REGION).putMetricData({
    Namespace: 'AWS/RDS',
    MetricData: [
      {
        MetricName: 'AuroraGlobalDBReplicationLag',
        Dimensions: [{ Name: 'DBClusterIdentifier', Value: naming.dbCluster(REGION) }],
        Value: ms,
      },
    ],
  });
}

describe('readiness-check against the emulator', () => {
  it('in sync: publishes FailoverReadiness 1 and a 1 per check, which dr status then shows', async () => {
    // Given the deployed platform with 100 ms of lag
    await putLag(100);

    // When the readiness check runs in us-east-2
    const outcome = await checkReadiness(readinessDeps(runtime, await asReadinessRole()));

    // Then it is ready, having run the thirteen verify-sync checks, the DR roles' permissions among them
    assert.equal(outcome.ready, true, JSON.stringify(outcome.reasons));
    assert.equal(outcome.checks?.length, 13);
    assert.equal(outcome.checks?.find((c) => c.name === 'iam-permissions')?.status, 'pass');
    // And dr status reads the published result
    const status = await collectStatus({ clients, config });
    assert.deepEqual(
      status.readiness.map((r) => [r.region, r.ready]),
      [
        ['us-east-1', null],
        [REGION, true],
      ],
    );
    // And one datum per check was published
    const perCheck = await readLatest(
      clients.cloudwatch(REGION),
      ['ssm-parameters-equal', 'event-source-mapping-guard', 'iam-permissions'].map((check, i) => ({
        id: `c${i}`,
        namespace: naming.metricsNamespace(),
        metricName: CHECK_METRIC,
        dimensions: { Region: REGION, Check: check },
        stat: 'Minimum' as const,
      })),
      600,
    );
    assert.deepEqual([perCheck.c0?.value, perCheck.c1?.value, perCheck.c2?.value], [1, 1, 1]);
    // And the report is in the region's audit-log bucket
    const s3 = testClient(S3Client, REGION, { endpoint });
    const bucket = naming.bucket(REGION, 'audit-logs');
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `readiness/${REGION}/` }),
    );
    assert.equal(listed.Contents?.length, 1);
    const body = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: listed.Contents?.[0]?.Key ?? '' }),
    );
    const report = JSON.parse((await body.Body?.transformToString()) ?? '{}') as {
      ready: boolean;
      checks: Array<{ name: string; status: string }>;
    };
    assert.equal(report.ready, true);
    assert.equal(report.checks.length, 13);
    assert.deepEqual(
      report.checks.filter((c) => c.name === 'iam-permissions').map((c) => c.status),
      ['pass'],
    );
  });

  it('lag over the limit the stacks wrote into SSM: not ready, 0 published, the reason named', async () => {
    // Given the shared max-replication-lag-ms (1000) and a secondary 3000 ms behind
    await putLag(3000);
    const outcome = await checkReadiness(readinessDeps(runtime, await asReadinessRole()));
    assert.equal(outcome.ready, false);
    assert.deepEqual(
      outcome.reasons?.map((r) => r.split(':')[0]),
      ['aurora-replication-lag'],
    );
    const status = await collectStatus({ clients, config });
    assert.equal(status.readiness[1]?.ready, false);
  });

  it('a grant missing from a DR role of the other region: not ready, the gap named, iam-permissions 0 published', async () => {
    // Given us-east-1's state-machine role without its Data API grant (the fence-database step)
    await putLag(100);
    const role = naming.role('dr-state-machines', 'us-east-1');
    await removeGrant(endpoint, role, 'dr-cross-region', 'FenceRowDataApi');

    // When the readiness check runs in us-east-2
    const outcome = await checkReadiness(readinessDeps(runtime, await asReadinessRole()));

    // Then it is not ready, for that call only
    assert.equal(outcome.ready, false);
    assert.deepEqual(
      outcome.reasons?.map((r) => r.split(':')[0]),
      ['iam-permissions'],
    );
    assert.match(
      outcome.reasons?.[0] ?? '',
      new RegExp(
        `${role}: rds-data:ExecuteStatement on arn:aws:rds:us-east-1:\\d+:cluster:${naming.dbCluster('us-east-1')} \\(implicitDeny`,
      ),
    );
    // And the per-check datum says so
    const datum = await readLatest(
      clients.cloudwatch(REGION),
      [
        {
          id: 'p',
          namespace: naming.metricsNamespace(),
          metricName: CHECK_METRIC,
          dimensions: { Region: REGION, Check: 'iam-permissions' },
          stat: 'Minimum' as const,
        },
      ],
      600,
    );
    assert.equal(datum.p?.value, 0);
  });
});
