/**
 * Shared by the failover tests, which run on the deployed sandbox (test/sandbox/deployed.ts:
 * the synthesized stacks applied by Terraform, restored before each test): readers of what a
 * failover changes (writer, active-region, epoch, event source mappings, lease).
 */
import type { AwsClients } from '../../../src/aws/clients.js';
import { parseConfig } from '../../../src/config/load.js';
import type { DrConfig } from '../../../src/config/schema.js';
import { Naming } from '../../../src/contract/naming.js';
import { LEASE_ID } from '../../../src/core/failover/plan.js';
import { readLease } from '../../../src/core/failover/lease.js';
import { planOperation } from '../../../src/core/failover/plan.js';
import { executePlan, type OperationResult } from '../../../src/core/failover/run.js';
import { setOutage } from '../../../src/sandbox/emulator.js';
import { mapDataApiToDatabase } from '../../../src/sandbox/drill/sandbox-drill.js';
import assert from 'node:assert/strict';
import { emulatorClients } from '../../emulator/credentials.js';

/** The platform's config as a user writes it (`dr.config.json`), and parsed. */
export const configInput = {
  app: 'trading',
  environment: 'prod',
  dns: { domain: 'trading.example.com' },
};
export const config: DrConfig = parseConfig(configInput);
export const naming = new Naming(config);
export const [primary, secondary] = [config.regions.primary, config.regions.secondary] as const;

export { emulatorClients };

/** Switches the watchdog's auto-failover (the shared SSM parameter, as the secondary reads it). */
export async function setAutoFailover(clients: AwsClients, value: 'on' | 'off'): Promise<void> {
  await clients.ssm(secondary).putParameter({
    Name: naming.ssmShared('auto-failover'),
    Value: value,
    Type: 'SecureString',
    Overwrite: true,
  });
}

/** The plan of a failover to the secondary, `mode`, started by `startedBy`. */
export function planFailover(
  clients: AwsClients,
  mode: 'planned' | 'unplanned',
  startedBy: string,
): ReturnType<typeof planOperation> {
  return planOperation({ clients, config, operation: 'failover', to: secondary, mode, startedBy });
}

/** Fails over to the secondary unplanned while the primary refuses everything; the operation's result. */
export async function unplannedFailover(clients: AwsClients, endpoint: string): Promise<OperationResult> {
  await setOutage(endpoint, primary, 'refuse');
  const plan = await planFailover(clients, 'unplanned', 'watchdog@us-east-2');
  const result = await executePlan({ clients, config, plan, pollMs: 100 });
  assert.equal(result.outcome, 'succeeded', JSON.stringify(result.failure));
  return result;
}

export interface RegionState {
  readonly activeRegion: string | undefined;
  readonly epoch: string | undefined;
  readonly mappingEnabled: boolean | undefined;
}

export interface PlatformState {
  readonly writer: string | undefined;
  readonly regions: Readonly<Record<string, RegionState>>;
  readonly leaseHolder: string | undefined;
}

/** What a failover changes, read from the regions given (a dark one is left out). */
export async function platformState(
  clients: AwsClients,
  regions: readonly string[] = [primary, secondary],
): Promise<PlatformState> {
  const read = async (region: string): Promise<RegionState> => {
    const ssm = clients.ssm(region);
    const [active, epoch, mappings] = await Promise.all([
      ssm.getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true }),
      ssm.getParameter({ Name: naming.ssmEpoch(), WithDecryption: true }),
      clients
        .lambda(region)
        .listEventSourceMappings({ FunctionName: naming.lambda(region, 'trade-processor') }),
    ]);
    const state = mappings.EventSourceMappings?.[0]?.State;
    return {
      activeRegion: active.Parameter?.Value,
      epoch: epoch.Parameter?.Value,
      mappingEnabled: state === undefined ? undefined : state === 'Enabled' || state === 'Enabling',
    };
  };
  const reader = regions.includes(secondary) ? secondary : primary;
  const [global, lease, ...states] = await Promise.all([
    clients.rds(reader).describeGlobalClusters({ GlobalClusterIdentifier: naming.globalCluster() }),
    readLease(clients.dynamodb(reader), naming.leaseTable(), LEASE_ID),
    ...regions.map(read),
  ]);
  const writerArn = global.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  const writer = [primary, secondary].find((r) => writerArn?.endsWith(`:cluster:${naming.dbCluster(r)}`));
  return {
    writer,
    regions: Object.fromEntries(regions.map((r, i) => [r, states[i] as RegionState])),
    leaseHolder: lease?.holder,
  };
}

/**
 * The deployed platform as a drill finds it: the emulator's RDS Data API running its SQL on
 * the orders database at `dbUrl` (test/sandbox/helpers.ts' ordersDatabase) for both
 * clusters: the failover machine's fence step, the AWS drill's order counts. (The lag
 * metric is on: `dr sandbox up` switched it on before the snapshot was taken.)
 */
export async function mapDrillDatabase(clients: AwsClients, endpoint: string, dbUrl: string): Promise<void> {
  await mapDataApiToDatabase(clients, config, endpoint, dbUrl);
}
