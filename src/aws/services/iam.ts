import { IAMClient, CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import type { IamApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';

export function create(settings: ClientSettings): IamApi & { destroy(): void } {
  const client = new IAMClient({ ...sdkConfig(settings) });
  return {
    createRole: (input) => client.send(new CreateRoleCommand(input)),
    getRole: (input) => client.send(new GetRoleCommand(input)),
    destroy: () => client.destroy(),
  };
}
