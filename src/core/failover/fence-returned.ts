/**
 * Fencing a region that comes back after an unplanned failover. The unplanned path could
 * not reach it, so its own SSM copy still names itself active (at the old epoch) and its
 * trade-processor mapping may still be enabled: verify-sync's split-brain guard fails
 * until it learns it was failed away from. The fence runs, in the returned region, the
 * surviving region's last successful failover as its `demote` execution (the planned
 * path's fence-old-primary step: mapping off, active-region and epoch written), with the
 * same input. Used by `dr failback` (before it waits for sync) and by the drill.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { mappingConsumes } from '../checks/evaluate.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { followExecution, startExecution } from './execution.js';
import type { ExecutionInput } from './input.js';
import { readRegionContext, type RegionContext } from './plan.js';

export interface StaleRegion {
  /** The region that came back with stale state. */
  readonly region: string;
  /** The region that stayed up and holds the newest state. */
  readonly survivor: string;
  readonly reason: string;
}

interface Seen {
  readonly ctx: RegionContext;
  readonly consumes: boolean;
}

async function see(clients: AwsClients, naming: Naming, region: string): Promise<Seen> {
  const ctx = await readRegionContext(clients, naming, region);
  const mapping = await clients.lambda(region).getEventSourceMapping({ UUID: ctx.mappingUuid });
  return { ctx, consumes: mappingConsumes(mapping.State ?? 'Disabled') };
}

/**
 * The region whose state is stale, if any: its SSM names itself active at a lower epoch
 * than the other region's, or its mapping consumes orders while it is not the active
 * region (the highest epoch's `active-region`). Reads only; both regions must answer.
 */
export async function findStaleRegion(options: {
  clients: AwsClients;
  config: DrConfig;
}): Promise<StaleRegion | undefined> {
  const { clients, config } = options;
  const naming = new Naming(config);
  const { primary, secondary } = config.regions;
  const [a, b] = await Promise.all([see(clients, naming, primary), see(clients, naming, secondary)]);
  const newest = b.ctx.epoch > a.ctx.epoch ? b : a;
  const active = newest.ctx.activeRegion;
  for (const [self, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const region = self.ctx.region;
    if (self.ctx.activeRegion === region && self.ctx.epoch < other.ctx.epoch) {
      return {
        region,
        survivor: other.ctx.region,
        reason: `${region} names itself active at epoch ${self.ctx.epoch}; ${other.ctx.region} is at epoch ${other.ctx.epoch}`,
      };
    }
    if (self.consumes && region !== active) {
      return {
        region,
        survivor: other.ctx.region,
        reason: `${region}'s trade-processor mapping is enabled but ${active} is active`,
      };
    }
  }
  return undefined;
}

/** The newest SUCCEEDED failover execution in `survivor` that promoted it. */
export async function lastFailoverInto(
  clients: AwsClients,
  config: DrConfig,
  survivor: string,
): Promise<string> {
  const there = await readRegionContext(clients, new Naming(config), survivor);
  const sfn = clients.sfn(survivor);
  const out = await sfn.listExecutions({
    stateMachineArn: there.stateMachineArns.failover,
    statusFilter: 'SUCCEEDED',
    maxResults: 50,
  });
  const newestFirst = [...(out.executions ?? [])].sort(
    (x, y) => (y.startDate?.getTime() ?? 0) - (x.startDate?.getTime() ?? 0),
  );
  for (const e of newestFirst) {
    if (!e.executionArn) continue;
    const described = await sfn.describeExecution({ executionArn: e.executionArn });
    const input = JSON.parse(described.input ?? '{}') as Partial<ExecutionInput>;
    if (input.phase === 'promote' && input.to === survivor) return e.executionArn;
  }
  throw new Error(
    `no successful failover into ${survivor} found on ${there.stateMachineArns.failover}: cannot fence the returned region`,
  );
}

export interface FenceReturnedOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  /** The region that stayed up. */
  readonly survivor: string;
  /** The failover execution in `survivor` whose input the fence reuses. @default the newest successful one */
  readonly failoverArn?: string;
  readonly reporter?: Reporter;
  /** @default 250 */
  readonly pollMs?: number;
  /** @default 60 s */
  readonly timeoutMs?: number;
}

/**
 * Runs the failover's `demote` execution in the returned region (the one that is not
 * `survivor`), same input, that region's mapping; throws unless it succeeds.
 */
export async function fenceReturnedRegion(
  options: FenceReturnedOptions,
): Promise<{ region: string; arn: string }> {
  const { clients, config, survivor } = options;
  const reporter = options.reporter ?? silentReporter;
  const returned = config.regions.primary === survivor ? config.regions.secondary : config.regions.primary;
  const step = reporter.step(`Fence the returned region (${returned})`);
  try {
    const failoverArn = options.failoverArn ?? (await lastFailoverInto(clients, config, survivor));
    const described = await clients.sfn(survivor).describeExecution({ executionArn: failoverArn });
    const input = JSON.parse(described.input ?? '{}') as ExecutionInput;
    const there = await readRegionContext(clients, new Naming(config), returned);
    const arn = await startExecution(
      clients.sfn(returned),
      there.stateMachineArns.failover,
      `${input.operationId}-demote`,
      { ...input, phase: 'demote', mapping: { uuid: there.mappingUuid } },
    );
    const outcome = await followExecution({
      sfn: clients.sfn(returned),
      executionArn: arn,
      region: returned,
      reporter: silentReporter,
      pollMs: options.pollMs ?? 250,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
    if (outcome.status !== 'SUCCEEDED') {
      throw new Error(
        `fencing the returned region ${returned} ended ${outcome.status}: ${outcome.failure?.error ?? ''}`,
      );
    }
    step.succeed(`mapping off, active-region=${input.to}, epoch=${input.epoch} (${outcome.ms} ms)`);
    return { region: returned, arn };
  } catch (error) {
    step.fail((error as Error).message);
    throw error;
  }
}

/** Fences the stale region, if one is; does nothing otherwise. */
export async function fenceIfStale(
  options: Omit<FenceReturnedOptions, 'survivor' | 'failoverArn'>,
): Promise<{ region: string; arn: string; reason: string } | undefined> {
  const stale = await findStaleRegion(options);
  if (!stale) return undefined;
  const fenced = await fenceReturnedRegion({ ...options, survivor: stale.survivor });
  return { ...fenced, reason: stale.reason };
}
