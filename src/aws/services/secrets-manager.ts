import type * as AwsSdkClientSecretsManagerModule from '@aws-sdk/client-secrets-manager';
import type { SecretsManagerApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const {
  SecretsManagerClient,
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
} = requireCjs('@aws-sdk/client-secrets-manager') as typeof AwsSdkClientSecretsManagerModule;

export function create(settings: ClientSettings): SecretsManagerApi & { destroy(): void } {
  const client = new SecretsManagerClient({ ...sdkConfig(settings) });
  return {
    createSecret: (input) => client.send(new CreateSecretCommand(input)),
    describeSecret: (input) => client.send(new DescribeSecretCommand(input)),
    getSecretValue: (input) => client.send(new GetSecretValueCommand(input)),
    putSecretValue: (input) => client.send(new PutSecretValueCommand(input)),
    destroy: () => client.destroy(),
  };
}
