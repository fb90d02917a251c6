/**
 * What a failover or failback will do, read from the platform before anything changes:
 * the regions, the new epoch, each execution (region, state machine, input) and the
 * step list with this plan's values. `--dry-run` prints it and stops; the CLI prints
 * it before asking for confirmation; `executePlan` runs it.
 *
 * Reads only: SSM parameters and the Aurora clusters of the target region, and on the
 * planned path of the region being left. The unplanned path reads nothing outside the
 * target region.
 */
import { randomBytes } from 'node:crypto';
import type { AwsClients } from '../../aws/clients.js';
import { paginated } from '../../aws/paginate.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming, type RegionalParameter } from '../../contract/naming.js';
import { UsageError } from '../../contract/errors.js';
import type { ExecutionInput } from './input.js';
import {
  stepsFor,
  type FailoverMode,
  type OperationKind,
  type Phase,
  type StepId,
} from '../../contract/steps.js';

/** One region as a failover sees it. */
export interface RegionContext {
  readonly region: string;
  readonly activeRegion: string;
  readonly epoch: number;
  readonly mappingUuid: string;
  readonly stateMachineArns: { readonly failover: string; readonly failback: string };
  readonly auditBucket: string;
  readonly bus: string;
  readonly dbSecretArn: string;
  readonly cluster: { readonly id: string; readonly arn: string };
}

export interface Timing {
  readonly pollSeconds: number;
  readonly maxPolls: number;
  readonly dnsShiftSeconds: number;
}

export interface PhasePlan {
  readonly phase: Phase;
  readonly region: string;
  readonly stateMachineArn: string;
  readonly executionName: string;
  readonly input: ExecutionInput;
}

export interface PlannedStep {
  readonly id: StepId;
  readonly title: string;
  readonly region: string;
  readonly detail: string;
}

/** What names one operation: its plan says it, and its result (./run.ts) repeats it. */
export interface OperationIdentity {
  readonly operation: OperationKind;
  readonly mode: FailoverMode;
  readonly operationId: string;
  readonly from: string;
  readonly to: string;
  readonly epoch: number;
  readonly startedBy: string;
}

export interface OperationPlan extends OperationIdentity {
  readonly previousEpoch: number;
  readonly lease: {
    readonly table: string;
    readonly id: string;
    readonly region: string;
    readonly ttlSeconds: number;
  };
  readonly timing: Timing;
  readonly phases: readonly PhasePlan[];
  readonly steps: readonly PlannedStep[];
}

/** The one lease item that serialises failover, failback and drill. */
export const LEASE_ID = 'dr-operation';
/** A lease outlives a normal operation; an operator's crash frees it after this. */
export const LEASE_TTL_SECONDS = 3600;

/**
 * Waits for real AWS: writer polls every 5 s for up to 15 min; DNS moves after
 * interval × threshold + TTL. Against the emulator (`emulated`) nothing needs waiting for.
 */
export function timingFor(config: DrConfig, options: { emulated: boolean }): Timing {
  if (options.emulated) return { pollSeconds: 1, maxPolls: 120, dnsShiftSeconds: 0 };
  const hc = config.dns.healthCheck;
  return {
    pollSeconds: 5,
    maxPolls: 180,
    dnsShiftSeconds: hc.intervalSeconds * hc.failureThreshold + config.dns.ttlSeconds,
  };
}

/** The ARN of `operation`'s state machine in `region`, from SSM ('' when it has none). */
export async function readStateMachineArn(
  clients: AwsClients,
  naming: Naming,
  region: string,
  operation: OperationKind,
): Promise<string> {
  const out = await clients
    .ssm(region)
    .getParameter({ Name: naming.ssmRegional(`${operation}-state-machine-arn`), WithDecryption: true });
  return out.Parameter?.Value ?? '';
}

export async function readRegionContext(
  clients: AwsClients,
  naming: Naming,
  region: string,
): Promise<RegionContext> {
  const ssm = clients.ssm(region);
  const params = new Map<string, string>();
  const pages = paginated(ssm).getParametersByPath({
    Path: naming.ssmRegionalPrefix(),
    Recursive: true,
    WithDecryption: true,
  });
  for await (const page of pages) {
    for (const p of page.Parameters ?? []) if (p.Name) params.set(p.Name, p.Value ?? '');
  }
  const [active, epoch, clusters] = await Promise.all([
    ssm.getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true }),
    ssm.getParameter({ Name: naming.ssmEpoch(), WithDecryption: true }),
    clients.rds(region).describeDBClusters({ DBClusterIdentifier: naming.dbCluster(region) }),
  ]);
  const need = (key: RegionalParameter): string => {
    const value = params.get(naming.ssmRegional(key));
    if (!value) {
      throw new UsageError(
        `SSM ${naming.ssmRegional(key)} is missing in ${region}: is the platform deployed there (dr deploy, or dr sandbox up)?`,
      );
    }
    return value;
  };
  const cluster = clusters.DBClusters?.[0];
  if (!cluster?.DBClusterArn) {
    throw new UsageError(`the Aurora cluster ${naming.dbCluster(region)} does not exist in ${region}`);
  }
  const epochValue = Number(epoch.Parameter?.Value ?? '0');
  return {
    region,
    activeRegion: active.Parameter?.Value ?? '',
    epoch: Number.isFinite(epochValue) ? epochValue : 0,
    mappingUuid: need('event-source-mapping-uuid'),
    stateMachineArns: {
      failover: need('failover-state-machine-arn'),
      failback: need('failback-state-machine-arn'),
    },
    auditBucket: need('audit-logs-bucket'),
    bus: need('event-bus-name'),
    // The fence writer's secret (not the trade processor's: it may not move the fence).
    dbSecretArn: need('db-fence-secret-arn'),
    cluster: { id: naming.dbCluster(region), arn: cluster.DBClusterArn },
  };
}

export function newOperationId(operation: OperationKind, to: string, now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${operation}-${to}-${stamp}-${randomBytes(3).toString('hex')}`;
}

export interface PlanOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly operation: OperationKind;
  readonly to: string;
  readonly mode: FailoverMode;
  readonly startedBy: string;
  readonly timing?: Timing;
  readonly now?: Date;
  /**
   * Plan it even though SSM already names `to` in every region: the last operation
   * moved SSM but left no region consuming (a repair, see `operate`).
   */
  readonly repair?: boolean;
}

export async function planOperation(options: PlanOptions): Promise<OperationPlan> {
  const { clients, config, operation, to, mode } = options;
  const naming = new Naming(config);
  const { primary, secondary } = config.regions;
  if (to !== primary && to !== secondary) {
    throw new UsageError(
      `--to ${to} is neither the primary (${primary}) nor the secondary (${secondary}) region`,
    );
  }
  const from = to === primary ? secondary : primary;
  // The unplanned path reads nothing outside the target region.
  const [target, source] = await Promise.all([
    readRegionContext(clients, naming, to),
    mode === 'planned' ? readRegionContext(clients, naming, from) : Promise.resolve(undefined),
  ]);
  if (!options.repair && target.activeRegion === to && (source === undefined || source.activeRegion === to)) {
    throw new UsageError(
      `${to} is already the active region (epoch ${target.epoch}); nothing to ${operation === 'failback' ? 'fail back' : 'fail over'}`,
    );
  }
  const previousEpoch = Math.max(target.epoch, source?.epoch ?? 0);
  const epoch = previousEpoch + 1;
  const now = options.now ?? new Date();
  const operationId = newOperationId(operation, to, now);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const timing = options.timing ?? timingFor(config, { emulated: clients.endpoint !== undefined });
  const base: Omit<ExecutionInput, 'phase' | 'mapping'> = {
    operation,
    mode,
    operationId,
    from,
    to,
    epoch: String(epoch),
    epochNumber: epoch,
    startedBy: options.startedBy,
    lease: {
      table: naming.leaseTable(),
      id: LEASE_ID,
      holder: options.startedBy,
      now: String(nowSeconds),
      expiresAt: String(nowSeconds + LEASE_TTL_SECONDS),
    },
    globalCluster: naming.globalCluster(),
    targetCluster: target.cluster,
    parameters: { activeRegion: naming.ssmActiveRegion(), epoch: naming.ssmEpoch() },
    bus: target.bus,
    eventSource: naming.eventSource(),
    auditBucket: target.auditBucket,
    db: {
      clusterArn: target.cluster.arn,
      secretArn: target.dbSecretArn,
      database: config.database.databaseName,
    },
    timing,
  };
  const phases: PhasePlan[] = [];
  if (source) {
    phases.push({
      phase: 'demote',
      region: from,
      stateMachineArn: source.stateMachineArns[operation],
      executionName: `${operationId}-demote`,
      input: { ...base, phase: 'demote', mapping: { uuid: source.mappingUuid } },
    });
  }
  phases.push({
    phase: 'promote',
    region: to,
    stateMachineArn: target.stateMachineArns[operation],
    executionName: `${operationId}-promote`,
    input: { ...base, phase: 'promote', mapping: { uuid: target.mappingUuid } },
  });
  const ctx = { mode, from, to, epoch };
  return {
    operation,
    mode,
    operationId,
    from,
    to,
    epoch,
    previousEpoch,
    startedBy: options.startedBy,
    lease: { table: naming.leaseTable(), id: LEASE_ID, region: to, ttlSeconds: LEASE_TTL_SECONDS },
    timing,
    phases,
    steps: stepsFor(mode).map((s) => ({
      id: s.id,
      title: s.title,
      region: s.phase === 'demote' ? from : to,
      detail: s.describe(ctx),
    })),
  };
}

/**
 * The rest of an operation whose CLI died after its demote succeeded: the promote in the
 * target region, with the demote's operation id, epoch and input, under a lease this
 * process takes over (`holder`).
 */
export async function planResume(options: {
  clients: AwsClients;
  config: DrConfig;
  demoteInput: ExecutionInput;
  holder: string;
  now?: Date;
}): Promise<OperationPlan> {
  const { clients, config, demoteInput: input } = options;
  const naming = new Naming(config);
  const target = await readRegionContext(clients, naming, input.to);
  const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const promoteInput: ExecutionInput = {
    ...input,
    phase: 'promote',
    mapping: { uuid: target.mappingUuid },
    lease: {
      ...input.lease,
      holder: options.holder,
      now: String(nowSeconds),
      expiresAt: String(nowSeconds + LEASE_TTL_SECONDS),
    },
  };
  const ctx = { mode: input.mode, from: input.from, to: input.to, epoch: input.epochNumber };
  return {
    operation: input.operation,
    mode: input.mode,
    operationId: input.operationId,
    from: input.from,
    to: input.to,
    epoch: input.epochNumber,
    previousEpoch: input.epochNumber - 1,
    startedBy: options.holder,
    lease: { table: input.lease.table, id: input.lease.id, region: input.to, ttlSeconds: LEASE_TTL_SECONDS },
    timing: input.timing,
    phases: [
      {
        phase: 'promote',
        region: input.to,
        stateMachineArn: target.stateMachineArns[input.operation],
        executionName: `${input.operationId}-promote`,
        input: promoteInput,
      },
    ],
    steps: stepsFor(input.mode)
      .filter((s) => s.phase === 'promote')
      .map((s) => ({ id: s.id, title: s.title, region: input.to, detail: s.describe(ctx) })),
  };
}
