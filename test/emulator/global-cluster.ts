/**
 * An Aurora global database in the emulator, for the tests that need one: writer
 * `trading-use1` in us-east-1, reader `trading-use2` in us-east-2.
 */
import { CreateDBClusterCommand, CreateGlobalClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import { testClient } from './client.js';

export const GLOBAL = 'trading-global';

export async function givenGlobalCluster() {
  const east1 = testClient(RDSClient, 'us-east-1');
  const east2 = testClient(RDSClient, 'us-east-2');
  await east1.send(
    new CreateGlobalClusterCommand({
      GlobalClusterIdentifier: GLOBAL,
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
    }),
  );
  const primary = await east1.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'trading-use1',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      GlobalClusterIdentifier: GLOBAL,
      MasterUsername: 'trading',
      MasterUserPassword: 'not-a-secret-1',
    }),
  );
  const secondary = await east2.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: 'trading-use2',
      Engine: 'aurora-postgresql',
      EngineVersion: '15.4',
      GlobalClusterIdentifier: GLOBAL,
    }),
  );
  return {
    east1,
    east2,
    primaryArn: primary.DBCluster!.DBClusterArn!,
    secondaryArn: secondary.DBCluster!.DBClusterArn!,
  };
}
