import {
  SSMClient,
  PutParameterCommand,
  GetParameterCommand,
  GetParametersByPathCommand,
} from '@aws-sdk/client-ssm';
import type { SsmApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';

export function create(settings: ClientSettings): SsmApi & { destroy(): void } {
  const client = new SSMClient({ ...sdkConfig(settings) });
  return {
    putParameter: (input) => client.send(new PutParameterCommand(input)),
    getParameter: (input) => client.send(new GetParameterCommand(input)),
    getParametersByPath: (input) => client.send(new GetParametersByPathCommand(input)),
    destroy: () => client.destroy(),
  };
}
