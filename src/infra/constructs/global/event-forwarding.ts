/**
 * Forwards a region's critical events to the other region's DR bus: the platform's
 * own `dr.*` events (failover, readiness, lease) from its custom bus, and CloudWatch
 * alarm state changes of the platform's alarms (AWS delivers those to the default bus
 * only, hence a second rule there). One IAM role per direction, allowed nothing but
 * `events:PutEvents` on the target bus.
 *
 * No ping-pong: a forwarded event keeps the `region` it was first put in, and both
 * rules match only events of their own region, so the other side never sends it back.
 */
import type { TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as CloudwatchEventRuleModule from '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js';
import type * as CloudwatchEventTargetModule from '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js';
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import { policyDocument, serviceTrustPolicy } from './policy.js';
import { requireCjs } from '../../cjs.js';

const { CloudwatchEventRule } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-event-rule/index.js',
) as typeof CloudwatchEventRuleModule;
type CloudwatchEventRule = CloudwatchEventRuleModule.CloudwatchEventRule;
const { CloudwatchEventTarget } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-event-target/index.js',
) as typeof CloudwatchEventTargetModule;
type CloudwatchEventTarget = CloudwatchEventTargetModule.CloudwatchEventTarget;
const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
type IamRole = IamRoleModule.IamRole;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;
type IamRolePolicy = IamRolePolicyModule.IamRolePolicy;

export interface EventForwardingProps {
  /** Provider of the source region. */
  readonly provider: TerraformProvider;
  readonly sourceRegion: string;
  readonly accountId: string;
  /** Name of the source region's DR bus. */
  readonly sourceBusName: string;
  /** ARN of the other region's DR bus. */
  readonly targetBusArn: string;
  readonly roleName: string;
  readonly drEventsRuleName: string;
  readonly alarmsRuleName: string;
  /**
   * Prefixes of the `source` of events to forward from the DR bus.
   * @default - `['dr.']`
   */
  readonly sourcePrefixes?: readonly string[];
  /** Only alarms whose name starts with this are forwarded (the platform's prefix). */
  readonly alarmNamePrefix: string;
}

function validate(props: EventForwardingProps): void {
  const prefixes = props.sourcePrefixes;
  if (prefixes !== undefined && (prefixes.length === 0 || prefixes.some((p) => p.length === 0))) {
    throw new Error('EventForwarding: sourcePrefixes must be non-empty prefixes such as "dr."');
  }
  if (props.alarmNamePrefix.length === 0) {
    throw new Error(
      'EventForwarding: alarmNamePrefix must not be empty (it would forward every alarm of the account)',
    );
  }
  if (props.drEventsRuleName === props.alarmsRuleName) {
    throw new Error(
      `EventForwarding: the two rules need different names, both are ${props.drEventsRuleName}`,
    );
  }
}

export class EventForwarding extends Construct {
  public readonly role: IamRole;
  public readonly drEventsRule: CloudwatchEventRule;
  public readonly alarmsRule: CloudwatchEventRule;

  constructor(scope: Construct, id: string, props: EventForwardingProps) {
    super(scope, id);
    validate(props);
    const { provider } = props;

    this.drEventsRule = new CloudwatchEventRule(this, 'dr-events-rule', {
      provider,
      name: props.drEventsRuleName,
      eventBusName: props.sourceBusName,
      description: `Forward the platform's critical events from ${props.sourceRegion} to the other region`,
      eventPattern: JSON.stringify({
        source: [
          ...(props.sourcePrefixes ?? ['dr.']).map((prefix) => ({ prefix })),
          // Alarm state changes that something re-published on the DR bus.
          'aws.cloudwatch',
        ],
        region: [props.sourceRegion],
      }),
    });
    this.alarmsRule = new CloudwatchEventRule(this, 'alarms-rule', {
      provider,
      name: props.alarmsRuleName,
      description: `Forward the platform's alarm state changes from ${props.sourceRegion} to the other region`,
      eventPattern: JSON.stringify({
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        region: [props.sourceRegion],
        detail: { alarmName: [{ prefix: props.alarmNamePrefix }] },
      }),
    });

    this.role = new IamRole(this, 'role', {
      provider,
      name: props.roleName,
      assumeRolePolicy: serviceTrustPolicy('events.amazonaws.com', {
        sourceAccount: props.accountId,
        sourceArns: [this.drEventsRule.arn, this.alarmsRule.arn],
      }),
    });
    new IamRolePolicy(this, 'policy', {
      provider,
      role: this.role.name,
      name: 'put-events-on-target-bus',
      policy: policyDocument(
        [{ sid: 'PutOnTargetBus', actions: ['events:PutEvents'], resources: [props.targetBusArn] }],
        `EventForwarding ${props.roleName}`,
      ),
    });

    for (const [targetId, rule] of [
      ['dr-events-target', this.drEventsRule],
      ['alarms-target', this.alarmsRule],
    ] as const) {
      new CloudwatchEventTarget(this, targetId, {
        provider,
        rule: rule.name,
        eventBusName: rule.eventBusName,
        targetId: 'other-region-bus',
        arn: props.targetBusArn,
        roleArn: this.role.arn,
      });
    }
  }
}
