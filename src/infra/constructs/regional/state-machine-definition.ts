/**
 * Typed Amazon States Language for the DR state machines. A definition is a function of
 * the region's context, so swapping it is one prop. `drDefinition` is the failover and
 * failback machine every region deploys (the same states for both kinds: a failback is
 * a planned failover back to the home region); `placeholderDefinition` stays for tests
 * that need a machine that does nothing.
 */
import { ADVANCE_FENCE_DATA_API_SQL } from '../../../contract/database.js';
import { STEPS, type StepId } from '../../../contract/steps.js';
import { Naming } from '../../../contract/naming.js';

export type StateMachineKind = 'failover' | 'failback';

export interface AslState {
  readonly Type: 'Pass' | 'Task' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  readonly Comment?: string;
  readonly [field: string]: unknown;
}

export interface AslDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
  readonly TimeoutSeconds?: number;
}

/** What a definition may depend on (plain strings or cdktf tokens). */
export interface StateMachineContext {
  readonly kind: StateMachineKind;
  readonly region: string;
  readonly role: 'primary' | 'secondary';
  readonly primaryRegion: string;
  readonly secondaryRegion: string;
  /** The regional key (ARN) the fencing SecureStrings are encrypted with; PutParameter keeps it. */
  readonly parametersKeyId: string;
}

export type DefinitionFactory = (context: StateMachineContext) => AslDefinition;

/** PLACEHOLDER: one Pass state. Replaced by the failover issue's definitions. */
export const placeholderDefinition: DefinitionFactory = (context) => ({
  Comment: `PLACEHOLDER ${context.kind} state machine of ${context.region}: replaced by the failover issue's definition`,
  StartAt: 'Placeholder',
  States: {
    Placeholder: {
      Type: 'Pass',
      Comment:
        'PLACEHOLDER: does nothing; the real steps (check, fence, promote, shift, verify) come from the failover issue',
      End: true,
    },
  },
});

export function renderDefinition(definition: AslDefinition): string {
  if (!(definition.StartAt in definition.States)) {
    throw new Error(`state machine definition: StartAt ${definition.StartAt} names no state`);
  }
  return JSON.stringify(definition);
}

// ---- the failover/failback machine -----------------------------------------------------
//
// JSONPath only (moto 5.2.5 cannot run JSONata). Every execution calls only its own
// region: AWS SDK integrations cannot cross regions. Input: src/core/failover/input.ts.
// State names are `<step id>/<what>`, so a history event names its step (stepOfState).

const SDK = (service: string, action: string) => `arn:aws:states:::aws-sdk:${service}:${action}`;
const DDB = (action: string) => `arn:aws:states:::dynamodb:${action}`;
const PUT_EVENTS = 'arn:aws:states:::events:putEvents';

/** Retries on every task: a refused condition is an answer, anything else is retried twice. */
const RETRY = [
  { ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'], MaxAttempts: 0 },
  { ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 },
] as const;
/** Per-task bound: a region that holds a call must not hold the failover. */
const TASK_TIMEOUT_SECONDS = 60;
/** Whole-execution bound. */
export const EXECUTION_TIMEOUT_SECONDS = 3600;

const failed = (step: StepId) => `${step}/Failed`;

function task(
  step: StepId,
  resource: string,
  parameters: Record<string, unknown>,
  next: string,
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
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: failed(step) }],
    Next: next,
  };
}

/**
 * PutParameter of a fencing SecureString. `KeyId` is the regional key the stack created the
 * parameter with: without it, PutParameter with Overwrite re-encrypts the value under the
 * account's `aws/ssm` key.
 */
const ssmPut = (step: StepId, nameParam: string, valuePath: string, next: string, keyId: string) =>
  task(
    step,
    SDK('ssm', 'putParameter'),
    { 'Name.$': nameParam, 'Value.$': valuePath, Type: 'SecureString', KeyId: keyId, Overwrite: true },
    next,
  );

const describeGlobalCluster = (step: StepId, resultPath: string, next: string) =>
  task(step, SDK('rds', 'describeGlobalClusters'), { 'GlobalClusterIdentifier.$': '$.globalCluster' }, next, {
    // `[0].Status` would come back as a list in moto (its JSONPath differs there): take the
    // cluster whole and read `.cluster.Status` in the Choice.
    ResultSelector: {
      'cluster.$': '$.GlobalClusters[0]',
      'writers.$': '$.GlobalClusters[0].GlobalClusterMembers[?(@.IsWriter == true)].DBClusterArn',
    },
    ResultPath: resultPath,
  });

const event = (outcome: 'Succeeded' | 'Failed') => ({
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

const auditObject = (suffix: string) => ({
  'Bucket.$': '$.auditBucket',
  'Key.$': `States.Format('dr-audit/{}/{}.${suffix}.json', $.operation, $.operationId)`,
  'Body.$': 'States.JsonToString($)',
  ContentType: 'application/json',
});

const leaseKey = { [Naming.leaseTableKey]: { 'S.$': '$.lease.id' } };

export const drDefinition: DefinitionFactory = (context) => {
  const states: Record<string, AslState> = {
    Phase: {
      Type: 'Choice',
      Comment:
        'demote: fence this region (planned path, runs where the writer was); promote: everything else',
      Choices: [{ Variable: '$.phase', StringEquals: 'demote', Next: 'fence-old-primary/DisableMapping' }],
      Default: 'take-lease/UpdateItem',
    },

    // ---- demote (planned only, in the region being left) ----------------------------
    'fence-old-primary/DisableMapping': task(
      'fence-old-primary',
      SDK('lambda', 'updateEventSourceMapping'),
      { 'UUID.$': '$.mapping.uuid', Enabled: false },
      'fence-old-primary/ActiveRegion',
    ),
    'fence-old-primary/ActiveRegion': ssmPut(
      'fence-old-primary',
      '$.parameters.activeRegion',
      '$.to',
      'fence-old-primary/Epoch',
      context.parametersKeyId,
    ),
    'fence-old-primary/Epoch': ssmPut(
      'fence-old-primary',
      '$.parameters.epoch',
      '$.epoch',
      'Demoted',
      context.parametersKeyId,
    ),
    Demoted: { Type: 'Succeed', Comment: 'this region no longer consumes orders nor believes it is active' },

    // ---- promote (in the target region) ---------------------------------------------
    'take-lease/UpdateItem': task(
      'take-lease',
      DDB('updateItem'),
      {
        'TableName.$': '$.lease.table',
        Key: leaseKey,
        UpdateExpression:
          'SET holder = :holder, operation = :operation, operation_id = :id, #expires = :expires, execution_region = :region',
        ConditionExpression: `attribute_not_exists(${Naming.leaseTableKey}) OR holder = :holder OR #expires < :now`,
        ExpressionAttributeNames: { '#expires': Naming.ttlAttribute },
        ExpressionAttributeValues: {
          ':holder': { 'S.$': '$.lease.holder' },
          ':operation': { 'S.$': '$.operation' },
          ':id': { 'S.$': '$.operationId' },
          ':expires': { 'N.$': '$.lease.expiresAt' },
          ':now': { 'N.$': '$.lease.now' },
          ':region': { S: context.region },
        },
      },
      'pre-checks/DescribeGlobalCluster',
    ),
    'pre-checks/DescribeGlobalCluster': describeGlobalCluster(
      'pre-checks',
      '$.checks',
      'pre-checks/Evaluate',
    ),
    'pre-checks/Evaluate': {
      Type: 'Choice',
      Comment:
        'planned: the switchover needs an available global cluster. unplanned: the lost region may leave it in any state; FailoverGlobalCluster (AllowDataLoss) itself refuses a state it cannot fail over from',
      Choices: [
        {
          And: [
            { Variable: '$.mode', StringEquals: 'planned' },
            { Not: { Variable: '$.checks.cluster.Status', StringEquals: 'available' } },
          ],
          Next: 'pre-checks/NotAvailable',
        },
      ],
      Default: 'fence-surviving-region/ActiveRegion',
    },
    'pre-checks/NotAvailable': {
      Type: 'Pass',
      Result: { Error: 'DR.GlobalClusterNotAvailable', Cause: 'the global cluster is not available' },
      ResultPath: '$.error',
      Next: failed('pre-checks'),
    },
    'fence-surviving-region/ActiveRegion': ssmPut(
      'fence-surviving-region',
      '$.parameters.activeRegion',
      '$.to',
      'fence-surviving-region/Epoch',
      context.parametersKeyId,
    ),
    'fence-surviving-region/Epoch': ssmPut(
      'fence-surviving-region',
      '$.parameters.epoch',
      '$.epoch',
      'promote/AlreadyWriter',
      context.parametersKeyId,
    ),
    'promote/AlreadyWriter': {
      Type: 'Choice',
      Comment: 'idempotent: a re-run after the promotion goes straight to waiting',
      Choices: [
        {
          And: [
            { Variable: '$.checks.writers[0]', IsPresent: true },
            { Variable: '$.checks.writers[0]', StringEqualsPath: '$.targetCluster.arn' },
          ],
          Next: 'wait-for-writer/Start',
        },
        {
          // An unplanned re-run while the earlier run's failover to this cluster is in flight.
          And: [
            { Variable: '$.mode', StringEquals: 'unplanned' },
            { Variable: '$.checks.cluster.FailoverState.ToDbClusterArn', IsPresent: true },
            {
              Variable: '$.checks.cluster.FailoverState.ToDbClusterArn',
              StringEqualsPath: '$.targetCluster.arn',
            },
          ],
          Next: 'wait-for-writer/Start',
        },
        { Variable: '$.mode', StringEquals: 'planned', Next: 'promote/Switchover' },
      ],
      Default: 'promote/Failover',
    },
    'promote/Switchover': task(
      'promote',
      SDK('rds', 'switchoverGlobalCluster'),
      {
        'GlobalClusterIdentifier.$': '$.globalCluster',
        'TargetDbClusterIdentifier.$': '$.targetCluster.arn',
      },
      'wait-for-writer/Start',
    ),
    'promote/Failover': task(
      'promote',
      SDK('rds', 'failoverGlobalCluster'),
      {
        'GlobalClusterIdentifier.$': '$.globalCluster',
        'TargetDbClusterIdentifier.$': '$.targetCluster.arn',
        AllowDataLoss: true,
      },
      'wait-for-writer/Start',
    ),
    'wait-for-writer/Start': {
      Type: 'Pass',
      Result: { count: 0 },
      ResultPath: '$.poll',
      Next: 'wait-for-writer/Describe',
    },
    'wait-for-writer/Describe': describeGlobalCluster(
      'wait-for-writer',
      '$.writer',
      'wait-for-writer/Evaluate',
    ),
    'wait-for-writer/Evaluate': {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.writer.cluster.Status', StringEquals: 'available' },
            { Variable: '$.writer.writers[0]', IsPresent: true },
            { Variable: '$.writer.writers[0]', StringEqualsPath: '$.targetCluster.arn' },
          ],
          Next: 'fence-database/ExecuteStatement',
        },
        {
          Variable: '$.poll.count',
          NumericGreaterThanEqualsPath: '$.timing.maxPolls',
          Next: 'wait-for-writer/TimedOut',
        },
      ],
      Default: 'wait-for-writer/Wait',
    },
    'wait-for-writer/Wait': {
      Type: 'Wait',
      SecondsPath: '$.timing.pollSeconds',
      Next: 'wait-for-writer/Count',
    },
    'wait-for-writer/Count': {
      Type: 'Pass',
      Parameters: { 'count.$': 'States.MathAdd($.poll.count, 1)' },
      ResultPath: '$.poll',
      Next: 'wait-for-writer/Describe',
    },
    'wait-for-writer/TimedOut': {
      Type: 'Pass',
      Result: {
        Error: 'DR.WriterTimeout',
        Cause: 'the new writer was not available within timing.maxPolls polls',
      },
      ResultPath: '$.error',
      Next: failed('wait-for-writer'),
    },
    'fence-database/ExecuteStatement': task(
      'fence-database',
      SDK('rdsdata', 'executeStatement'),
      {
        'ResourceArn.$': '$.db.clusterArn',
        'SecretArn.$': '$.db.secretArn',
        'Database.$': '$.db.database',
        Sql: ADVANCE_FENCE_DATA_API_SQL,
        Parameters: [
          { Name: 'region', Value: { 'StringValue.$': '$.to' } },
          { Name: 'epoch', Value: { 'LongValue.$': '$.epochNumber' } },
        ],
      },
      'shift-traffic/WaitForHealthChecks',
    ),
    'shift-traffic/WaitForHealthChecks': {
      Type: 'Wait',
      Comment:
        'No Route 53 call (its control plane lives in us-east-1): the old region answers 503 on /health now, so the health checks move DNS',
      SecondsPath: '$.timing.dnsShiftSeconds',
      Next: 'enable-new-primary/EnableMapping',
    },
    'enable-new-primary/EnableMapping': task(
      'enable-new-primary',
      SDK('lambda', 'updateEventSourceMapping'),
      { 'UUID.$': '$.mapping.uuid', Enabled: true },
      'verify/Mapping',
    ),
    'verify/Mapping': task(
      'verify',
      SDK('lambda', 'getEventSourceMapping'),
      { 'UUID.$': '$.mapping.uuid' },
      'verify/ActiveRegion',
      { ResultSelector: { 'state.$': '$.State' }, ResultPath: '$.verify.mapping' },
    ),
    'verify/ActiveRegion': task(
      'verify',
      SDK('ssm', 'getParameter'),
      { 'Name.$': '$.parameters.activeRegion', WithDecryption: true },
      'verify/Writer',
      { ResultSelector: { 'value.$': '$.Parameter.Value' }, ResultPath: '$.verify.activeRegion' },
    ),
    'verify/Writer': describeGlobalCluster('verify', '$.verify.writer', 'verify/Evaluate'),
    'verify/Evaluate': {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.verify.activeRegion.value', StringEqualsPath: '$.to' },
            { Variable: '$.verify.writer.writers[0]', IsPresent: true },
            { Variable: '$.verify.writer.writers[0]', StringEqualsPath: '$.targetCluster.arn' },
            {
              Or: [
                { Variable: '$.verify.mapping.state', StringEquals: 'Enabled' },
                { Variable: '$.verify.mapping.state', StringEquals: 'Enabling' },
              ],
            },
          ],
          Next: 'emit-event/PutEvents',
        },
      ],
      Default: 'verify/Mismatch',
    },
    'verify/Mismatch': {
      Type: 'Pass',
      Result: {
        Error: 'DR.VerifyFailed',
        Cause:
          'after the failover the writer, active-region or event source mapping is not what it should be',
      },
      ResultPath: '$.error',
      Next: failed('verify'),
    },
    'emit-event/PutEvents': task('emit-event', PUT_EVENTS, event('Succeeded'), 'emit-event/Audit'),
    'emit-event/Audit': task(
      'emit-event',
      SDK('s3', 'putObject'),
      auditObject('state-machine'),
      'release-lease/DeleteItem',
    ),
    'release-lease/DeleteItem': {
      ...task(
        'release-lease',
        DDB('deleteItem'),
        {
          'TableName.$': '$.lease.table',
          Key: leaseKey,
          ConditionExpression: 'holder = :holder',
          ExpressionAttributeValues: { ':holder': { 'S.$': '$.lease.holder' } },
        },
        'Done',
      ),
      // Not holding it any more (expired and taken over) is not a failed failover.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.releaseError', Next: 'Done' }],
    },
    Done: { Type: 'Succeed' },

    // ---- failure: record it, release the lease, fail ------------------------------------
    'failure/Event': {
      Type: 'Task',
      Resource: PUT_EVENTS,
      Parameters: event('Failed'),
      TimeoutSeconds: TASK_TIMEOUT_SECONDS,
      ResultPath: null,
      Retry: RETRY,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'failure/Audit' }],
      Next: 'failure/Audit',
    },
    'failure/Audit': {
      Type: 'Task',
      Resource: SDK('s3', 'putObject'),
      Parameters: auditObject('state-machine-failed'),
      TimeoutSeconds: TASK_TIMEOUT_SECONDS,
      ResultPath: null,
      Retry: RETRY,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'failure/ReleaseLease' }],
      Next: 'failure/ReleaseLease',
    },
    'failure/ReleaseLease': {
      Type: 'Task',
      Resource: DDB('deleteItem'),
      Parameters: {
        'TableName.$': '$.lease.table',
        Key: leaseKey,
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': { 'S.$': '$.lease.holder' } },
      },
      TimeoutSeconds: TASK_TIMEOUT_SECONDS,
      ResultPath: null,
      Retry: RETRY,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: null, Next: 'failure/Fail' }],
      Next: 'failure/Fail',
    },
    'failure/Fail': {
      Type: 'Fail',
      Error: 'DR.StepFailed',
      Cause: 'a step failed: the failed step and its error are in the execution history and the audit object',
    },
    'failure/LeaseHeld': {
      Type: 'Fail',
      Error: 'DR.LeaseHeld',
      Cause: 'another operation holds the lease; nothing was changed',
    },
    'failure/DemoteFailed': {
      Type: 'Fail',
      Error: 'DR.DemoteFailed',
      Cause: 'fencing the old primary failed; the promotion was not started',
    },
  };

  // One `<step>/Failed` marker per step: records which step failed, then the failure path.
  const targets = new Set(
    Object.values(states).flatMap((state) => [
      state.Next as string | undefined,
      ...((state.Catch as Array<{ Next: string }> | undefined) ?? []).map((c) => c.Next),
    ]),
  );
  for (const { id: step } of STEPS) {
    if (!targets.has(failed(step))) continue;
    states[failed(step)] = {
      Type: 'Pass',
      Result: step,
      ResultPath: '$.failedStep',
      Next:
        step === 'take-lease'
          ? 'failure/LeaseHeld'
          : step === 'fence-old-primary'
            ? 'failure/DemoteFailed'
            : 'failure/Event',
    };
  }

  return {
    Comment: `dr ${context.kind} of ${context.region}: demote (planned, in the region being left) or promote (in the target region). Generated by src/infra/constructs/regional/state-machine-definition.ts`,
    StartAt: 'Phase',
    TimeoutSeconds: EXECUTION_TIMEOUT_SECONDS,
    States: states,
  };
};
