/** SDK-backed implementations of the small interfaces in ./params.ts. Only handlers import this. */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { ParameterStore, SecretStore } from './params.js';

export function ssmParameterStore(client: SSMClient = new SSMClient({})): ParameterStore {
  return {
    async get(names) {
      // The db-endpoint and db-secret-arn parameters are SecureStrings.
      const out = await client.send(new GetParametersCommand({ Names: [...names], WithDecryption: true }));
      return Object.fromEntries(
        (out.Parameters ?? []).filter((p) => p.Name && p.Value !== undefined).map((p) => [p.Name, p.Value]),
      ) as Record<string, string>;
    },
  };
}

export function secretsManagerStore(
  client: SecretsManagerClient = new SecretsManagerClient({}),
): SecretStore {
  return {
    async getSecretString(secretId) {
      const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      if (out.SecretString === undefined) throw new Error(`secret ${secretId} has no string value`);
      return out.SecretString;
    },
  };
}
