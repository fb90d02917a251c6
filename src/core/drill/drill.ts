/**
 * `dr drill` in core: under the DR lease (operation `drill`), with auto-failover on for
 * the duration, run each scenario (./scenario.ts) and assemble the report (./model.ts).
 * No printing: progress goes to the reporter, the report is returned; writing the files
 * is ../report's job.
 *
 * The lease: the drill takes it first and gives it back last. Each failover/failback it
 * runs re-takes the same lease under the same holder (the failover core does), and the
 * state machine releases it when the execution ends; the drill takes it back at once.
 * For the region-outage scenario the drill hands it over: the watchdog must be able to
 * take it, as it would in a real outage.
 */
import { hostname } from 'node:os';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { acquireLease, releaseLease } from '../failover/lease.js';
import { LEASE_ID, LEASE_TTL_SECONDS, newOperationId, timingFor, type Timing } from '../failover/plan.js';
import { callerArn, operatorName } from '../failover/run.js';
import { LockHeldError, UsageError } from '../../contract/errors.js';
import { poll } from '../poll.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { rtoBudget } from '../rto-budget.js';
import { interruptOf } from './interrupt.js';
import {
  clearAutoFailoverRecord,
  putAutoFailover,
  recoverKilledDrill,
  writeAutoFailoverRecord,
} from './recover.js';
import type { DrillInterruption, DrillReport, ScenarioName, ScenarioReport } from './model.js';
import { runScenario, writerRegion, type InterruptionLog } from './scenario.js';
import type { DrillTarget } from './target.js';

export interface DrillOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  /** AWS or the sandbox (./target.ts). */
  readonly target: DrillTarget;
  readonly scenarios: readonly ScenarioName[];
  readonly reporter?: Reporter;
  readonly timing?: Timing;
  /**
   * Aborted (reason: an `Interrupt`, ./interrupt.ts) on SIGINT/SIGTERM: the scenario stops
   * at its next wait, lets what runs server-side finish, ends its outage, and the drill
   * gives auto-failover and the lease back and returns a partial report (`interrupted`).
   */
  readonly signal?: AbortSignal;
  /**
   * Take over a DR lease that nothing runs any more, held by another operator (recorded).
   * The holder's own lease, left by a drill whose CLI died, is taken over without it.
   */
  readonly takeOver?: boolean;
  /** Where the drill keeps its records (`.dr/` below it): see ./recover.ts. @default the working directory */
  readonly stateDir?: string;
}

/** How long a released lease may still show in the other replica. */
const LEASE_RELEASE_REPLICATION_MS = 15_000;

export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const { clients, config } = options;
  const reporter = options.reporter ?? silentReporter;
  const naming = new Naming(config);
  const { primary, secondary } = config.regions;
  const started = Date.now();
  const { target } = options;
  const timing = options.timing ?? timingFor(config, { emulated: clients.endpoint !== undefined });
  const budget = rtoBudget(config);

  // One STS call: the report names the signing identity, and it names the operator too
  // unless DR_OPERATOR does.
  const principal = await callerArn(clients, secondary);
  const holder = operatorName(principal);
  const stateDir = options.stateDir ?? process.cwd();
  // The same operator's drill that was killed: put back what it left, then drill.
  await recoverKilledDrill({ clients, config, target, reporter, holder, timing, stateDir });

  // The drill starts from the designed state: the primary writes and is active.
  const [writer, active] = await Promise.all([
    writerRegion(clients, config, secondary),
    clients.ssm(secondary).getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true }),
  ]);
  if (writer !== primary || active.Parameter?.Value !== primary) {
    throw new UsageError(
      `the drill starts from ${primary} active and writing, but the writer is ${writer ?? 'unknown'} and active-region is ${active.Parameter?.Value ?? 'unset'}: fail back first (dr failback), or \`dr sandbox reset\``,
    );
  }

  const drillId = newOperationId('failover', secondary).replace(/^failover/, 'drill');
  const table = naming.leaseTable();
  const acquire = () =>
    acquireLease({
      ddb: clients.dynamodb(secondary),
      table,
      id: LEASE_ID,
      holder,
      operation: 'drill',
      operationId: drillId,
      ttlSeconds: LEASE_TTL_SECONDS,
      otherReplica: clients.dynamodb(primary),
      ...(options.takeOver ? { takeOver: true } : { takeOverOwn: true }),
    });
  // Taking it back after an execution released it: the release reaches the other
  // replica through global-table replication (about a second on AWS), so a holder that
  // is still there is waited out for a bounded time before it counts.
  const takeLease = async () => {
    const held = (error: unknown) => {
      if (error instanceof LockHeldError) return error;
      throw error;
    };
    const taken = await poll(
      () => acquire().then(() => undefined, held),
      (error) => error === undefined,
      { intervalMs: 250, timeoutMs: LEASE_RELEASE_REPLICATION_MS, clampToDeadline: false },
    );
    if (taken.value) throw taken.value;
  };
  const dropLease = async () => {
    await releaseLease(clients.dynamodb(secondary), table, LEASE_ID, holder).catch(() => false);
  };
  const leaseStep = reporter.step(`Lease for the drill (${holder})`);
  try {
    await acquire();
  } catch (error) {
    leaseStep.fail((error as Error).message);
    throw error;
  }
  leaseStep.succeed(holder);

  // Auto-failover on for the drill (the watchdog acts on its own), in both regions (the
  // shared parameters must stay equal: verify-sync checks it), restored afterwards.
  const autoName = naming.ssmShared('auto-failover');
  const regions = [primary, secondary];
  const autoBefore = await Promise.all(
    regions.map(
      async (r) =>
        (await clients.ssm(r).getParameter({ Name: autoName, WithDecryption: true })).Parameter?.Value,
    ),
  );
  const putAuto = (values: ReadonlyArray<string | undefined>) =>
    Promise.all(
      regions.map((r, i) =>
        values[i] === undefined
          ? Promise.resolve()
          : putAutoFailover(clients, naming, r, values[i] as string),
      ),
    );
  // Recorded first: a drill killed while it is on is set back by the next one (./recover.ts).
  await writeAutoFailoverRecord(stateDir, { regions, values: autoBefore });
  await putAuto(regions.map(() => 'on'));

  const scenarios: ScenarioReport[] = [];
  const { signal } = options;
  const interruption: InterruptionLog = { restored: [], left: [], executionRunning: false };
  let interruptedAt: number | undefined;
  const noteInterrupt = () => {
    interruptedAt ??= Date.now();
  };
  signal?.addEventListener('abort', noteInterrupt, { once: true });
  if (signal?.aborted) noteInterrupt();
  try {
    for (const name of options.scenarios) {
      if (signal?.aborted) break;
      scenarios.push(
        await runScenario(
          {
            clients,
            config,
            target,
            reporter,
            runId: drillId.replace(/^drill-/, 'drill-').slice(0, 40),
            timing,
            budget,
            takeLease,
            dropLease,
            ...(signal ? { signal } : {}),
            interruption,
          },
          name,
        ),
      );
      if (scenarios.at(-1)?.error) break; // the platform may not be back in its designed state
    }
  } finally {
    signal?.removeEventListener('abort', noteInterrupt);
    const restoredAuto = await putAuto(autoBefore).then(
      () => true,
      () => false,
    );
    if (restoredAuto) await clearAutoFailoverRecord(stateDir);
    // An execution still running holds the lease under the drill's holder: leave it to
    // release it at its end instead of opening the lease under it.
    if (!interruption.executionRunning) await dropLease();
    if (interruptedAt !== undefined) {
      if (restoredAuto)
        interruption.restored.push(`auto-failover set back to ${[...new Set(autoBefore)].join('/')}`);
      interruption.restored.push(
        interruption.executionRunning ? 'lease left to the running execution' : 'lease released',
      );
    }
  }

  let interrupted: DrillInterruption | undefined;
  const interrupt = interruptOf(signal);
  if (interrupt && interruptedAt !== undefined) {
    const stopped = scenarios.find((s) => s.interrupted);
    const next = options.scenarios[scenarios.length];
    // Where the platform was left: back in its designed state, or failed over.
    const [writerNow, activeNow] = await Promise.all([
      writerRegion(clients, config, secondary).catch(() => null),
      clients
        .ssm(secondary)
        .getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true })
        .then((o) => o.Parameter?.Value ?? null)
        .catch(() => null),
    ]);
    const left = [...interruption.left];
    if (!interruption.executionRunning && (writerNow !== primary || activeNow !== primary)) {
      left.push(
        `the platform is left failed over (writer ${writerNow ?? 'unknown'}, active-region ${activeNow ?? 'unknown'}): run \`dr failback${target.kind === 'sandbox' ? ' --sandbox' : ''} --yes\` to return to ${primary}`,
      );
    }
    interrupted = {
      signal: interrupt.signal,
      at: new Date(interruptedAt).toISOString(),
      scenario: stopped?.name ?? next ?? null,
      atStep: stopped?.interrupted?.atStep ?? (next ? `before ${next}` : 'after the last scenario'),
      restored: interruption.restored,
      left,
    };
  }

  const finished = Date.now();
  return {
    kind: 'dr-drill-report',
    version: 1,
    verdict:
      scenarios.length === options.scenarios.length && scenarios.every((s) => s.verdict === 'pass')
        ? 'pass'
        : 'fail',
    environment: {
      target: target.kind,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      regions: { primary, secondary },
      app: config.app,
      stage: config.environment,
      operator: holder,
      ...(principal ? { principal } : {}),
      host: hostname(),
      node: process.version,
    },
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date(finished).toISOString(),
    wallMs: finished - started,
    objectives: {
      rtoSeconds: config.objectives.rtoSeconds,
      maxReplicationLagMs: config.objectives.maxReplicationLagMs,
      writerPromotionSeconds: timing.pollSeconds * timing.maxPolls,
    },
    budget,
    lease: {
      table,
      holder,
      notes:
        'held by the drill throughout; each failover/failback execution holds it under the same holder and releases it at its end; handed to the watchdog for the region-outage trigger',
    },
    scenarios,
    simplifications: target.simplifications,
    ...(interrupted ? { interrupted } : {}),
  };
}
