/**
 * Shared by the sandbox-runtime tests (the in-process stand-ins against the emulator):
 * the orders database (and the emulator's clients with it), the drill's in-process
 * platform, the AWS drill's stage throttle, and small waits and reads.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import pg from 'pg';
import type { AwsClients } from '../../src/aws/clients.js';
import { findRestApiId, stageThrottlePatch } from '../../src/core/order-api.js';
import { seedFence } from '../../src/contract/database.js';
import { applyMigrations, loadMigrations } from '../../src/core/db-migrations.js';
import { startPostgres } from '../../src/sandbox/postgres.js';
import { SandboxPlatform } from '../../src/sandbox/drill/platform.js';
import { config, naming, primary } from '../core/failover/helpers.js';
import { useEmulatorClients } from '../emulator/use-clients.js';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads until `ok`, every 50 ms; fails with the last value after `ms`. */
export async function until<T>(
  what: string,
  read: () => Promise<T> | T,
  ok: (value: T) => boolean,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(last)} after ${ms} ms`);
    await sleep(50);
    last = await read();
  }
  return last;
}

export interface OrdersDatabase {
  readonly url: string;
  readonly db: pg.Pool;
  stop(): Promise<void>;
}

/** A throw-away PostgreSQL with the platform's schema and the fence at the primary, epoch 1. */
export async function ordersDatabase(): Promise<OrdersDatabase> {
  const database = await startPostgres({ database: 'trading' });
  const db = new pg.Pool({ connectionString: database.url });
  db.on('error', () => {}); // the server stops at the end: idle clients must not crash the run
  const admin = await db.connect();
  try {
    await applyMigrations(admin, loadMigrations());
    await seedFence(admin, { activeRegion: primary, epoch: 1 });
  } finally {
    admin.release();
  }
  return {
    url: database.url,
    db,
    stop: async () => {
      await db.end().catch(() => {});
      await database.stop();
    },
  };
}

/**
 * For a file (or a describe) on the deployed sandbox at `endpoint`: the emulator's clients
 * (3 s timeouts; destroyed `after`) and a throw-away orders database, started `before` and
 * stopped `after`. `orders.url` and `orders.db` are read once the tests run.
 */
export function useOrdersDatabase(endpoint: string): {
  readonly clients: AwsClients;
  readonly orders: Pick<OrdersDatabase, 'url' | 'db'>;
} {
  const clients = useEmulatorClients(endpoint, 3000);
  let started: OrdersDatabase | undefined;
  before(async () => {
    started = await ordersDatabase();
  });
  after(async () => {
    await started?.stop();
  });
  const running = (): OrdersDatabase => {
    assert.ok(started, 'the orders database starts before the tests');
    return started;
  };
  return {
    clients,
    orders: {
      get url() {
        return running().url;
      },
      get db() {
        return running().db;
      },
    },
  };
}

/** The drill's in-process platform (Lambda, Route 53's checkers) over the orders database at `dbUrl`. */
export function startSandboxPlatform(
  clients: AwsClients,
  endpoint: string,
  dbUrl: string,
  healthIntervalMs = 200,
): Promise<SandboxPlatform> {
  return SandboxPlatform.start({ clients, config, endpoint, dbUrl, healthIntervalMs });
}

export async function restApiId(clients: AwsClients, region: string): Promise<string> {
  const id = await findRestApiId(clients.apiGateway(region), naming.restApi(region));
  assert.ok(id, `no REST API in ${region}`);
  return id;
}

/** The AWS drill's data-plane blackout of a stage: rate 0, burst 0. */
export const BLACKOUT = { rateLimit: 0, burstLimit: 0 } as const;

/** Patches the stage-wide throttle as the AWS drill does (`/*\/*\/throttling/…`). */
export async function throttleStage(
  clients: AwsClients,
  region: string,
  limits: { readonly rateLimit: number; readonly burstLimit: number },
): Promise<void> {
  await clients.apiGateway(region).updateStage({
    restApiId: await restApiId(clients, region),
    stageName: naming.restApiStage(),
    patchOperations: stageThrottlePatch(limits),
  });
}

/** Whether the emulator's Route 53 health check of `region` is forced to Failure. */
export async function healthCheckFailing(clients: AwsClients, region: string): Promise<boolean> {
  const fqdn = naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, region);
  const checks = (await clients.route53(primary).listHealthChecks({})).HealthChecks ?? [];
  const id = checks.find((c) => c.HealthCheckConfig?.FullyQualifiedDomainName === fqdn)?.Id;
  assert.ok(id, `no health check for ${fqdn}`);
  const status = await clients.route53(primary).getHealthCheckStatus({ HealthCheckId: id });
  return (status.HealthCheckObservations ?? []).some((o) => o.StatusReport?.Status?.startsWith('Failure'));
}

export async function visibleMessages(
  clients: AwsClients,
  region: string,
  queueUrl: string,
): Promise<number> {
  const out = await clients.sqs(region).getQueueAttributes({
    QueueUrl: queueUrl,
    AttributeNames: ['ApproximateNumberOfMessages'],
  });
  return Number(out.Attributes?.ApproximateNumberOfMessages);
}
