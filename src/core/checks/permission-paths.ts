/**
 * The one written list of the AWS calls each DR actor makes on the failover and failback
 * paths (and the readiness reads that gate them), with the IAM action, the resources and
 * the request context each call carries. The permission check (./permissions.ts) asks IAM
 * whether each actor's role may make each call; the tests prove the list does not drift:
 * test/core/checks/permission-paths.test.ts compares it with the calls a traced failover and
 * failback make (the CLI's side) and with the Task states of the synthesized state-machine
 * definition (the machines' side).
 *
 * Actors: the operator (`dr failover`, `failback`, `verify-sync`, `status`), each region's
 * state-machine role, failover watchdog, readiness-check function and trade processor
 * (which must consume orders in the region failed over to).
 *
 * Implicit calls count: KMS calls a service makes with the caller's permissions (SSM
 * SecureStrings, S3 objects, Step Functions execution data, Secrets Manager) are listed
 * with the `kms:ViaService` (and encryption context) the service sends.
 *
 * Where a call's resource is named per run (an execution, an audit object, a canary item or
 * object), the list names a representative one, `readiness-probe`, under the same prefix the
 * code writes to: the grants are scoped by that prefix.
 *
 * Left out, by decision: `dr status`'s `route53:GetHealthCheckStatus` and
 * `route53:ListResourceRecordSets`, scoped to ids Route 53 assigns (health checks, the zone)
 * that neither naming nor SSM carries; status is not on the failover path, and Route 53's
 * control plane is not called by it (DESIGN.md).
 */
import { AUDIT_PREFIX, STATE_MACHINE_AUDIT, auditKey } from '../../contract/audit.js';
import { Naming } from '../../contract/naming.js';

export type Actor =
  'operator' | 'state-machine' | 'failover-watchdog' | 'readiness-check' | 'trade-processor';

export interface RequiredCall {
  readonly actor: Actor;
  /** The role's name (the ARN is `arn:<partition>:iam::<account>:role/<role>`). */
  readonly role: string;
  /** IAM action, e.g. `ssm:GetParameter`. */
  readonly action: string;
  readonly resources: readonly string[];
  /** Request context: `aws:RequestedRegion` always, the service's condition keys where it sends them. */
  readonly context: Readonly<Record<string, string>>;
  /** What makes the call, e.g. `verify-sync readCodeSha`. */
  readonly by: string;
}

/** What IAM, SSM and the functions tell the check about one region (ids naming cannot know). */
export interface RegionTargets {
  readonly region: string;
  /** The region's customer-managed key (its functions' `KMSKeyArn`). */
  readonly kmsKeyArn: string;
  /** The trade processor's SQS event source mapping (SSM `regional/event-source-mapping-uuid`). */
  readonly eventSourceMappingUuid: string;
  /** The fence writer's secret in that region (SSM `regional/db-fence-secret-arn`). */
  readonly fenceSecretArn: string;
  /** The application user's secret in that region (SSM `regional/db-secret-arn`). */
  readonly appSecretArn: string;
}

export interface PathTargets {
  readonly partition: string;
  readonly accountId: string;
  readonly regions: readonly RegionTargets[];
}

/** Global control planes (IAM, Route 53) are signed for, and requested in, us-east-1. */
export const GLOBAL_SERVICE_REGION = 'us-east-1';

/** Every actor's role name, by region where the role is regional. */
export function roleNames(
  naming: Naming,
): { operator: string } & Record<Exclude<Actor, 'operator'>, (region: string) => string> {
  return {
    operator: naming.role('operator'),
    'state-machine': (r) => naming.role('dr-state-machines', r),
    'failover-watchdog': (r) => naming.role('failover-watchdog-exec', r),
    'readiness-check': (r) => naming.role('readiness-check-exec', r),
    'trade-processor': (r) => naming.role('trade-processor-exec', r),
  };
}

export function roleArn(t: Pick<PathTargets, 'partition' | 'accountId'>, role: string): string {
  return `arn:${t.partition}:iam::${t.accountId}:role/${role}`;
}

/** Every DR role's ARN (what the operator's and the readiness function's simulation grant names). */
export function drRoleArns(naming: Naming, t: Pick<PathTargets, 'partition' | 'accountId'>): string[] {
  const roles = roleNames(naming);
  const regions = [naming.regionOf('primary'), naming.regionOf('secondary')];
  return [
    roleArn(t, roles.operator),
    ...(['state-machine', 'failover-watchdog', 'readiness-check', 'trade-processor'] as const).flatMap((a) =>
      regions.map((r) => roleArn(t, roles[a](r))),
    ),
  ];
}

/** ARN builders for one account. */
function arns(naming: Naming, t: PathTargets) {
  const a = (service: string, region: string, resource: string) =>
    `arn:${t.partition}:${service}:${region}:${t.accountId}:${resource}`;
  return {
    parameter: (r: string, name: string) => a('ssm', r, `parameter${name}`),
    globalCluster: () => `arn:${t.partition}:rds::${t.accountId}:global-cluster:${naming.globalCluster()}`,
    cluster: (r: string) => a('rds', r, `cluster:${naming.dbCluster(r)}`),
    table: (r: string, name: string) => a('dynamodb', r, `table/${name}`),
    fn: (r: string, name: string) => a('lambda', r, `function:${name}`),
    mapping: (r: string, uuid: string) => a('lambda', r, `event-source-mapping:${uuid}`),
    bucket: (name: string) => `arn:${t.partition}:s3:::${name}`,
    machine: (r: string, kind: 'failover' | 'failback') =>
      a('states', r, `stateMachine:${naming.stateMachine(r, kind)}`),
    execution: (r: string, kind: 'failover' | 'failback') =>
      a('states', r, `execution:${naming.stateMachine(r, kind)}:readiness-probe`),
    bus: (r: string) => a('events', r, `event-bus/${naming.eventBus(r)}`),
    queue: (r: string, name: string) => a('sqs', r, name),
    alarm: (r: string, name: string) => a('cloudwatch', r, `alarm:${name}`),
    topic: (r: string) => a('sns', r, naming.alarmTopic(r)),
  };
}

const ALARMS = ['replication-lag', 'lambda-errors', 'api-latency-p99', 'dlq-depth'] as const;

/** The list: every call of every actor, for both regions. */
export function requiredCalls(naming: Naming, t: PathTargets): RequiredCall[] {
  const arn = arns(naming, t);
  const roles = roleNames(naming);
  const regions = t.regions.map((r) => r.region);
  const target = (region: string): RegionTargets => {
    const found = t.regions.find((r) => r.region === region);
    if (!found) throw new Error(`no targets for ${region}`);
    return found;
  };
  const calls: RequiredCall[] = [];
  const add = (
    actor: Actor,
    role: string,
    region: string,
    by: string,
    actions: readonly string[],
    resources: readonly string[],
    context: Readonly<Record<string, string>> = {},
  ) => {
    for (const action of actions) {
      calls.push({
        actor,
        role,
        action,
        resources,
        context: { 'aws:RequestedRegion': region, ...context },
        by,
      });
    }
  };
  const via = (service: string, region: string) => ({
    'kms:ViaService': `${service}.${region}.amazonaws.com`,
  });
  const key = (r: string) => [target(r).kmsKeyArn];
  const prefix = naming.ssmPrefix();
  const fencing = (r: string) => [
    arn.parameter(r, naming.ssmActiveRegion()),
    arn.parameter(r, naming.ssmEpoch()),
  ];

  /** The shared sync checks (src/core/checks/index.ts), run by verify-sync and the readiness function. */
  const syncChecks = (actor: Actor, role: string) => {
    const primary = naming.regionOf('primary');
    add(
      actor,
      role,
      primary,
      'sync checks readGlobalCluster',
      ['rds:DescribeGlobalClusters'],
      [arn.globalCluster()],
    );
    for (const r of regions) {
      add(
        actor,
        role,
        r,
        'sync checks readParameters',
        ['ssm:GetParametersByPath'],
        [arn.parameter(r, prefix)],
      );
      add(
        actor,
        role,
        r,
        'sync checks readParameters (SecureString)',
        ['kms:Decrypt'],
        key(r),
        via('ssm', r),
      );
      add(actor, role, r, 'sync checks readCluster', ['rds:DescribeDBClusters'], [arn.cluster(r)]);
      add(actor, role, r, 'sync checks readLatest (metrics)', ['cloudwatch:GetMetricData'], ['*']);
      add(
        actor,
        role,
        r,
        'sync checks readTable/readPitr',
        ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups'],
        [arn.table(r, naming.sessionsTable()), arn.table(r, naming.leaseTable())],
      );
      add(
        actor,
        role,
        r,
        'sync checks readReplicationRules',
        ['s3:GetReplicationConfiguration'],
        [arn.bucket(naming.bucket(r, 'config')), arn.bucket(naming.bucket(r, 'audit-logs'))],
      );
      add(
        actor,
        role,
        r,
        'sync checks readCodeSha; permission check key lookup',
        ['lambda:GetFunction'],
        Naming.functions.map((fn) => arn.fn(r, naming.lambda(r, fn))),
      );
      add(
        actor,
        role,
        r,
        'sync checks readAlarms',
        ['cloudwatch:DescribeAlarms'],
        ALARMS.map((what) => arn.alarm(r, naming.alarm(r, what))),
      );
      add(actor, role, r, 'sync checks readMappings', ['lambda:ListEventSourceMappings'], ['*']);
      // The canaries write in the active region and read in the other: either way round.
      add(
        actor,
        role,
        r,
        'sync checks dynamoCanary',
        ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem'],
        [arn.table(r, naming.sessionsTable())],
        { 'dynamodb:LeadingKeys': `${Naming.canaryItemPrefix}readiness-probe` },
      );
      add(
        actor,
        role,
        r,
        'sync checks s3Canary (PutObject, HeadObject, DeleteObject with VersionId)',
        ['s3:PutObject', 's3:GetObject', 's3:DeleteObjectVersion'],
        [`${arn.bucket(naming.bucket(r, 'config'))}/${Naming.canaryObjectPrefix}readiness-probe`],
      );
      add(
        actor,
        role,
        r,
        'sync checks s3Canary (SSE-KMS object)',
        ['kms:GenerateDataKey', 'kms:Decrypt'],
        key(r),
        via('s3', r),
      );
    }
    // The permission check itself: IAM is homed in us-east-1.
    add(
      actor,
      role,
      GLOBAL_SERVICE_REGION,
      'permission check (SimulatePrincipalPolicy)',
      ['iam:SimulatePrincipalPolicy'],
      drRoleArns(naming, t),
    );
  };

  // ---- the operator: dr verify-sync, status, failover, failback -----------------------
  const op = roles.operator;
  syncChecks('operator', op);
  for (const r of regions) {
    const machines = (['failover', 'failback'] as const).map((k) => arn.machine(r, k));
    const executions = (['failover', 'failback'] as const).map((k) => arn.execution(r, k));
    add('operator', op, r, 'plan readParameters, position', ['ssm:GetParameter'], fencing(r));
    // The global cluster is read from whichever region answers (position, failback readiness).
    add('operator', op, r, 'position, readMembership', ['rds:DescribeGlobalClusters'], [arn.globalCluster()]);
    add(
      'operator',
      op,
      r,
      'lease (take, read, release)',
      ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'],
      [arn.table(r, naming.leaseTable())],
    );
    add(
      'operator',
      op,
      r,
      'execution startExecution/findRunning',
      ['states:StartExecution', 'states:ListExecutions'],
      machines,
    );
    add(
      'operator',
      op,
      r,
      'execution follow (describeExecution, getExecutionHistory)',
      ['states:DescribeExecution', 'states:GetExecutionHistory'],
      executions,
    );
    for (const machine of machines) {
      add(
        'operator',
        op,
        r,
        'execution data of the encrypted machine',
        ['kms:GenerateDataKey', 'kms:Decrypt'],
        key(r),
        { ...via('states', r), 'kms:EncryptionContext:aws:states:stateMachineArn': machine },
      );
    }
    add(
      'operator',
      op,
      r,
      'fence-returned readMapping',
      ['lambda:GetEventSourceMapping'],
      [arn.mapping(r, target(r).eventSourceMappingUuid)],
    );
    add(
      'operator',
      op,
      r,
      'status queue depths',
      ['sqs:GetQueueAttributes'],
      [arn.queue(r, naming.ordersQueue(r)), arn.queue(r, naming.ordersDlq(r))],
    );
    add(
      'operator',
      op,
      r,
      'run writeAudit',
      ['s3:PutObject'],
      [`${arn.bucket(naming.bucket(r, 'audit-logs'))}/${AUDIT_PREFIX}/failover/readiness-probe.json`],
    );
  }
  add(
    'operator',
    op,
    GLOBAL_SERVICE_REGION,
    'status readHostedZoneId, readHealthChecks',
    ['route53:ListHostedZonesByName', 'route53:ListHealthChecks'],
    ['*'],
  );

  // ---- the state machines: each region's machine calls its own region only ------------
  for (const r of regions) {
    const sm = roles['state-machine'](r);
    const own = target(r);
    add(
      'state-machine',
      sm,
      r,
      'take-lease/UpdateItem, release-lease/DeleteItem',
      ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      [arn.table(r, naming.leaseTable())],
    );
    add(
      'state-machine',
      sm,
      r,
      'fence-old-primary/DisableMapping, enable-new-primary/EnableMapping',
      ['lambda:UpdateEventSourceMapping'],
      [arn.mapping(r, own.eventSourceMappingUuid)],
      { 'lambda:FunctionArn': arn.fn(r, naming.lambda(r, 'trade-processor')) },
    );
    add(
      'state-machine',
      sm,
      r,
      'verify/Mapping',
      ['lambda:GetEventSourceMapping'],
      [arn.mapping(r, own.eventSourceMappingUuid)],
    );
    add(
      'state-machine',
      sm,
      r,
      'fence-old-primary/ActiveRegion, Epoch (PutParameter)',
      ['ssm:PutParameter'],
      fencing(r),
    );
    add('state-machine', sm, r, 'verify/ActiveRegion (GetParameter)', ['ssm:GetParameter'], fencing(r));
    add(
      'state-machine',
      sm,
      r,
      'fencing SecureStrings (PutParameter with KeyId, GetParameter WithDecryption)',
      ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'],
      key(r),
      via('ssm', r),
    );
    add(
      'state-machine',
      sm,
      r,
      'promote/Switchover, promote/Failover, wait-for-writer, verify/Writer',
      ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster', 'rds:DescribeGlobalClusters'],
      [arn.globalCluster(), arn.cluster(r)],
    );
    add(
      'state-machine',
      sm,
      r,
      'fence-database/ExecuteStatement',
      ['rds-data:ExecuteStatement'],
      [arn.cluster(r)],
    );
    add(
      'state-machine',
      sm,
      r,
      'fence-database (Data API reads the secret)',
      ['secretsmanager:GetSecretValue'],
      [own.fenceSecretArn],
    );
    add(
      'state-machine',
      sm,
      r,
      'fence-database (secret decryption)',
      ['kms:Decrypt'],
      key(r),
      via('secretsmanager', r),
    );
    add('state-machine', sm, r, 'emit-event/PutEvents', ['events:PutEvents'], [arn.bus(r)]);
    add(
      'state-machine',
      sm,
      r,
      'emit-event/Audit',
      ['s3:PutObject'],
      [
        `${arn.bucket(naming.bucket(r, 'audit-logs'))}/${auditKey('failover', 'readiness-probe', STATE_MACHINE_AUDIT.succeeded)}`,
      ],
    );
    add(
      'state-machine',
      sm,
      r,
      'emit-event/Audit (SSE-KMS object)',
      ['kms:GenerateDataKey'],
      key(r),
      via('s3', r),
    );
  }

  // ---- the failover watchdog: its own region only -------------------------------------
  for (const r of regions) {
    const wd = roles['failover-watchdog'](r);
    add(
      'failover-watchdog',
      wd,
      r,
      'watchdog readParameters, plan',
      ['ssm:GetParameter', 'ssm:GetParametersByPath'],
      [arn.parameter(r, prefix), ...fencing(r), arn.parameter(r, naming.ssmShared('auto-failover'))],
    );
    add('failover-watchdog', wd, r, 'watchdog SecureStrings', ['kms:Decrypt'], key(r), via('ssm', r));
    add('failover-watchdog', wd, r, 'plan readCluster', ['rds:DescribeDBClusters'], [arn.cluster(r)]);
    add(
      'failover-watchdog',
      wd,
      r,
      'lease (read, take)',
      ['dynamodb:GetItem', 'dynamodb:PutItem'],
      [arn.table(r, naming.leaseTable())],
    );
    add(
      'failover-watchdog',
      wd,
      r,
      'startExecution/findRunning',
      ['states:StartExecution', 'states:ListExecutions'],
      [arn.machine(r, 'failover')],
    );
    add(
      'failover-watchdog',
      wd,
      r,
      'findRunning describeExecution',
      ['states:DescribeExecution'],
      [arn.execution(r, 'failover')],
    );
    add(
      'failover-watchdog',
      wd,
      r,
      'execution input of the encrypted machine',
      ['kms:GenerateDataKey'],
      key(r),
      {
        ...via('states', r),
        'kms:EncryptionContext:aws:states:stateMachineArn': arn.machine(r, 'failover'),
      },
    );
    add('failover-watchdog', wd, r, 'approval request', ['sns:Publish'], [arn.topic(r)]);
    add('failover-watchdog', wd, r, 'watchdog event', ['events:PutEvents'], [arn.bus(r)]);
  }

  // ---- the readiness function: the sync checks, then its metrics, event and report ----
  for (const r of regions) {
    const rc = roles['readiness-check'](r);
    syncChecks('readiness-check', rc);
    add('readiness-check', rc, r, 'readiness publish', ['cloudwatch:PutMetricData'], ['*'], {
      'cloudwatch:namespace': naming.metricsNamespace(),
    });
    add('readiness-check', rc, r, 'readiness announce', ['events:PutEvents'], [arn.bus(r)]);
    add(
      'readiness-check',
      rc,
      r,
      'readiness record',
      ['s3:PutObject'],
      [`${arn.bucket(naming.bucket(r, 'audit-logs'))}/readiness/${r}/readiness-probe.json`],
    );
    add(
      'readiness-check',
      rc,
      r,
      'readiness record (SSE-KMS object)',
      ['kms:GenerateDataKey'],
      key(r),
      via('s3', r),
    );
  }

  // ---- the trade processor: consumes orders wherever the mapping is enabled -----------
  for (const r of regions) {
    const tp = roles['trade-processor'](r);
    add(
      'trade-processor',
      tp,
      r,
      'SQS event source mapping (polls as the function)',
      ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      [arn.queue(r, naming.ordersQueue(r))],
    );
    add('trade-processor', tp, r, 'fence and settings (GetParameters)', ['ssm:GetParameters'], fencing(r));
    add('trade-processor', tp, r, 'SecureStrings', ['kms:Decrypt'], key(r), via('ssm', r));
    add(
      'trade-processor',
      tp,
      r,
      'database login (GetSecretValue)',
      ['secretsmanager:GetSecretValue'],
      [target(r).appSecretArn],
    );
    add(
      'trade-processor',
      tp,
      r,
      'database login (secret decryption)',
      ['kms:Decrypt'],
      key(r),
      via('secretsmanager', r),
    );
  }
  return calls;
}
