/**
 * The health Lambda's own `/health` handler, its dependencies pointed at the sandbox: SSM
 * and RDS of the region (the emulator), its orders queue, and the region's PostgreSQL.
 * Shared by the Route 53 stand-in (./health-checkers.ts), the API Gateway stand-in
 * (./api-gateway.ts) and the in-process trade processor (./drill/platform.ts: the SSM
 * reader); its own module so that neither stand-in imports the other for it.
 */
import type { AwsClients } from '../aws/clients.js';
import type { DrConfig } from '../config/schema.js';
import { Naming } from '../contract/naming.js';
import { createHealthHandler } from '../lambdas/health/handler.js';
import { writerRoleOf } from '../lambdas/health/probes.js';
import type { DbPool } from '../lambdas/shared/db.js';
import { readSsmFence, type ParameterStore } from '../lambdas/shared/params.js';

/** SSM of one region as the Lambda helpers read it (GetParameter per name; missing names absent). */
export function emulatorParameterStore(clients: AwsClients, region: string): ParameterStore {
  return {
    async get(names) {
      const values = await Promise.all(
        names.map(async (name) => {
          try {
            const out = await clients.ssm(region).getParameter({ Name: name, WithDecryption: true });
            return [name, out.Parameter?.Value] as const;
          } catch (error) {
            if ((error as Error).name === 'ParameterNotFound') return [name, undefined] as const;
            throw error;
          }
        }),
      );
      return Object.fromEntries(values.filter((v): v is readonly [string, string] => v[1] !== undefined));
    },
  };
}

/**
 * The health Lambda's own handler for `region`, its dependencies pointed at the sandbox:
 * SSM and RDS of that region (the emulator), its orders queue, and `db` (the region's
 * PostgreSQL: the secondary record's read probe is answered by a hot standby). Shared by
 * the Route 53 stand-in and the API Gateway stand-in.
 */
export function sandboxHealthHandler(options: {
  /** The function's own calls (its execution role in the sandbox: ./identity.ts). */
  clients: AwsClients;
  /**
   * Reads what the stack hands the function in its environment (the orders queue's URL,
   * DR_ORDERS_QUEUE_URL on AWS). @default - `clients`
   */
  admin?: AwsClients;
  config: DrConfig;
  region: string;
  db: DbPool;
}): ReturnType<typeof createHealthHandler> {
  const { clients, config, region, db } = options;
  const admin = options.admin ?? clients;
  let queueUrl: Promise<string | undefined> | undefined;
  const naming = new Naming(config);
  const parameters = emulatorParameterStore(clients, region);
  return createHealthHandler({
    region,
    record: naming.roleOf(region),
    log: () => {},
    ssmFence: () => readSsmFence(parameters, naming),
    writer: async () => {
      const out = await clients
        .rds(region)
        .describeGlobalClusters({ GlobalClusterIdentifier: naming.globalCluster() });
      return writerRoleOf(
        out.GlobalClusters?.[0]?.GlobalClusterMembers ?? [],
        region,
        naming.dbCluster(region),
      );
    },
    queue: async () => {
      queueUrl ??= admin
        .sqs(region)
        .getQueueUrl({ QueueName: naming.ordersQueue(region) })
        .then((out) => out.QueueUrl)
        .catch((error: unknown) => {
          queueUrl = undefined; // asked again by the next probe
          throw error;
        });
      const out = await clients.sqs(region).getQueueAttributes({
        QueueUrl: await queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      });
      return { visibleMessages: Number(out.Attributes?.ApproximateNumberOfMessages ?? Number.NaN) };
    },
    db,
  });
}
