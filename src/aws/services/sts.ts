import type * as AwsSdkClientStsModule from '@aws-sdk/client-sts';
import type { StsApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const { STSClient, GetCallerIdentityCommand, AssumeRoleCommand } = requireCjs(
  '@aws-sdk/client-sts',
) as typeof AwsSdkClientStsModule;

export function create(settings: ClientSettings): StsApi & { destroy(): void } {
  const client = new STSClient({ ...sdkConfig(settings) });
  return {
    getCallerIdentity: (input) => client.send(new GetCallerIdentityCommand(input)),
    assumeRole: (input) => client.send(new AssumeRoleCommand(input)),
    destroy: () => client.destroy(),
  };
}
