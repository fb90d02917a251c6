/**
 * GET /health (API Gateway proxy integration) → probes → decideHealth → 200/503 JSON.
 * Dependencies are built once per container; the SSM fence and the RDS writer lookup
 * are cached ≤ 5 s (Route 53 checkers call every 10 s from many places; RDS throttles).
 */
import { RDSClient, DescribeGlobalClustersCommand } from '@aws-sdk/client-rds';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ssmParameterStore, secretsManagerStore } from '../shared/aws.js';
import { cached } from '../shared/cache.js';
import { awsDbSettings, DbPool } from '../shared/db.js';
import type { ApiGatewayProxyEvent, ApiGatewayProxyResult } from '../shared/events.js';
import { jsonLogger, type Logger } from '../shared/log.js';
import { readSsmFence } from '../shared/params.js';
import { lambdaRuntime } from '../shared/runtime.js';
import { decideHealth } from './decide.js';
import { PROBE_TIMEOUT_MS, runHealthProbes, writerRoleOf, type HealthProbeDeps } from './probes.js';

export interface HealthHandlerDeps extends HealthProbeDeps {
  readonly region: string;
  readonly log: Logger;
}

export function createHealthHandler(deps: HealthHandlerDeps) {
  return async (event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> => {
    const probes = await runHealthProbes(deps);
    const decision = decideHealth({
      region: deps.region,
      record: deps.record,
      via: event.requestContext?.apiId,
      probes,
    });
    if (decision.statusCode !== 200) {
      deps.log('warn', 'unhealthy', { record: deps.record, failed: decision.body.failed });
    }
    return {
      statusCode: decision.statusCode,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(decision.body),
    };
  };
}

const CACHE_MS = 5_000;

function awsDeps(): HealthHandlerDeps {
  const { env, naming, region } = lambdaRuntime();
  const parameters = ssmParameterStore();
  const sdk = { maxAttempts: 1 };
  const rds = new RDSClient(sdk);
  const sqs = new SQSClient(sdk);
  const fence = cached(() => readSsmFence(parameters, naming), CACHE_MS);
  const writer = cached(async () => {
    const out = await rds.send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: naming.globalCluster() }),
    );
    return writerRoleOf(
      out.GlobalClusters?.[0]?.GlobalClusterMembers ?? [],
      region,
      naming.dbCluster(region),
    );
  }, CACHE_MS);
  // From the stack (DR_ORDERS_QUEUE_URL): the role may read the queue's attributes, nothing
  // else of it, so no GetQueueUrl (it would be denied).
  const queueUrl = process.env.DR_ORDERS_QUEUE_URL;
  if (!queueUrl) throw new Error('missing environment variable DR_ORDERS_QUEUE_URL');
  const db = new DbPool(awsDbSettings({ parameters, secrets: secretsManagerStore(), naming }), {
    max: 2,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    // Server-side backstops, a little beyond the client-side limit.
    statement_timeout: PROBE_TIMEOUT_MS + 500,
    lock_timeout: PROBE_TIMEOUT_MS + 500,
  });
  // Fetch the secret and open a connection during init, so the first probe is not cold.
  db.connect().then(
    (c) => c.release(),
    () => {},
  );
  return {
    region,
    record: env.regionRole,
    log: jsonLogger,
    ssmFence: () => fence(),
    writer: () => writer(),
    queue: async (signal) => {
      const out = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
        { abortSignal: signal },
      );
      return { visibleMessages: Number(out.Attributes?.ApproximateNumberOfMessages ?? Number.NaN) };
    },
    db,
  };
}

let live: ReturnType<typeof createHealthHandler> | undefined;

export const handler = (event: ApiGatewayProxyEvent): Promise<ApiGatewayProxyResult> =>
  (live ??= createHealthHandler(awsDeps()))(event);
