/**
 * The states of each step of the step list (src/contract/steps.ts), one fragment per step
 * id. A fragment knows only its own states and where to go when it is done (`next`): the
 * order, the phase and the modes come from `STEPS`, and ./build.ts chains the fragments.
 * `Record<StepId, StepStates>` makes a step without states a type error.
 *
 * State names are `<step id>/<what>`, so a history event names its step (stepOfState).
 */
import { ADVANCE_FENCE_DATA_API_SQL } from '../../../../contract/database.js';
import { STATE_MACHINE_AUDIT } from '../../../../contract/audit.js';
import { Naming } from '../../../../contract/naming.js';
import type { StepId } from '../../../../contract/steps.js';
import type { AslState, StateMachineContext } from './asl.js';
import {
  DDB,
  LEASE_KEY,
  PUT_EVENTS,
  SDK,
  auditObject,
  describeGlobalCluster,
  event,
  failStep,
  releaseLeaseParameters,
  ssmPut,
  task,
} from './tasks.js';

/**
 * Where a step's `Failed` marker goes: a lease held by another operation changed nothing
 * (fail at once); a failed demote started no promotion (fail at once); anything later has
 * changed the platform, so it is recorded (event, audit) and the lease released first.
 */
export type FailureEnd = 'failure/LeaseHeld' | 'failure/DemoteFailed' | 'failure/Event';

export interface StepStates {
  /** The state the step starts at: the step before it (or the Phase choice) goes there. */
  readonly entry: string;
  /** Where the step's `Failed` marker goes (./failure.ts). */
  readonly onFailure: FailureEnd;
  /** The step's states, in order, its way out going to `next` (the next step's way in, or the phase's end). */
  readonly states: (context: StateMachineContext, next: string) => Record<string, AslState>;
}

const takeLease: StepStates = {
  entry: 'take-lease/UpdateItem',
  onFailure: 'failure/LeaseHeld',
  states: (context, next) => ({
    'take-lease/UpdateItem': task(
      'take-lease',
      DDB('updateItem'),
      {
        'TableName.$': '$.lease.table',
        Key: LEASE_KEY,
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
      next,
    ),
  }),
};

const fenceOldPrimary: StepStates = {
  entry: 'fence-old-primary/DisableMapping',
  onFailure: 'failure/DemoteFailed',
  states: (context, next) => ({
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
      next,
      context.parametersKeyId,
    ),
  }),
};

const preChecks: StepStates = {
  entry: 'pre-checks/DescribeGlobalCluster',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
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
      Default: next,
    },
    'pre-checks/NotAvailable': failStep(
      'pre-checks',
      'DR.GlobalClusterNotAvailable',
      'the global cluster is not available',
    ),
  }),
};

const fenceSurvivingRegion: StepStates = {
  entry: 'fence-surviving-region/ActiveRegion',
  onFailure: 'failure/Event',
  states: (context, next) => ({
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
      next,
      context.parametersKeyId,
    ),
  }),
};

/** Switchover (planned) or failover (unplanned), or neither when an earlier run already did it. */
const promote: StepStates = {
  entry: 'promote/AlreadyWriter',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
    'promote/AlreadyWriter': {
      Type: 'Choice',
      Comment: 'idempotent: a re-run after the promotion goes straight to waiting',
      Choices: [
        {
          And: [
            { Variable: '$.checks.writers[0]', IsPresent: true },
            { Variable: '$.checks.writers[0]', StringEqualsPath: '$.targetCluster.arn' },
          ],
          Next: next,
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
          Next: next,
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
      next,
    ),
    'promote/Failover': task(
      'promote',
      SDK('rds', 'failoverGlobalCluster'),
      {
        'GlobalClusterIdentifier.$': '$.globalCluster',
        'TargetDbClusterIdentifier.$': '$.targetCluster.arn',
        AllowDataLoss: true,
      },
      next,
    ),
  }),
};

/** Polls the global cluster until the target is its available writer, at most `timing.maxPolls` times. */
const waitForWriter: StepStates = {
  entry: 'wait-for-writer/Start',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
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
          Next: next,
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
    'wait-for-writer/TimedOut': failStep(
      'wait-for-writer',
      'DR.WriterTimeout',
      'the new writer was not available within timing.maxPolls polls',
    ),
  }),
};

const fenceDatabase: StepStates = {
  entry: 'fence-database/ExecuteStatement',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
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
      next,
    ),
  }),
};

const shiftTraffic: StepStates = {
  entry: 'shift-traffic/WaitForHealthChecks',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
    'shift-traffic/WaitForHealthChecks': {
      Type: 'Wait',
      Comment:
        'No Route 53 call (its control plane lives in us-east-1): the old region answers 503 on /health now, so the health checks move DNS',
      SecondsPath: '$.timing.dnsShiftSeconds',
      Next: next,
    },
  }),
};

const enableNewPrimary: StepStates = {
  entry: 'enable-new-primary/EnableMapping',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
    'enable-new-primary/EnableMapping': task(
      'enable-new-primary',
      SDK('lambda', 'updateEventSourceMapping'),
      { 'UUID.$': '$.mapping.uuid', Enabled: true },
      next,
    ),
  }),
};

/** Reads back the mapping, active-region and writer, and goes on only when all three say `to`. */
const verify: StepStates = {
  entry: 'verify/Mapping',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
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
          Next: next,
        },
      ],
      Default: 'verify/Mismatch',
    },
    'verify/Mismatch': failStep(
      'verify',
      'DR.VerifyFailed',
      'after the failover the writer, active-region or event source mapping is not what it should be',
    ),
  }),
};

const emitEvent: StepStates = {
  entry: 'emit-event/PutEvents',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
    'emit-event/PutEvents': task('emit-event', PUT_EVENTS, event('Succeeded'), 'emit-event/Audit'),
    'emit-event/Audit': task(
      'emit-event',
      SDK('s3', 'putObject'),
      auditObject(STATE_MACHINE_AUDIT.succeeded),
      next,
    ),
  }),
};

const releaseLease: StepStates = {
  entry: 'release-lease/DeleteItem',
  onFailure: 'failure/Event',
  states: (_context, next) => ({
    'release-lease/DeleteItem': {
      ...task('release-lease', DDB('deleteItem'), releaseLeaseParameters(), next),
      // Not holding it any more (expired and taken over) is not a failed failover.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.releaseError', Next: next }],
    },
  }),
};

/** Every step's states. Which run, in which order and on which path is `STEPS`' business. */
export const STEP_STATES: Readonly<Record<StepId, StepStates>> = {
  'take-lease': takeLease,
  'fence-old-primary': fenceOldPrimary,
  'pre-checks': preChecks,
  'fence-surviving-region': fenceSurvivingRegion,
  promote,
  'wait-for-writer': waitForWriter,
  'fence-database': fenceDatabase,
  'shift-traffic': shiftTraffic,
  'enable-new-primary': enableNewPrimary,
  verify,
  'emit-event': emitEvent,
  'release-lease': releaseLease,
};
