/**
 * Where failed asynchronous Lambda invocations go (the scheduled readiness check after
 * its retries): an SQS queue encrypted with the regional key, TLS-only, kept 14 days.
 * Synchronous callers (API Gateway) and the SQS event source never use it; the orders
 * queue has its own DLQ.
 */
import type * as SqsQueueModule from '@cdktf/provider-aws/lib/sqs-queue/index.js';
import type * as SqsQueuePolicyModule from '@cdktf/provider-aws/lib/sqs-queue-policy/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { denyInsecureTransport, policyDocument } from './policy.js';
import { requireNonEmpty } from './validate.js';

const { SqsQueue } = requireCjs('@cdktf/provider-aws/lib/sqs-queue/index.js') as typeof SqsQueueModule;
type SqsQueue = SqsQueueModule.SqsQueue;
const { SqsQueuePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/sqs-queue-policy/index.js',
) as typeof SqsQueuePolicyModule;

export interface FailureQueueProps {
  readonly queueName: string;
  readonly kmsKeyArn: string;
}

export class FailureQueue extends Construct {
  readonly queue: SqsQueue;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    requireNonEmpty('FailureQueue', 'queueName', props.queueName);
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      messageRetentionSeconds: 14 * 24 * 60 * 60,
      kmsMasterKeyId: props.kmsKeyArn,
      kmsDataKeyReusePeriodSeconds: 300,
    });
    this.arn = this.queue.arn;
    new SqsQueuePolicy(this, 'policy', {
      queueUrl: this.queue.url,
      policy: policyDocument([denyInsecureTransport(['sqs:*'], [this.queue.arn])], 'failure queue policy'),
    });
  }
}
