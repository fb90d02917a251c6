/**
 * The SQS → Lambda event source mapping of the trade processor. Partial batch failures
 * are reported per message (`ReportBatchItemFailures`). In the secondary region it is
 * created disabled; failover and failback flip `enabled` at run time, so Terraform
 * ignores that attribute after creation and a re-deploy never flips it back.
 */
import type * as LambdaEventSourceMappingModule from '@cdktf/provider-aws/lib/lambda-event-source-mapping/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { requireInt } from './validate.js';

const { LambdaEventSourceMapping } = requireCjs(
  '@cdktf/provider-aws/lib/lambda-event-source-mapping/index.js',
) as typeof LambdaEventSourceMappingModule;
type LambdaEventSourceMapping = LambdaEventSourceMappingModule.LambdaEventSourceMapping;

export interface QueueTriggerProps {
  readonly queueArn: string;
  readonly functionName: string;
  /** Whether the mapping polls when created (true in the primary only). */
  readonly enabled: boolean;
  /** Messages per invocation (SQS standard queues: up to 10 000 with a window). @default 100 */
  readonly batchSize?: number;
  /** Seconds to gather a batch (required by SQS for batches above 10). @default 1 */
  readonly batchingWindowSeconds?: number;
  /** Most concurrent invocations this queue drives (2–1000). @default 20 */
  readonly maximumConcurrency?: number;
}

export class QueueTrigger extends Construct {
  readonly mapping: LambdaEventSourceMapping;

  constructor(scope: Construct, id: string, props: QueueTriggerProps) {
    super(scope, id);
    const batchSize = requireInt('QueueTrigger', 'batchSize', props.batchSize ?? 100, 1, 10000);
    const minWindow = batchSize > 10 ? 1 : 0;
    const window = requireInt(
      'QueueTrigger',
      'batchingWindowSeconds',
      props.batchingWindowSeconds ?? 1,
      minWindow,
      300,
    );
    const maximumConcurrency = requireInt(
      'QueueTrigger',
      'maximumConcurrency',
      props.maximumConcurrency ?? 20,
      2,
      1000,
    );
    this.mapping = new LambdaEventSourceMapping(this, 'mapping', {
      eventSourceArn: props.queueArn,
      functionName: props.functionName,
      enabled: props.enabled,
      batchSize,
      maximumBatchingWindowInSeconds: window,
      functionResponseTypes: ['ReportBatchItemFailures'],
      scalingConfig: { maximumConcurrency },
      // Runtime state owned by failover/failback (fencing): see the file comment.
      lifecycle: { ignoreChanges: ['enabled'] },
    });
  }
}
