import type * as AwsSdkClientDynamodbModule from '@aws-sdk/client-dynamodb';
import type { DynamoDbApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const {
  DynamoDBClient,
  CreateTableCommand,
  UpdateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  GetItemCommand,
  DeleteItemCommand,
  UpdateItemCommand,
  UpdateContinuousBackupsCommand,
  DescribeContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
} = requireCjs('@aws-sdk/client-dynamodb') as typeof AwsSdkClientDynamodbModule;

export function create(settings: ClientSettings): DynamoDbApi & { destroy(): void } {
  const client = new DynamoDBClient({ ...sdkConfig(settings) });
  return {
    createTable: (input) => client.send(new CreateTableCommand(input)),
    updateTable: (input) => client.send(new UpdateTableCommand(input)),
    describeTable: (input) => client.send(new DescribeTableCommand(input)),
    putItem: (input) => client.send(new PutItemCommand(input)),
    getItem: (input) => client.send(new GetItemCommand(input)),
    deleteItem: (input) => client.send(new DeleteItemCommand(input)),
    updateItem: (input) => client.send(new UpdateItemCommand(input)),
    updateContinuousBackups: (input) => client.send(new UpdateContinuousBackupsCommand(input)),
    describeContinuousBackups: (input) => client.send(new DescribeContinuousBackupsCommand(input)),
    updateTimeToLive: (input) => client.send(new UpdateTimeToLiveCommand(input)),
    destroy: () => client.destroy(),
  };
}
