/**
 * The orders queue and its dead-letter queue, both encrypted with the regional key. A
 * message the trade processor fails `maxReceiveCount` times moves to the DLQ (which
 * the DLQ-depth alarm watches) and stays there 14 days for a person to look at.
 */
import type * as SqsQueueModule from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import type * as SqsQueuePolicyModule from '@cdktf/provider-aws/lib/sqs-queue-policy/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { denyInsecureTransport, policyDocument, type Statement } from './policy.js';
import { InvalidPropsError, requireInt } from './validate.js';

const { SqsQueue } = requireCjs('@cdktf/provider-aws/lib/sqs-queue/index.js') as typeof SqsQueueModule;
type SqsQueue = SqsQueueModule.SqsQueue;
const { SqsQueuePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/sqs-queue-policy/index.js',
) as typeof SqsQueuePolicyModule;
type SqsQueuePolicy = SqsQueuePolicyModule.SqsQueuePolicy;

const DAY = 24 * 60 * 60;

export interface OrderQueueProps {
  readonly queueName: string;
  readonly dlqName: string;
  readonly kmsKeyArn: string;
  /** Receives before a message moves to the DLQ. @default 5 */
  readonly maxReceiveCount?: number;
  /** Seconds a received message stays invisible; ≥ 6 × the consumer's timeout (AWS guidance). @default 180 */
  readonly visibilityTimeoutSeconds?: number;
  /** Seconds the orders queue keeps a message. @default 4 days */
  readonly retentionSeconds?: number;
  /** Seconds the DLQ keeps a message (SQS maximum: 14 days). @default 14 days */
  readonly dlqRetentionSeconds?: number;
}

export class OrderQueue extends Construct {
  readonly queue: SqsQueue;
  readonly dlq: SqsQueue;
  private policy?: SqsQueuePolicy;

  constructor(scope: Construct, id: string, props: OrderQueueProps) {
    super(scope, id);
    const maxReceiveCount = requireInt('OrderQueue', 'maxReceiveCount', props.maxReceiveCount ?? 5, 1, 1000);
    const visibility = requireInt(
      'OrderQueue',
      'visibilityTimeoutSeconds',
      props.visibilityTimeoutSeconds ?? 180,
      0,
      43200,
    );
    const retention = requireInt(
      'OrderQueue',
      'retentionSeconds',
      props.retentionSeconds ?? 4 * DAY,
      60,
      14 * DAY,
    );
    const dlqRetention = requireInt(
      'OrderQueue',
      'dlqRetentionSeconds',
      props.dlqRetentionSeconds ?? 14 * DAY,
      60,
      14 * DAY,
    );
    if (dlqRetention < retention) {
      // SQS keeps a message's original enqueue time: a shorter DLQ retention drops it early.
      throw new InvalidPropsError(
        'OrderQueue',
        'dlqRetentionSeconds',
        dlqRetention,
        `at least retentionSeconds (${retention})`,
      );
    }
    const encryption = { kmsMasterKeyId: props.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 };

    this.dlq = new SqsQueue(this, 'dlq', {
      name: props.dlqName,
      messageRetentionSeconds: dlqRetention,
      ...encryption,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      visibilityTimeoutSeconds: visibility,
      messageRetentionSeconds: retention,
      receiveWaitTimeSeconds: 20,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.dlq.arn, maxReceiveCount }),
      ...encryption,
    });
    new SqsQueuePolicy(this, 'dlq-policy', {
      queueUrl: this.dlq.url,
      policy: policyDocument([denyInsecureTransport(['sqs:*'], [this.dlq.arn])], 'DLQ policy'),
    });
  }

  /** The queue policy: only `senderRoleArns` may send, and only over TLS. Call once. */
  allowSendFrom(senderRoleArns: readonly string[]): SqsQueuePolicy {
    if (this.policy)
      throw new Error('OrderQueue: allowSendFrom was already called; pass every sender at once');
    if (senderRoleArns.length === 0) {
      throw new InvalidPropsError('OrderQueue', 'senderRoleArns', senderRoleArns, 'at least one role ARN');
    }
    const statements: Statement[] = [
      {
        sid: 'SendOrders',
        principal: { AWS: [...senderRoleArns] },
        actions: ['sqs:SendMessage'],
        resources: [this.queue.arn],
      },
      denyInsecureTransport(['sqs:*'], [this.queue.arn]),
    ];
    this.policy = new SqsQueuePolicy(this, 'queue-policy', {
      queueUrl: this.queue.url,
      policy: policyDocument(statements, 'orders queue policy'),
    });
    return this.policy;
  }
}
