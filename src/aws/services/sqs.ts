import type * as AwsSdkClientSqsModule from '@aws-sdk/client-sqs';
import type { SqsApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const {
  SQSClient,
  CreateQueueCommand,
  GetQueueUrlCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  ReceiveMessageCommand,
  DeleteMessageBatchCommand,
} = requireCjs('@aws-sdk/client-sqs') as typeof AwsSdkClientSqsModule;

export function create(settings: ClientSettings): SqsApi & { destroy(): void } {
  const client = new SQSClient({ ...sdkConfig(settings) });
  return {
    createQueue: (input) => client.send(new CreateQueueCommand(input)),
    getQueueUrl: (input) => client.send(new GetQueueUrlCommand(input)),
    getQueueAttributes: (input) => client.send(new GetQueueAttributesCommand(input)),
    sendMessage: (input) => client.send(new SendMessageCommand(input)),
    receiveMessage: (input) => client.send(new ReceiveMessageCommand(input)),
    deleteMessageBatch: (input) => client.send(new DeleteMessageBatchCommand(input)),
    destroy: () => client.destroy(),
  };
}
