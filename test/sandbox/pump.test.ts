/**
 * The sandbox's order pump (the trade processor's SQS event source mapping, in-process)
 * honours the function's reserved concurrency as Lambda does: at 0 (the AWS drill's
 * PutFunctionConcurrency 0) it invokes nothing and the orders stay queued. Against the
 * emulator and a real PostgreSQL (started here), through the drill's SandboxPlatform.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { processedRows } from '../../src/core/drill/orders.js';
import { useDeployedPlatform } from './deployed.js';
import { naming, primary } from '../core/failover/helpers.js';
import { sleep, startSandboxPlatform, until, useOrdersDatabase, visibleMessages } from './helpers.js';

const { endpoint } = useDeployedPlatform();
const { clients, orders } = useOrdersDatabase(endpoint);

/** A body the trade processor accepts (src/lambdas/trade-processor/order.ts). */
const order = (id: string) =>
  JSON.stringify({
    clientOrderId: id,
    account: 'DRILL',
    symbol: 'DRL',
    side: 'buy',
    quantity: 1,
    limitPrice: '100.25',
    timestamp: new Date().toISOString(),
  });

describe('order pump: reserved concurrency', () => {
  it('invokes nothing while the trade processor reserves 0, and processes the queued orders once it is deleted', async () => {
    // Given the sandbox platform running, and the primary's trade processor at reserved concurrency 0
    const platform = await startSandboxPlatform(clients, endpoint, orders.url, 1000);
    try {
      const pump = platform.pumps.find((p) => p.snapshot().region === primary);
      assert.ok(pump);
      const functionName = naming.lambda(primary, 'trade-processor');
      await clients
        .lambda(primary)
        .putFunctionConcurrency({ FunctionName: functionName, ReservedConcurrentExecutions: 0 });
      const seen = pump.snapshot().skippedThrottled;
      await until(
        'a poll after the change',
        () => pump.snapshot().skippedThrottled,
        (n) => n > seen,
      );

      // When orders are sent to the primary's queue
      const prefix = `rt-pump-${Date.now()}`;
      const queueUrl = platform.queueUrls[primary] ?? '';
      for (let i = 0; i < 4; i += 1) {
        await clients.sqs(primary).sendMessage({ QueueUrl: queueUrl, MessageBody: order(`${prefix}-${i}`) });
      }
      await sleep(800);

      // Then none is processed: they stay visible in the queue, and the pump received nothing
      assert.equal((await processedRows(orders.db, prefix)).length, 0);
      assert.equal(await visibleMessages(clients, primary, queueUrl), 4);
      assert.equal(pump.snapshot().received, 0);
      assert.ok(pump.snapshot().skippedThrottled > seen);

      // When the reservation is deleted, the queued orders are processed there
      await clients.lambda(primary).deleteFunctionConcurrency({ FunctionName: functionName });
      const rows = await until(
        'processed orders',
        () => processedRows(orders.db, prefix),
        (r) => r.length === 4,
      );
      assert.deepEqual(new Set(rows.map((r) => r.region)), new Set([primary]));
      await until(
        'an empty queue',
        () => visibleMessages(clients, primary, queueUrl),
        (n) => n === 0,
      );
    } finally {
      await platform.close();
    }
  });
});
