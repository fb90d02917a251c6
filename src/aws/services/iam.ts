import type * as AwsSdkClientIamModule from '@aws-sdk/client-iam';
import type { IamApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const { IAMClient, CreateRoleCommand, GetRoleCommand, SimulatePrincipalPolicyCommand } = requireCjs(
  '@aws-sdk/client-iam',
) as typeof AwsSdkClientIamModule;

export function create(settings: ClientSettings): IamApi & { destroy(): void } {
  const client = new IAMClient({ ...sdkConfig(settings) });
  return {
    createRole: (input) => client.send(new CreateRoleCommand(input)),
    getRole: (input) => client.send(new GetRoleCommand(input)),
    simulatePrincipalPolicy: (input) => client.send(new SimulatePrincipalPolicyCommand(input)),
    destroy: () => client.destroy(),
  };
}
