/**
 * The building blocks of the DR machine's states: integration ARNs, the retry and timeout
 * every task gets, and the parameters more than one step (or the failure path) sends.
 *
 * JSONPath only (moto 5.2.5 cannot run JSONata). Every execution calls only its own
 * region: AWS SDK integrations cannot cross regions. Input: src/core/failover/input.ts.
 */
import { auditKeyTemplate } from '../../../../contract/audit.js';
import { Naming } from '../../../../contract/naming.js';
import type { StepId } from '../../../../contract/steps.js';
import type { AslState } from './asl.js';

export const SDK = (service: string, action: string) => `arn:aws:states:::aws-sdk:${service}:${action}`;
export const DDB = (action: string) => `arn:aws:states:::dynamodb:${action}`;
export const PUT_EVENTS = 'arn:aws:states:::events:putEvents';

/** Retries on every task: a refused condition is an answer, anything else is retried twice. */
export const RETRY = [
  { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], MaxAttempts: 0 },
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 },
] as const;
/** Per-task bound: a region that holds a call must not hold the failover. */
export const TASK_TIMEOUT_SECONDS = 60;

/** The marker state a step's errors go to: it records the step, then the failure path (./failure.ts). */
export const failed = (step: StepId) => `${step}/Failed`;

/**
 * A task, retried and bounded, that goes on to `next`; what is left of an error after
 * the retries goes to `onError.next`, the error kept at `onError.resultPath` (`null`: dropped).
 */
export function retriedTask(
  resource: string,
  parameters: Record<string, unknown>,
  next: string,
  onError: { readonly next: string; readonly resultPath: string | null },
  extra: Record<string, unknown> = {},
): AslState {
  return {
    Type: 'Task',
    Resource: resource,
    Parameters: parameters,
    TimeoutSeconds: TASK_TIMEOUT_SECONDS,
    ResultPath: null,
    ...extra,
    Retry: RETRY,
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: onError.resultPath, Next: onError.next }],
    Next: next,
  };
}

/** A task of `step`, retried and bounded, whose error goes to the step's `Failed` marker. */
export function task(
  step: StepId,
  resource: string,
  parameters: Record<string, unknown>,
  next: string,
  extra: Record<string, unknown> = {},
): AslState {
  return retriedTask(resource, parameters, next, { next: failed(step), resultPath: '$.error' }, extra);
}

/** A state that fails `step` with `error` and `cause`: the error goes to the step's `Failed` marker. */
export function failStep(step: StepId, error: string, cause: string): AslState {
  return {
    Type: 'Pass',
    Result: { Error: error, Cause: cause },
    ResultPath: '$.error',
    Next: failed(step),
  };
}

/**
 * PutParameter of a fencing SecureString. `KeyId` is the regional key the stack created the
 * parameter with: without it, PutParameter with Overwrite re-encrypts the value under the
 * account's `aws/ssm` key.
 */
export const ssmPut = (step: StepId, nameParam: string, valuePath: string, next: string, keyId: string) =>
  task(
    step,
    SDK('ssm', 'putParameter'),
    { 'Name.$': nameParam, 'Value.$': valuePath, Type: 'SecureString', KeyId: keyId, Overwrite: true },
    next,
  );

export const describeGlobalCluster = (step: StepId, resultPath: string, next: string) =>
  task(step, SDK('rds', 'describeGlobalClusters'), { 'GlobalClusterIdentifier.$': '$.globalCluster' }, next, {
    // `[0].Status` would come back as a list in moto (its JSONPath differs there): take the
    // cluster whole and read `.cluster.Status` in the Choice.
    ResultSelector: {
      'cluster.$': '$.GlobalClusters[0]',
      'writers.$': '$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DBClusterArn',
    },
    ResultPath: resultPath,
  });

/** The DR event of an operation's outcome, on this region's bus (its rule forwards it). */
export const event = (outcome: 'Succeeded' | 'Failed') => ({
  Entries: [
    {
      'Source.$': '$.eventSource',
      'DetailType.$': `States.Format('DR {} ${outcome}', $.operation)`,
      'EventBusName.$': '$.bus',
      Detail: {
        'operation.$': '$.operation',
        'operationId.$': '$.operationId',
        'mode.$': '$.mode',
        'from.$': '$.from',
        'to.$': '$.to',
        'epoch.$': '$.epoch',
        'startedBy.$': '$.startedBy',
        outcome: outcome.toLowerCase(),
      },
    },
  ],
});

/** The execution's whole state as its audit object, under the contract's key format (src/contract/audit.ts). */
export const auditObject = (writer: string) => ({
  'Bucket.$': '$.auditBucket',
  'Key.$': `States.Format('${auditKeyTemplate(writer)}', $.operation, $.operationId)`,
  'Body.$': 'States.JsonToString($)',
  ContentType: 'application/json',
});

/** The lease item, keyed by the input's lease id. */
export const LEASE_KEY = { [Naming.leaseTableKey]: { 'S.$': '$.lease.id' } };

/** Deletes the lease item, only while this operation still holds it (success and failure path alike). */
export const releaseLeaseParameters = () => ({
  'TableName.$': '$.lease.table',
  Key: LEASE_KEY,
  ConditionExpression: 'holder = :holder',
  ExpressionAttributeValues: { ':holder': { 'S.$': '$.lease.holder' } },
});
