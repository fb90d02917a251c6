/**
 * The automatic failover trigger of one region: the schedule that starts a watch period
 * of the failover-watchdog Lambda every minute, and the least-privilege statements its
 * code needs (src/core/failover/watchdog.ts). Everything it may touch is in its own
 * region: it reads SSM and its Aurora cluster, takes the lease, starts (and looks for
 * running executions of) its own region's failover machine, and notifies its own topic
 * and bus. The other region is reached only through the public /health URL.
 *
 * Both regions deploy it; which copy acts is decided at run time from `active-region`.
 */
import { Construct } from 'constructs';
import { ScheduledInvocation } from './scheduled-invocation.js';
import { arn, type ArnContext, type Statement } from './policy.js';
import { requireNonEmpty } from './validate.js';

export interface FailoverWatchdogStatementsProps {
  readonly arnContext: ArnContext;
  readonly region: string;
  /** `/<app>-<env>`: the SSM path prefix. */
  readonly ssmPrefix: string;
  /** This region's Aurora member cluster identifier (planning reads its ARN). */
  readonly dbClusterIdentifier: string;
  readonly failoverStateMachineArn: string;
  /** Name of this region's failover machine (execution ARNs are not attributes). */
  readonly failoverStateMachineName: string;
  readonly leaseTableName: string;
  readonly alarmTopicArn: string;
  readonly eventBusArn: string;
}

/** What the watchdog's execution role may do beyond logs, X-Ray, the key and the DLQ. */
export function failoverWatchdogStatements(props: FailoverWatchdogStatementsProps): Statement[] {
  const { arnContext: ctx, region } = props;
  return [
    {
      // auto-failover, active-region, epoch and the regional settings the plan reads.
      sid: 'ReadDrParameters',
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      resources: [
        arn(ctx, 'ssm', region, `parameter${props.ssmPrefix}`),
        arn(ctx, 'ssm', region, `parameter${props.ssmPrefix}/*`),
      ],
    },
    {
      sid: 'DescribeOwnCluster',
      actions: ['rds:DescribeDBClusters'],
      resources: [arn(ctx, 'rds', region, `cluster:${props.dbClusterIdentifier}`)],
    },
    {
      sid: 'StartOwnFailover',
      actions: ['states:StartExecution', 'states:ListExecutions'],
      resources: [props.failoverStateMachineArn],
    },
    {
      sid: 'ReadOwnFailoverExecutions',
      actions: ['states:DescribeExecution'],
      resources: [arn(ctx, 'states', region, `execution:${props.failoverStateMachineName}:*`)],
    },
    {
      // The conditional write on this region's replica of the lease table.
      sid: 'TakeLease',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      resources: [arn(ctx, 'dynamodb', region, `table/${props.leaseTableName}`)],
    },
    { sid: 'AskForApproval', actions: ['sns:Publish'], resources: [props.alarmTopicArn] },
    { sid: 'EmitDrEvent', actions: ['events:PutEvents'], resources: [props.eventBusArn] },
  ];
}

export interface FailoverWatchdogProps {
  readonly ruleName: string;
  /** @default 'rate(1 minute)' */
  readonly schedule?: string;
  readonly functionName: string;
  readonly functionArn: string;
}

export class FailoverWatchdog extends Construct {
  readonly schedule: ScheduledInvocation;

  constructor(scope: Construct, id: string, props: FailoverWatchdogProps) {
    super(scope, id);
    requireNonEmpty('FailoverWatchdog', 'functionName', props.functionName);
    this.schedule = new ScheduledInvocation(this, 'schedule', {
      ruleName: props.ruleName,
      schedule: props.schedule ?? 'rate(1 minute)',
      functionName: props.functionName,
      functionArn: props.functionArn,
    });
  }
}
