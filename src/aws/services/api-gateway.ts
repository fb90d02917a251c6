import type * as AwsSdkClientApiGatewayModule from '@aws-sdk/client-api-gateway';
import type { ApiGatewayApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const { APIGatewayClient, CreateRestApiCommand, GetRestApisCommand } = requireCjs(
  '@aws-sdk/client-api-gateway',
) as typeof AwsSdkClientApiGatewayModule;

export function create(settings: ClientSettings): ApiGatewayApi & { destroy(): void } {
  const client = new APIGatewayClient({ ...sdkConfig(settings) });
  return {
    createRestApi: (input) => client.send(new CreateRestApiCommand(input)),
    getRestApis: (input) => client.send(new GetRestApisCommand(input)),
    destroy: () => client.destroy(),
  };
}
