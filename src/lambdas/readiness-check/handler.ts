/** EventBridge schedule (hourly) → the verify-sync checks → CloudWatch `FailoverReadiness`. */
import { createClients } from '../../aws/clients.js';
import { jsonLogger } from '../shared/log.js';
import { lambdaRuntime } from '../shared/runtime.js';
import { readinessDeps } from './deps.js';
import { checkReadiness, type ReadinessDeps, type ReadinessOutcome } from './readiness.js';

let deps: ReadinessDeps | undefined;

export const handler = async (): Promise<ReadinessOutcome> => {
  const outcome = await checkReadiness((deps ??= readinessDeps(lambdaRuntime(), createClients())));
  jsonLogger(outcome.ready ? 'info' : 'warn', 'failover readiness', { ...outcome });
  return outcome;
};
