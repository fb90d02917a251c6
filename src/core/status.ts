/**
 * `dr status`: where things stand, on one screen. Read-only.
 *
 * Every read starts at once (level 1: all names come from naming); what needs an id
 * from level 1 starts, all together, once level 1 has answered (level 2: the DNS
 * records and health-check status need the zone and health-check ids, the S3
 * replication metrics the rule ids). The client calls are traced, and the result
 * carries the measured number of sequential levels (src/core/call-trace.ts).
 *
 * Level 1 also reads the operation lease from both replicas and the failover/failback
 * state machine ARNs; level 2 lists their RUNNING executions (and reads the steps of
 * each: one level more, only while one runs). `unsafe` names the unsafe states those
 * reads show (src/core/status-unsafe.ts; the CLI exits 3).
 *
 * A region that does not answer is shown as unreachable with its error; everything
 * else is still shown, and `unreachable` lists it (the CLI exits 5). Missing or expired
 * credentials throw `CredentialsError` once level 1 has settled (the CLI exits 6).
 *
 * Each section reads and shapes its part in src/core/status/; this file composes them.
 */
import type { Conclusion } from '../contract/errors.js';
import { CallTrace, traceClients } from './call-trace.js';
import { UnreachableRegions } from './checks/outcome.js';
import { silentReporter, type StepReporter } from './reporter.js';
import { rtoBudget } from './rto-budget.js';
import { evaluateUnsafe, type UnsafeFinding } from './status-unsafe.js';
import { auroraView, readAurora } from './status/aurora.js';
import { statusContext, type StatusContext } from './status/context.js';
import { activeView, readControl, type ActiveView } from './status/control.js';
import { dnsView, readCheckers, readProbes, readRecords, readZone } from './status/dns.js';
import type {
  AuroraStatus,
  DnsStatus,
  OperationsStatus,
  StatusOptions,
  StatusResult,
} from './status/model.js';
import {
  operationsView,
  readExecutions,
  readLeases,
  readMachines,
  type ExecutionsRead,
} from './status/operations.js';
import {
  alarmsView,
  mappingsView,
  readFiring,
  readinessView,
  readReadiness,
  readTradeMappings,
  type MappingsRead,
} from './status/regional.js';
import { readBuckets, readReplicationMetrics, s3View } from './status/s3.js';
import { readTables, tablesView } from './status/tables.js';

export type { UnsafeCode, UnsafeFinding } from './status-unsafe.js';
export type * from './status/model.js';
export { READINESS_METRIC } from './status/regional.js';

/** Level 1: every read whose names come from naming alone, started together. */
async function readLevel1(ctx: StatusContext) {
  const [control, zone, probes, aurora, readiness, tables, buckets, firing, mappings, leases, machines] =
    await Promise.all([
      readControl(ctx),
      readZone(ctx),
      readProbes(ctx),
      readAurora(ctx),
      readReadiness(ctx),
      readTables(ctx),
      readBuckets(ctx),
      readFiring(ctx),
      readTradeMappings(ctx),
      readLeases(ctx),
      readMachines(ctx),
    ]);
  return { control, zone, probes, aurora, readiness, tables, buckets, firing, mappings, leases, machines };
}

type Level1 = Awaited<ReturnType<typeof readLevel1>>;

/**
 * Level 2, all at once after level 1 (the barrier keeps the levels apart, so the trace
 * counts them exactly): DNS records and health-check status, S3 metrics, executions.
 */
async function readLevel2(ctx: StatusContext, first: Level1) {
  const [records, checkers, replication, executions] = await Promise.all([
    readRecords(ctx, first.zone),
    readCheckers(ctx, first.probes),
    readReplicationMetrics(ctx, first.buckets),
    readExecutions(ctx, first.machines),
  ]);
  return { records, checkers, replication, executions };
}

type Level2 = Awaited<ReturnType<typeof readLevel2>>;

/** The unsafe states the sections show together (src/core/status-unsafe.ts). */
function unsafeOf(
  ctx: StatusContext,
  views: {
    active: ActiveView;
    dns: DnsStatus;
    aurora: AuroraStatus;
    operations: OperationsStatus;
    mappings: MappingsRead;
    executions: ExecutionsRead;
  },
): UnsafeFinding[] {
  const { naming } = ctx;
  return evaluateUnsafe({
    config: ctx.config,
    now: ctx.now,
    regions: ctx.regions,
    activeRegion: views.active.region,
    control: views.active.byRegion.filter((c) => !c.error),
    parameterNames: { activeRegion: naming.ssmActiveRegion(), epoch: naming.ssmEpoch() },
    movedAt: views.active.movedAt,
    mappings: views.mappings.map(({ region, outcome }) => ({
      region,
      ...(outcome.ok ? { mappings: outcome.value } : {}),
    })),
    dnsServingRegion: views.dns.servingRegion,
    dnsName: ctx.apiName,
    writerRegion: views.aurora.writerRegion,
    lease: views.operations.lease,
    inFlight: views.operations.inFlight,
    executionsUnknown: views.executions.filter((e) => !e.outcome.ok).map((e) => e.region),
  });
}

function assemble(
  ctx: StatusContext,
  first: Level1,
  second: Level2,
  unreachable: UnreachableRegions,
  trace: CallTrace,
): StatusResult {
  const active = activeView(ctx, first.control);
  const dns = dnsView(ctx, {
    zone: first.zone,
    probes: first.probes,
    records: second.records,
    checkers: second.checkers,
  });
  const aurora = auroraView(ctx, first.aurora);
  const operations = operationsView(ctx, first.leases, first.machines, second.executions);
  const unsafe = unsafeOf(ctx, {
    active,
    dns,
    aurora,
    operations,
    mappings: first.mappings,
    executions: second.executions,
  });
  return {
    generatedAt: ctx.now.toISOString(),
    regions: { primary: ctx.primary, secondary: ctx.secondary },
    active: {
      region: active.region,
      epoch: active.epoch,
      agreed: active.agreed,
      byRegion: active.byRegion,
      dnsServingRegion: dns.servingRegion,
    },
    dns,
    aurora,
    dynamodb: tablesView(first.tables),
    s3: s3View(first.buckets, second.replication),
    alarms: alarmsView(first.firing),
    eventSourceMappings: mappingsView(first.mappings),
    readiness: readinessView(first.readiness),
    rto: rtoBudget(ctx.config),
    operations,
    unsafe,
    unreachable: unreachable.list(),
    trace: trace.summary(),
  };
}

function reportOutcome(step: StepReporter, result: StatusResult): void {
  const down = result.unreachable.map((u) => u.region);
  if (down.length > 0) step.fail(`${down.join(', ')} unreachable`);
  else if (result.unsafe.length > 0) step.fail(`unsafe: ${result.unsafe.map((u) => u.code).join(', ')}`);
  else step.succeed(`${result.trace.calls} calls in ${result.trace.levels} levels`);
}

export async function collectStatus(options: StatusOptions): Promise<StatusResult> {
  const reporter = options.reporter ?? silentReporter;
  const trace = new CallTrace();
  const unreachable = new UnreachableRegions();
  const ctx = statusContext(
    options.config,
    traceClients(options.clients, trace),
    options.now ?? new Date(),
    unreachable,
  );
  const step = reporter.step(`Reading ${ctx.primary} and ${ctx.secondary}`);
  const first = await readLevel1(ctx);
  // Missing or expired credentials: nothing could be read, so nothing is shown (exit 6).
  unreachable.throwIfCredentials();
  const second = await readLevel2(ctx, first);
  const result = assemble(ctx, first, second, unreachable, trace);
  reportOutcome(step, result);
  return result;
}

/**
 * How one `dr status` read ends the command. An unreachable region wins (what it holds is
 * unknown: 'region-unreachable'); then any unsafe state ('check-failed'); else 'ok'. The
 * notice is the line under the screen: the region that did not answer, else the unsafe states.
 */
export function concludeStatus(result: StatusResult): Conclusion<StatusResult> {
  const [first] = result.unreachable;
  if (first)
    return { result, outcome: 'region-unreachable', notice: `${first.message}; showing what answered` };
  if (result.unsafe.length === 0) return { result, outcome: 'ok' };
  return {
    result,
    outcome: 'check-failed',
    notice: `unsafe: ${result.unsafe.map((u) => u.code).join(', ')} (see "Unsafe" above)`,
  };
}
