import { SNSClient, CreateTopicCommand } from '@aws-sdk/client-sns';
import type { SnsApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';

export function create(settings: ClientSettings): SnsApi & { destroy(): void } {
  const client = new SNSClient({ ...sdkConfig(settings) });
  return {
    createTopic: (input) => client.send(new CreateTopicCommand(input)),
    destroy: () => client.destroy(),
  };
}
