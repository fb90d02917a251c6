import type * as AwsSdkClientApiGatewayModule from '@aws-sdk/client-api-gateway';
import type { ApiGatewayApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';
import { PAGINATE, sdkPaginate, type Paginate } from '../paginate.js';

const {
  APIGatewayClient,
  CreateRestApiCommand,
  GetRestApisCommand,
  GetResourcesCommand,
  CreateResourceCommand,
  PutMethodCommand,
  PutIntegrationCommand,
  CreateDeploymentCommand,
  GetStageCommand,
  UpdateStageCommand,
  GetAccountCommand,
  paginateGetRestApis,
} = requireCjs('@aws-sdk/client-api-gateway') as typeof AwsSdkClientApiGatewayModule;

export function create(settings: ClientSettings): ApiGatewayApi & { destroy(): void; [PAGINATE]: Paginate } {
  const client = new APIGatewayClient({ ...sdkConfig(settings) });
  return {
    createRestApi: (input) => client.send(new CreateRestApiCommand(input)),
    getRestApis: (input) => client.send(new GetRestApisCommand(input)),
    getResources: (input) => client.send(new GetResourcesCommand(input)),
    createResource: (input) => client.send(new CreateResourceCommand(input)),
    putMethod: (input) => client.send(new PutMethodCommand(input)),
    putIntegration: (input) => client.send(new PutIntegrationCommand(input)),
    createDeployment: (input) => client.send(new CreateDeploymentCommand(input)),
    getStage: (input) => client.send(new GetStageCommand(input)),
    updateStage: (input) => client.send(new UpdateStageCommand(input)),
    getAccount: (input) => client.send(new GetAccountCommand(input)),
    [PAGINATE]: sdkPaginate(client, { getRestApis: paginateGetRestApis }),
    destroy: () => client.destroy(),
  };
}
