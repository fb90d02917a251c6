/**
 * SQS → trade-processor. Thin: builds its dependencies once per container (module scope,
 * on the first event), hands the batch to processBatch, and maps the outcome:
 * malformed messages → `batchItemFailures`; fenced or database down → throw, so the
 * whole batch fails, the messages stay queued, and the Lambda Errors alarm sees it.
 */
import { cachedSsmFence } from './fencing.js';
import { processBatch, type ProcessBatchDeps } from './process-batch.js';
import { awsDbSettings, DbPool } from '../shared/db.js';
import { secretsManagerStore, ssmParameterStore } from '../shared/aws.js';
import type { SqsBatchResponse, SqsEvent } from '../shared/events.js';
import { errorFields, jsonLogger } from '../shared/log.js';
import { readSsmFence } from '../shared/params.js';
import { lambdaRuntime } from '../shared/runtime.js';

export function createHandler(deps: ProcessBatchDeps) {
  return async (event: SqsEvent): Promise<SqsBatchResponse> => {
    try {
      const result = await processBatch(event.Records, deps);
      return { batchItemFailures: result.batchItemFailures };
    } catch (error) {
      deps.log('error', 'batch not written; every message stays queued', {
        messages: event.Records.length,
        ...errorFields(error),
        ...((error as { signal?: unknown }).signal ? { fence: (error as { signal: unknown }).signal } : {}),
      });
      throw error;
    }
  };
}

function awsDeps(): ProcessBatchDeps {
  const runtime = lambdaRuntime();
  const parameters = ssmParameterStore();
  return {
    region: runtime.region,
    ssmFence: cachedSsmFence(() => readSsmFence(parameters, runtime.naming)),
    db: new DbPool(awsDbSettings({ parameters, secrets: secretsManagerStore(), naming: runtime.naming }), {
      max: 1,
      connectionTimeoutMillis: 5_000,
      statement_timeout: 10_000,
    }),
    log: jsonLogger,
  };
}

let live: ReturnType<typeof createHandler> | undefined;

export const handler = (event: SqsEvent): Promise<SqsBatchResponse> =>
  (live ??= createHandler(awsDeps()))(event);
