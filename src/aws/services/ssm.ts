import type * as AwsSdkClientSsmModule from '@aws-sdk/client-ssm';
import type { SsmApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';
import { PAGINATE, sdkPaginate, type Paginate } from '../paginate.js';

const {
  SSMClient,
  PutParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
  paginateGetParametersByPath,
} = requireCjs('@aws-sdk/client-ssm') as typeof AwsSdkClientSsmModule;

export function create(settings: ClientSettings): SsmApi & { destroy(): void; [PAGINATE]: Paginate } {
  const client = new SSMClient({ ...sdkConfig(settings) });
  return {
    putParameter: (input) => client.send(new PutParameterCommand(input)),
    getParameter: (input) => client.send(new GetParameterCommand(input)),
    getParametersByPath: (input) => client.send(new GetParametersByPathCommand(input)),
    [PAGINATE]: sdkPaginate(client, { getParametersByPath: paginateGetParametersByPath }),
    destroy: () => client.destroy(),
  };
}
