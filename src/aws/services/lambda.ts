import type * as AwsSdkClientLambdaModule from '@aws-sdk/client-lambda';
import type { LambdaApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';
import { PAGINATE, sdkPaginate, type Paginate } from '../paginate.js';

const {
  LambdaClient,
  CreateFunctionCommand,
  GetFunctionCommand,
  UpdateFunctionCodeCommand,
  ListEventSourceMappingsCommand,
  CreateEventSourceMappingCommand,
  UpdateEventSourceMappingCommand,
  GetEventSourceMappingCommand,
  PutFunctionConcurrencyCommand,
  GetFunctionConcurrencyCommand,
  DeleteFunctionConcurrencyCommand,
  paginateListEventSourceMappings,
} = requireCjs('@aws-sdk/client-lambda') as typeof AwsSdkClientLambdaModule;

export function create(settings: ClientSettings): LambdaApi & { destroy(): void; [PAGINATE]: Paginate } {
  const client = new LambdaClient({ ...sdkConfig(settings) });
  return {
    createFunction: (input) => client.send(new CreateFunctionCommand(input)),
    getFunction: (input) => client.send(new GetFunctionCommand(input)),
    updateFunctionCode: (input) => client.send(new UpdateFunctionCodeCommand(input)),
    listEventSourceMappings: (input) => client.send(new ListEventSourceMappingsCommand(input)),
    createEventSourceMapping: (input) => client.send(new CreateEventSourceMappingCommand(input)),
    updateEventSourceMapping: (input) => client.send(new UpdateEventSourceMappingCommand(input)),
    getEventSourceMapping: (input) => client.send(new GetEventSourceMappingCommand(input)),
    putFunctionConcurrency: (input) => client.send(new PutFunctionConcurrencyCommand(input)),
    getFunctionConcurrency: (input) => client.send(new GetFunctionConcurrencyCommand(input)),
    deleteFunctionConcurrency: (input) => client.send(new DeleteFunctionConcurrencyCommand(input)),
    [PAGINATE]: sdkPaginate(client, { listEventSourceMappings: paginateListEventSourceMappings }),
    destroy: () => client.destroy(),
  };
}
