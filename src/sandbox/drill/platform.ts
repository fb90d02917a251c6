/**
 * The running pieces a sandbox drill needs beside the emulator: the orders database
 * pool, one order pump per region (the trade processor's handler, in-process) and the
 * Route 53 stand-in (health checkers + failover records). The RDS Data API is the
 * emulator's own, running its SQL on the same PostgreSQL (mapped by ./sandbox-drill.ts).
 * Created once per drill, closed at its end.
 */
import pg from 'pg';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { readSsmFence } from '../../lambdas/shared/params.js';
import { DbPool, urlDbSettings } from '../../lambdas/shared/db.js';
import { cachedSsmFence } from '../../lambdas/trade-processor/fencing.js';
import { createHandler } from '../../lambdas/trade-processor/handler.js';
import { HealthCheckers } from '../health-checkers.js';
import { emulatorParameterStore } from '../health-handler.js';
import { OrderPump } from '../pump.js';
import { functionClients } from '../identity.js';

export interface SandboxPlatformOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly endpoint: string;
  readonly dbUrl: string;
  /** Route 53 stand-in check interval. */
  readonly healthIntervalMs: number;
}

export class SandboxPlatform {
  private constructor(
    readonly db: pg.Pool,
    readonly pumps: readonly OrderPump[],
    readonly checkers: HealthCheckers,
    readonly queueUrls: Readonly<Record<string, string>>,
    private readonly handlerPools: readonly DbPool[],
    private readonly roleClients: readonly AwsClients[],
  ) {}

  static async start(options: SandboxPlatformOptions): Promise<SandboxPlatform> {
    const { clients, config } = options;
    const naming = new Naming(config);
    const regions = [config.regions.primary, config.regions.secondary];
    const db = new pg.Pool({ connectionString: options.dbUrl, max: 4 });
    // An idle client whose server goes away (the drill's PostgreSQL stopping at the end)
    // emits 'error' on the pool; without a listener that would end the process.
    db.on('error', () => {});
    const queueUrls: Record<string, string> = {};
    const pumps: OrderPump[] = [];
    const handlerPools: DbPool[] = [];
    const roleClients: AwsClients[] = [];
    try {
      for (const region of regions) {
        const [queue, mappings] = await Promise.all([
          clients.sqs(region).getQueueUrl({ QueueName: naming.ordersQueue(region) }),
          clients
            .lambda(region)
            .listEventSourceMappings({ FunctionName: naming.lambda(region, 'trade-processor') }),
        ]);
        const url = queue.QueueUrl;
        const uuid = mappings.EventSourceMappings?.[0]?.UUID;
        if (!url || !uuid)
          throw new Error(`the sandbox has no orders queue or trade-processor mapping in ${region}`);
        queueUrls[region] = url;
        // The Lambda's own handler with its dependencies pointed at the sandbox: SSM of
        // its region (the emulator), the shared local PostgreSQL.
        const pool = new DbPool(urlDbSettings(options.dbUrl), { max: 1, connectionTimeoutMillis: 5000 });
        handlerPools.push(pool);
        // Its code's calls as its execution role, as in Lambda (../identity.ts).
        const own = await functionClients(clients, config, 'trade-processor', region);
        roleClients.push(own);
        const parameters = emulatorParameterStore(own, region);
        const handler = createHandler({
          region,
          ssmFence: cachedSsmFence(() => readSsmFence(parameters, naming)),
          db: pool,
          log: () => {},
        });
        pumps.push(
          new OrderPump({ clients, pollerClients: own, region, queueUrl: url, mappingUuid: uuid, handler }),
        );
      }
      const checkers = await HealthCheckers.create({
        clients,
        config,
        endpoint: options.endpoint,
        dbUrl: options.dbUrl,
        intervalMs: options.healthIntervalMs,
      });
      const platform = new SandboxPlatform(db, pumps, checkers, queueUrls, handlerPools, roleClients);
      for (const pump of pumps) pump.start();
      checkers.start();
      return platform;
    } catch (error) {
      for (const own of roleClients) own.destroy();
      await Promise.all(handlerPools.map((p) => p.end().catch(() => {})));
      await db.end().catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.pumps.map((p) => p.stop()));
    await this.checkers.close();
    await Promise.all(this.handlerPools.map((p) => p.end().catch(() => {})));
    for (const own of this.roleClients) own.destroy();
    await this.db.end().catch(() => {});
  }
}
