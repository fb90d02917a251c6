import type * as AwsSdkClientRdsDataModule from '@aws-sdk/client-rds-data';
import type { RdsDataApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const {
  RDSDataClient,
  ExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  RollbackTransactionCommand,
} = requireCjs('@aws-sdk/client-rds-data') as typeof AwsSdkClientRdsDataModule;

export function create(settings: ClientSettings): RdsDataApi & { destroy(): void } {
  const client = new RDSDataClient({ ...sdkConfig(settings) });
  return {
    executeStatement: (input) => client.send(new ExecuteStatementCommand(input)),
    beginTransaction: (input) => client.send(new BeginTransactionCommand(input)),
    commitTransaction: (input) => client.send(new CommitTransactionCommand(input)),
    rollbackTransaction: (input) => client.send(new RollbackTransactionCommand(input)),
    destroy: () => client.destroy(),
  };
}
