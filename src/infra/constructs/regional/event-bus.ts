/**
 * The region's DR event bus. The global stack forwards its critical events to the other
 * region's bus; here, a rule on the default bus copies the state changes of this
 * region's alarms onto it, so one rule per direction can forward everything that matters.
 * A rule that targets another event bus needs a role even in the same account and region
 * (EventBridge user guide, "Sending events between event buses in the same account and
 * Region"): one role, allowed nothing but `events:PutEvents` on this bus, assumable only
 * for this rule.
 */
import type * as CloudwatchEventBusModule from '@cdktf/provider-aws/lib/cloudwatch-event-bus/index.js';
import type * as CloudwatchEventRuleModule from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import type * as CloudwatchEventTargetModule from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { policyDocument } from './policy.js';
import { InvalidPropsError } from './validate.js';

const { CloudwatchEventBus } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-event-bus/index.js',
) as typeof CloudwatchEventBusModule;
type CloudwatchEventBus = CloudwatchEventBusModule.CloudwatchEventBus;
const { CloudwatchEventRule } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js',
) as typeof CloudwatchEventRuleModule;
const { CloudwatchEventTarget } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js',
) as typeof CloudwatchEventTargetModule;
const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;

export interface DrEventBusProps {
  readonly busName: string;
  /** Alarms whose state changes are copied onto the bus. @default - none (no rule) */
  readonly alarmArns?: readonly string[];
  /**
   * The role the copying rule delivers with (required with `alarmArns`): its name and the
   * account it serves (the trust names the rule and the account).
   * @default - none (no rule, no role)
   */
  readonly deliveryRole?: { readonly name: string; readonly accountId: string };
}

export class DrEventBus extends Construct {
  readonly bus: CloudwatchEventBus;
  readonly name: string;
  readonly arn: string;
  /** The role the alarm-copying rule delivers with (undefined without alarms). */
  readonly deliveryRole?: IamRole;

  constructor(scope: Construct, id: string, props: DrEventBusProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9._-]{1,256}$/.test(props.busName) || props.busName === 'default') {
      throw new InvalidPropsError(
        'DrEventBus',
        'busName',
        props.busName,
        'a custom bus name (letters, digits, . _ -), not "default"',
      );
    }
    this.bus = new CloudwatchEventBus(this, 'bus', {
      name: props.busName,
      description: 'Disaster-recovery events of this region (alarms, failover progress)',
    });
    this.name = this.bus.name;
    this.arn = this.bus.arn;

    const alarmArns = props.alarmArns ?? [];
    if (alarmArns.length === 0) return;
    if (!props.deliveryRole) {
      throw new InvalidPropsError(
        'DrEventBus',
        'deliveryRole',
        undefined,
        'a role name and account id whenever alarmArns is given (a rule targeting an event bus needs a role)',
      );
    }
    const rule = new CloudwatchEventRule(this, 'alarm-state-changes', {
      name: `${props.busName}-alarms`,
      description: 'Copies state changes of the DR alarms onto the DR bus',
      eventPattern: JSON.stringify({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [...alarmArns],
      }),
    });
    this.deliveryRole = new IamRole(this, 'delivery-role', {
      name: props.deliveryRole.name,
      description: 'EventBridge: copies the DR alarms state changes from the default bus onto the DR bus',
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': props.deliveryRole.accountId },
              ArnEquals: { 'aws:SourceArn': rule.arn },
            },
          },
        ],
      }),
    });
    const policy = new IamRolePolicy(this, 'delivery-policy', {
      role: this.deliveryRole.name,
      name: 'put-events-on-dr-bus',
      policy: policyDocument(
        // PutEvents: the target delivery onto this bus, nothing else.
        [{ sid: 'PutOnDrBus', actions: ['events:PutEvents'], resources: [this.bus.arn] }],
        `DrEventBus ${props.deliveryRole.name}`,
      ),
    });
    new CloudwatchEventTarget(this, 'to-dr-bus', {
      rule: rule.name,
      targetId: 'dr-bus',
      arn: this.bus.arn,
      roleArn: this.deliveryRole.arn,
      dependsOn: [policy],
    });
  }
}
