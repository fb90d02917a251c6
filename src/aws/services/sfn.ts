import { SFNClient, CreateStateMachineCommand, ListStateMachinesCommand } from '@aws-sdk/client-sfn';
import type { SfnApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';

export function create(settings: ClientSettings): SfnApi & { destroy(): void } {
  const client = new SFNClient({ ...sdkConfig(settings) });
  return {
    createStateMachine: (input) => client.send(new CreateStateMachineCommand(input)),
    listStateMachines: (input) => client.send(new ListStateMachinesCommand(input)),
    destroy: () => client.destroy(),
  };
}
