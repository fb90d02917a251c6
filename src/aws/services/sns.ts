import type * as AwsSdkClientSnsModule from '@aws-sdk/client-sns';
import type { SnsApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const { SNSClient, CreateTopicCommand, PublishCommand } = requireCjs(
  '@aws-sdk/client-sns',
) as typeof AwsSdkClientSnsModule;

export function create(settings: ClientSettings): SnsApi & { destroy(): void } {
  const client = new SNSClient({ ...sdkConfig(settings) });
  return {
    createTopic: (input) => client.send(new CreateTopicCommand(input)),
    publish: (input) => client.send(new PublishCommand(input)),
    destroy: () => client.destroy(),
  };
}
