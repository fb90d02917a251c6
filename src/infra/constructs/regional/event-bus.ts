/**
 * The region's DR event bus. The global stack forwards its critical events to the other
 * region's bus; here, a rule on the default bus copies the state changes of this
 * region's alarms onto it, so one rule per direction can forward everything that matters.
 */
import type * as CloudwatchEventBusModule from '@cdktf/provider-aws/lib/cloudwatch-event-bus/index.js';
import type * as CloudwatchEventRuleModule from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import type * as CloudwatchEventTargetModule from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
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

export interface DrEventBusProps {
  readonly busName: string;
  /** Alarms whose state changes are copied onto the bus. @default - none (no rule) */
  readonly alarmArns?: readonly string[];
}

export class DrEventBus extends Construct {
  readonly bus: CloudwatchEventBus;
  readonly name: string;
  readonly arn: string;

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
    const rule = new CloudwatchEventRule(this, 'alarm-state-changes', {
      name: `${props.busName}-alarms`,
      description: 'Copies state changes of the DR alarms onto the DR bus',
      eventPattern: JSON.stringify({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [...alarmArns],
      }),
    });
    // Same account and region: an event-bus target needs no role.
    new CloudwatchEventTarget(this, 'to-dr-bus', { rule: rule.name, targetId: 'dr-bus', arn: this.bus.arn });
  }
}
