import type * as AwsSdkClientSfnModule from '@aws-sdk/client-sfn';
import type { SfnApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';
import { PAGINATE, sdkPaginate, type Paginate } from '../paginate.js';

const {
  SFNClient,
  CreateStateMachineCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  GetExecutionHistoryCommand,
  paginateGetExecutionHistory,
} = requireCjs('@aws-sdk/client-sfn') as typeof AwsSdkClientSfnModule;

export function create(settings: ClientSettings): SfnApi & { destroy(): void; [PAGINATE]: Paginate } {
  const client = new SFNClient({ ...sdkConfig(settings) });
  return {
    createStateMachine: (input) => client.send(new CreateStateMachineCommand(input)),
    listStateMachines: (input) => client.send(new ListStateMachinesCommand(input)),
    startExecution: (input) => client.send(new StartExecutionCommand(input)),
    describeExecution: (input) => client.send(new DescribeExecutionCommand(input)),
    listExecutions: (input) => client.send(new ListExecutionsCommand(input)),
    getExecutionHistory: (input) => client.send(new GetExecutionHistoryCommand(input)),
    [PAGINATE]: sdkPaginate(client, { getExecutionHistory: paginateGetExecutionHistory }),
    destroy: () => client.destroy(),
  };
}
