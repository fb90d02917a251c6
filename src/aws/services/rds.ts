import type * as AwsSdkClientRdsModule from '@aws-sdk/client-rds';
import type { RdsApi } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const {
  RDSClient,
  CreateGlobalClusterCommand,
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DescribeGlobalClustersCommand,
  DescribeDBClustersCommand,
} = requireCjs('@aws-sdk/client-rds') as typeof AwsSdkClientRdsModule;

export function create(settings: ClientSettings): RdsApi & { destroy(): void } {
  const client = new RDSClient({ ...sdkConfig(settings) });
  return {
    createGlobalCluster: (input) => client.send(new CreateGlobalClusterCommand(input)),
    createDBCluster: (input) => client.send(new CreateDBClusterCommand(input)),
    createDBInstance: (input) => client.send(new CreateDBInstanceCommand(input)),
    describeGlobalClusters: (input) => client.send(new DescribeGlobalClustersCommand(input)),
    describeDBClusters: (input) => client.send(new DescribeDBClustersCommand(input)),
    destroy: () => client.destroy(),
  };
}
