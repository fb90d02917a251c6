/**
 * Runs a Lambda on a schedule from the default event bus (the readiness check, hourly),
 * with the permission that lets EventBridge invoke it.
 */
import type * as CloudwatchEventRuleModule from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import type * as CloudwatchEventTargetModule from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import type * as LambdaPermissionModule from '@cdktf/provider-aws/lib/lambda-permission/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { InvalidPropsError, requireNonEmpty } from './validate.js';

const { CloudwatchEventRule } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js',
) as typeof CloudwatchEventRuleModule;
type CloudwatchEventRule = CloudwatchEventRuleModule.CloudwatchEventRule;
const { CloudwatchEventTarget } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js',
) as typeof CloudwatchEventTargetModule;
const { LambdaPermission } = requireCjs(
  '@cdktf/provider-aws/lib/lambda-permission/index.js',
) as typeof LambdaPermissionModule;

export interface ScheduledInvocationProps {
  readonly ruleName: string;
  /** `rate(...)` or `cron(...)`. @default 'rate(1 hour)' */
  readonly schedule?: string;
  readonly functionName: string;
  readonly functionArn: string;
}

export class ScheduledInvocation extends Construct {
  readonly rule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: ScheduledInvocationProps) {
    super(scope, id);
    requireNonEmpty('ScheduledInvocation', 'ruleName', props.ruleName);
    const schedule = props.schedule ?? 'rate(1 hour)';
    if (!/^(rate|cron)\(.+\)$/.test(schedule)) {
      throw new InvalidPropsError('ScheduledInvocation', 'schedule', schedule, 'rate(...) or cron(...)');
    }
    this.rule = new CloudwatchEventRule(this, 'rule', {
      name: props.ruleName,
      description: `Invokes ${props.ruleName} on ${schedule}`,
      scheduleExpression: schedule,
    });
    new CloudwatchEventTarget(this, 'target', {
      rule: this.rule.name,
      targetId: 'function',
      arn: props.functionArn,
      // A missed run is made up by the next one: retry briefly, then drop.
      retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 900 },
    });
    new LambdaPermission(this, 'invoke', {
      statementId: 'AllowEventBridgeSchedule',
      action: 'lambda:InvokeFunction',
      functionName: props.functionName,
      principal: 'events.amazonaws.com',
      sourceArn: this.rule.arn,
    });
  }
}
