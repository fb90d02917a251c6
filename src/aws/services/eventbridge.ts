import type * as AwsSdkClientEventbridgeModule from '@aws-sdk/client-eventbridge';
import type { EventBridgeApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const {
  EventBridgeClient,
  CreateEventBusCommand,
  DescribeEventBusCommand,
  PutRuleCommand,
  PutTargetsCommand,
  PutEventsCommand,
} = requireCjs('@aws-sdk/client-eventbridge') as typeof AwsSdkClientEventbridgeModule;

export function create(settings: ClientSettings): EventBridgeApi & { destroy(): void } {
  const client = new EventBridgeClient({ ...sdkConfig(settings) });
  return {
    createEventBus: (input) => client.send(new CreateEventBusCommand(input)),
    describeEventBus: (input) => client.send(new DescribeEventBusCommand(input)),
    putRule: (input) => client.send(new PutRuleCommand(input)),
    putTargets: (input) => client.send(new PutTargetsCommand(input)),
    putEvents: (input) => client.send(new PutEventsCommand(input)),
    destroy: () => client.destroy(),
  };
}
