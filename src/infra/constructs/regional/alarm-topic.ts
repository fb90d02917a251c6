/**
 * The region's alarm topic (SNS, KMS-encrypted with the regional key) and, when the
 * config names one, an email subscription. The alarms of the region publish here.
 */
import type * as SnsTopicModule from '@cdktf/provider-aws/lib/sns-topic/index.js';
import type * as SnsTopicPolicyModule from '@cdktf/provider-aws/lib/sns-topic-policy/index.js';
import type * as SnsTopicSubscriptionModule from '@cdktf/provider-aws/lib/sns-topic-subscription/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { denyInsecureTransport, policyDocument } from './policy.js';
import { InvalidPropsError, requireNonEmpty } from './validate.js';

const { SnsTopic } = requireCjs('@cdktf/provider-aws/lib/sns-topic/index.js') as typeof SnsTopicModule;
type SnsTopic = SnsTopicModule.SnsTopic;
const { SnsTopicPolicy } = requireCjs(
  '@cdktf/provider-aws/lib/sns-topic-policy/index.js',
) as typeof SnsTopicPolicyModule;
const { SnsTopicSubscription } = requireCjs(
  '@cdktf/provider-aws/lib/sns-topic-subscription/index.js',
) as typeof SnsTopicSubscriptionModule;

export interface AlarmTopicProps {
  readonly topicName: string;
  readonly kmsKeyArn: string;
  readonly accountId: string;
  /** Address subscribed to the topic (it must confirm). @default - no subscription */
  readonly email?: string;
}

export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    requireNonEmpty('AlarmTopic', 'topicName', props.topicName);
    if (props.email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.email)) {
      throw new InvalidPropsError('AlarmTopic', 'email', props.email, 'an email address');
    }
    this.topic = new SnsTopic(this, 'topic', { name: props.topicName, kmsMasterKeyId: props.kmsKeyArn });
    this.arn = this.topic.arn;
    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyDocument(
        [
          {
            sid: 'CloudWatchAlarmsOfThisAccount',
            principal: { Service: 'cloudwatch.amazonaws.com' },
            actions: ['sns:Publish'],
            resources: [this.topic.arn],
            condition: { StringEquals: { 'aws:SourceAccount': props.accountId } },
          },
          denyInsecureTransport(['sns:Publish'], [this.topic.arn]),
        ],
        'alarm topic policy',
      ),
    });
    if (props.email) {
      new SnsTopicSubscription(this, 'email', {
        topicArn: this.topic.arn,
        protocol: 'email',
        endpoint: props.email,
      });
    }
  }
}
