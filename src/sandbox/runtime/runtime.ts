/**
 * The live sandbox's platform, assembled: what runs the deployed stacks between `dr sandbox
 * up` and `down` (moto stores them but runs no Lambda code, serves no API Gateway and
 * evaluates no health check). One `SandboxRuntime` per sandbox, inside the detached
 * runtime process (./daemon.ts). In start order:
 *
 * 1. the regions' databases (./database.ts: one PostgreSQL server per region, the writer
 *    where Aurora's writer is, the other region's server its streaming hot standby), the
 *    emulator's RDS Data API of each region's cluster mapped to its region's server, then
 *    `dr deploy`'s database step through that Data API, as on AWS: migrations, the fence
 *    row seeded from SSM, the login roles' passwords from their secrets (all on the
 *    writer, replicated to the standby);
 * 2. the API Gateway stand-in (../api-gateway.ts): both regions' order APIs on one port;
 * 3. Route 53's health checkers and failover records (../health-checkers.ts), every
 *    health-check interval at the pace (./pace.ts), the config's failure threshold; each
 *    region's `/health` probes its own region's server (a standby answers its reads);
 * 4. one order pump per region (../pump.ts): the trade processor's own handler, fed from
 *    its region's queue while its event source mapping is Enabled, as its execution role,
 *    writing to its region's server;
 * 5. the DNS-following order endpoint (./order-endpoint.ts);
 * 6. the failover watchdog on its schedule (../watchdog-schedule.ts), every minute at the
 *    pace, in the secondary region (as the stack schedules it where it is standby);
 * 7. the replication link (./replication-link.ts): Aurora's writer moves (the emulator's
 *    database hook, `databaseHook`) move the servers' writer, a regional outage cuts
 *    replication, and the lag the standby shows is what the emulator publishes as
 *    `AuroraGlobalDBReplicationLag`.
 *
 * `stop()` undoes it all in reverse: the emulator's hook and lag put back, the forced
 * health-check statuses cleared, the Data API unmapped, the databases stopped.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { StaticCredentials } from '../../aws/sdk-config.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { applyDbCredentials } from '../../core/db-credentials.js';
import { awsTarget, migrateOrders, readWriter, writerClusterRegion } from '../../core/deploy/migrate.js';
import { readHealthChecks } from '../../core/checks/read.js';
import { readSsmFence } from '../../lambdas/shared/params.js';
import { DbPool, urlDbSettings } from '../../lambdas/shared/db.js';
import { cachedSsmFence } from '../../lambdas/trade-processor/fencing.js';
import { createHandler } from '../../lambdas/trade-processor/handler.js';
import { startApiGateway, type RunningApiGateway } from '../api-gateway.js';
import { mapDataApi, sandboxClusterArn, setHealthCheckStatus } from '../emulator.js';
import { HealthCheckers } from '../health-checkers.js';
import { emulatorParameterStore } from '../health-handler.js';
import { functionClients } from '../identity.js';
import { OrderPump } from '../pump.js';
import { WatchdogSchedule, type ScheduledWatchdogRun } from '../watchdog-schedule.js';
import type { Pace, RuntimeStatus } from './contract.js';
import {
  DEFAULT_SHIPPING_DELAY_MS,
  startReplicatedDatabases,
  type DatabaseProcess,
  type RuntimeDatabases,
} from './database.js';
import { startOrderEndpoint, type RunningOrderEndpoint } from './order-endpoint.js';
import { healthIntervalMs, watchdogPeriodMs } from './pace.js';
import { ReplicationLink } from './replication-link.js';

/** The runtime's own calls to the emulator: one attempt, a few seconds (a lost region fails fast). */
const RUNTIME_CALLS = { timeoutMs: 5000, maxAttempts: 1 } as const;

export interface RuntimeOptions {
  /** The emulator. */
  readonly endpoint: string;
  /** The sandbox account's root key pair (the runtime plays AWS's services: it acts as administrator). */
  readonly credentials: StaticCredentials;
  readonly config: DrConfig;
  readonly pace: Pace;
  /** How late WAL reaches the standby, ms. @default DEFAULT_SHIPPING_DELAY_MS */
  readonly shippingDelayMs?: number;
  /** Where the emulator posts Aurora's writer moves (the daemon's `POST /rds`). */
  readonly databaseHook: string;
  /** Called with the database servers whenever one starts or stops (the daemon records them). */
  readonly onDatabases?: (processes: readonly DatabaseProcess[]) => void;
  /** One line per step, for the runtime's log. */
  readonly log?: (line: string) => void;
}

/** What the runtime runs, for its status and for the record `up` writes. */
export interface RuntimeEndpoints {
  readonly orderApiUrl: string;
  readonly regionApiUrls: Readonly<Record<string, string>>;
  readonly databaseUrls: Readonly<Record<string, string>>;
  readonly shippingDelayMs: number;
}

/** Runs `GET /status` lists: the last ones, and every one that did something or failed. */
const RECENT_WATCHDOG_RUNS = 50;

/**
 * The watchdog runs a status shows: every run that decided something or failed, and the
 * last `RECENT_WATCHDOG_RUNS` (at the compressed pace the schedule runs every 1.2 s: a
 * day's quiet runs would make every status megabytes).
 */
function recentRuns(runs: readonly ScheduledWatchdogRun[]): ScheduledWatchdogRun[] {
  const from = Math.max(0, runs.length - RECENT_WATCHDOG_RUNS);
  return runs.filter(
    (run, i) => i >= from || run.error !== undefined || (run.decision && run.decision.action !== 'none'),
  );
}

export class SandboxRuntime {
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: RuntimeOptions,
    private readonly parts: {
      readonly clients: AwsClients;
      readonly databases: RuntimeDatabases;
      readonly clusterArns: readonly string[];
      readonly gateway: RunningApiGateway;
      readonly checkers: HealthCheckers;
      readonly pumps: readonly OrderPump[];
      readonly handlerPools: readonly DbPool[];
      readonly roleClients: readonly AwsClients[];
      readonly endpoint: RunningOrderEndpoint;
      readonly watchdog: WatchdogSchedule;
      readonly link: ReplicationLink;
    },
  ) {}

  /** Starts every piece; on a failure what was started is stopped again and the error thrown. */
  static async start(options: RuntimeOptions): Promise<SandboxRuntime> {
    const { config, pace } = options;
    const log = options.log ?? (() => {});
    const naming = new Naming(config);
    const regions = [config.regions.primary, config.regions.secondary];
    const { createClients } = await import('../../aws/clients.js');
    const clients = createClients({
      endpoint: options.endpoint,
      credentials: options.credentials,
      ...RUNTIME_CALLS,
    });
    // What is running, undone in reverse on a failure.
    const undo: Array<() => Promise<unknown>> = [async () => clients.destroy()];
    const step = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      try {
        const value = await run();
        log(`${what}: ${Date.now() - started} ms`);
        return value;
      } catch (error) {
        throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      }
    };
    const shippingDelayMs = options.shippingDelayMs ?? DEFAULT_SHIPPING_DELAY_MS;
    try {
      const databases = await step('databases', async () => {
        // The writer's server where Aurora's writer is (a runtime started after a failover).
        const writer =
          (await writerClusterRegion(clients, naming, config.regions.secondary)) ??
          (await writerClusterRegion(clients, naming, config.regions.primary)) ??
          (await readWriter(clients, naming, config.regions)).activeRegion;
        return startReplicatedDatabases({
          writer,
          standby: regions.find((r) => r !== writer) ?? config.regions.secondary,
          databaseName: config.database.databaseName,
          shippingDelayMs,
          ...(options.onDatabases ? { onProcesses: options.onDatabases } : {}),
        });
      });
      undo.push(() => databases.stop());

      const clusterArns = await step('Data API of both clusters mapped', async () => {
        const arns = await Promise.all(
          regions.map(async (region) => ({ region, arn: await sandboxClusterArn(clients, naming, region) })),
        );
        undo.push(() => Promise.all(arns.map(({ arn }) => mapDataApi(options.endpoint, arn, null))));
        // The writer's first: the emulator makes the global database's master user there,
        // and the standby (read-only) gets it by replication.
        const writerFirst = [...arns].sort(
          (a, b) => Number(b.region === databases.writer()) - Number(a.region === databases.writer()),
        );
        for (const { region, arn } of writerFirst)
          await mapDataApi(options.endpoint, arn, databases.url(region));
        return arns.map((a) => a.arn);
      });

      await step("dr deploy's database step (migrations, fence, roles' passwords)", async () => {
        const migrated = await migrateOrders({
          target: awsTarget({ clients, naming, database: config.database.databaseName }),
          writer: () => readWriter(clients, naming, config.regions),
          credentials: (sql) =>
            applyDbCredentials({ clients, naming, secretRegion: config.regions.primary, sql }),
        });
        if (migrated.status !== 'applied') throw new Error(migrated.reason ?? migrated.status);
      });

      const gateway = await step('API Gateway stand-in', () =>
        startApiGateway({ clients, config, dbUrl: (region) => databases.url(region) }),
      );
      undo.push(() => gateway.close());

      const checkers = await step('Route 53 health checkers', async () => {
        // They start from Route 53's view of a new check (healthy) and force a status only
        // when one flips: a status a killed runtime left forced would never be cleared.
        const probes = new Set(
          regions.map((r) => naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, r)),
        );
        const checks = await readHealthChecks(clients.route53(config.regions.primary));
        await Promise.all(
          checks
            .filter((c) => probes.has(c.fqdn))
            .map((c) => setHealthCheckStatus(options.endpoint, c.id, null)),
        );
        return HealthCheckers.create({
          clients,
          config,
          endpoint: options.endpoint,
          dbUrl: (region) => databases.url(region),
          intervalMs: healthIntervalMs(config, pace),
        });
      });
      undo.push(() => checkers.close());

      const handlerPools: DbPool[] = [];
      const roleClients: AwsClients[] = [];
      undo.push(async () => {
        await Promise.all(handlerPools.map((p) => p.end().catch(() => {})));
        for (const own of roleClients) own.destroy();
      });
      const pumps = await step('order pumps (trade processors)', () =>
        Promise.all(
          regions.map(async (region) => {
            const [queue, mappings, own] = await Promise.all([
              clients.sqs(region).getQueueUrl({ QueueName: naming.ordersQueue(region) }),
              clients
                .lambda(region)
                .listEventSourceMappings({ FunctionName: naming.lambda(region, 'trade-processor') }),
              // Its code's calls and its queue's poller as its execution role (../identity.ts).
              functionClients(clients, config, 'trade-processor', region),
            ]);
            roleClients.push(own);
            const queueUrl = queue.QueueUrl;
            const mappingUuid = mappings.EventSourceMappings?.[0]?.UUID;
            if (!queueUrl || !mappingUuid) {
              throw new Error(`the sandbox has no orders queue or trade-processor mapping in ${region}`);
            }
            const pool = new DbPool(urlDbSettings(databases.url(region)), {
              max: 2,
              connectionTimeoutMillis: 5000,
            });
            handlerPools.push(pool);
            const parameters = emulatorParameterStore(own, region);
            const handler = createHandler({
              region,
              ssmFence: cachedSsmFence(() => readSsmFence(parameters, naming)),
              db: pool,
              // What the Lambda would log as a warning or an error goes to the runtime's log.
              log: (level, message, fields) => {
                if (level !== 'info')
                  log(`trade processor ${region}: ${message} ${JSON.stringify(fields ?? {})}`);
              },
            });
            return new OrderPump({ clients, pollerClients: own, region, queueUrl, mappingUuid, handler });
          }),
        ),
      );
      undo.push(() => Promise.all(pumps.map((p) => p.stop())));

      const endpoint = await step('DNS-following order endpoint', () =>
        startOrderEndpoint({
          clients,
          config,
          pace,
          regionUrl: (region) => gateway.baseUrl(region),
          fallbackAnswer: () => checkers.answer(),
        }),
      );
      undo.push(() => endpoint.close());

      const link = await step('replication link (database hook, outages, lag)', () =>
        ReplicationLink.start({
          endpoint: options.endpoint,
          databases,
          hookUrl: options.databaseHook,
          pace,
          shippingDelayMs,
          log,
        }),
      );
      undo.push(() => link.stop());

      const watchdog = new WatchdogSchedule({
        clients,
        config,
        everyMs: watchdogPeriodMs(pace),
        probeIntervalMs: healthIntervalMs(config, pace),
      });
      checkers.start();
      for (const pump of pumps) pump.start();
      watchdog.start();
      log(
        `running at pace ${pace.name} (×${pace.factor}): orders ${endpoint.url}, API Gateway port ${gateway.port}, writer ${databases.writer()}, WAL shipped ${shippingDelayMs} ms late`,
      );
      return new SandboxRuntime(options, {
        clients,
        databases,
        clusterArns,
        gateway,
        checkers,
        pumps,
        handlerPools,
        roleClients,
        endpoint,
        watchdog,
        link,
      });
    } catch (error) {
      for (let next = undo.pop(); next; next = undo.pop()) await next().catch(() => {});
      throw error;
    }
  }

  get pace(): Pace {
    return this.options.pace;
  }

  endpoints(): RuntimeEndpoints {
    const regions = [this.options.config.regions.primary, this.options.config.regions.secondary];
    const { gateway, databases, endpoint } = this.parts;
    return {
      orderApiUrl: endpoint.url,
      regionApiUrls: Object.fromEntries(regions.map((r) => [r, gateway.baseUrl(r)])),
      databaseUrls: Object.fromEntries(regions.map((r) => [r, databases.url(r)])),
      shippingDelayMs: this.options.shippingDelayMs ?? DEFAULT_SHIPPING_DELAY_MS,
    };
  }

  /** The emulator's database hook (`POST /rds` of the control endpoint): see ./replication-link.ts. */
  databaseHook(event: unknown): Promise<Record<string, unknown>> {
    return this.parts.link.handle(event);
  }

  /** `GET /status` of the control endpoint. */
  async status(): Promise<RuntimeStatus> {
    const { config } = this.options;
    const { checkers, databases, pumps, watchdog, endpoint, link } = this.parts;
    const regions = [config.regions.primary, config.regions.secondary];
    const writer = databases.writer();
    const replicationLagMs = await databases.observedLagMs().catch(() => null);
    const lastFlip = (region: string) => [...checkers.events].reverse().find((e) => e.region === region);
    const resolution = endpoint.last;
    return {
      pid: process.pid,
      pace: this.options.pace,
      answer: checkers.answer(),
      regions: Object.fromEntries(
        regions.map((region) => {
          const healthy = checkers.healthy(region);
          const flip = lastFlip(region);
          const since = flip ? ` since ${new Date(flip.at).toISOString()}` : ' since the runtime started';
          return [
            region,
            {
              healthy,
              detail: `Route 53 health check ${healthy ? 'healthy' : 'unhealthy'}${since}`,
              databaseUrl: databases.url(region),
            },
          ];
        }),
      ),
      writer,
      dnsEvents: [...checkers.events],
      watchdogRuns: recentRuns(watchdog.runs).map((run) => ({
        at: run.at,
        ms: run.ms,
        region: run.region,
        ...(run.decision ? { action: run.decision.action, reason: run.decision.reason } : {}),
        ...(run.executionArn ? { executionArn: run.executionArn } : {}),
        ...(run.error ? { error: run.error } : {}),
      })),
      pumps: Object.fromEntries(
        pumps.map((p) => {
          const s = p.snapshot();
          return [s.region, { received: s.received, deleted: s.deleted }];
        }),
      ),
      replicationLagMs,
      replication: link.state(),
      ...(resolution
        ? {
            orderEndpoint: {
              region: resolution.region,
              source: resolution.source,
              resolvedAt: resolution.at,
              until: resolution.until,
              forwarded: { ...endpoint.forwarded },
            },
          }
        : {}),
    };
  }

  /** Stops everything in reverse order; a second call waits for the first. */
  stop(): Promise<void> {
    this.stopping ??= this.stopOnce();
    return this.stopping;
  }

  private async stopOnce(): Promise<void> {
    const {
      endpoint,
      watchdog,
      pumps,
      checkers,
      gateway,
      handlerPools,
      roleClients,
      clusterArns,
      databases,
      clients,
      link,
    } = this.parts;
    const quietly = async (what: string, run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        this.options.log?.(`stopping: ${what}: ${(error as Error).message}`);
      }
    };
    // First: no writer move (the emulator's hook) may start while the rest stops.
    await quietly('replication link', () => link.stop());
    await quietly('order endpoint', () => endpoint.close());
    await quietly('watchdog schedule', () => watchdog.stop());
    await quietly('order pumps', () => Promise.all(pumps.map((p) => p.stop())));
    await quietly('health checkers', () => checkers.close());
    await quietly('API Gateway stand-in', () => gateway.close());
    await quietly('handler pools', () => Promise.all(handlerPools.map((p) => p.end())));
    for (const own of roleClients) own.destroy();
    await quietly('Data API mapping', () =>
      Promise.all(clusterArns.map((arn) => mapDataApi(this.options.endpoint, arn, null))),
    );
    await quietly('databases', () => databases.stop());
    clients.destroy();
  }
}
