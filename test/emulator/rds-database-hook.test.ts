/**
 * The emulator's database hook (test/emulator/dr_emulator/dbhook.py): Aurora's writer
 * moves only after the sandbox's databases have moved, and a returning old primary is
 * re-synced by them after the configured delay. The hook here is a local HTTP server that
 * records each event and, while it handles one, reads the global cluster from the
 * emulator: the writer must not have moved yet.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, describe, it } from 'node:test';
import {
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { configureEmulator, restoreRegion, setOutage } from '../../src/sandbox/emulator.js';
import { useEmulator } from './client.js';
import { GLOBAL, givenGlobalCluster } from './global-cluster.js';

const endpoint = useEmulator();

interface HookEvent {
  readonly action: string;
  readonly [key: string]: unknown;
  /** The writer the emulator reported while the hook was handling this event. */
  readonly writerDuring?: string;
}

/** A hook server: answers `status` to every event after recording it. */
async function givenHook(reader: RDSClient, status = 200): Promise<{ events: HookEvent[]; server: Server }> {
  const events: HookEvent[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        const event = JSON.parse(body) as HookEvent;
        const writerDuring = await writerOf(reader);
        events.push({ ...event, writerDuring });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(status === 200 ? '{}' : '{"error":"the standby is not there"}');
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const port = (server.address() as AddressInfo).port;
  await configureEmulator(endpoint, { databaseHook: `http://127.0.0.1:${port}/rds` });
  return { events, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await configureEmulator(endpoint, { databaseHook: null, resyncDelaySeconds: 0 });
  for (const server of servers.splice(0)) server.close();
});
after(async () => {
  await restoreRegion(endpoint);
});

async function writerOf(client: RDSClient): Promise<string | undefined> {
  const out = await client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL }));
  return out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
}

async function syncStatusOf(client: RDSClient, arn: string): Promise<string | undefined> {
  const out = await client.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: GLOBAL }));
  return out.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.DBClusterArn === arn)
    ?.SynchronizationStatus;
}

describe('emulator: the sandbox databases move before Aurora writer does', () => {
  it('a switchover calls the hook first, then moves the writer', async () => {
    // Given a global cluster and a database hook
    const { east2, primaryArn, secondaryArn } = await givenGlobalCluster();
    const { events } = await givenHook(east2);

    // When it is switched over to us-east-2
    await east2.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );

    // Then the hook was told, while us-east-1 still wrote, and us-east-2 writes now
    assert.equal(events.length, 1);
    assert.equal(events[0]?.action, 'switchover');
    assert.equal(events[0]?.fromRegion, 'us-east-1');
    assert.equal(events[0]?.toRegion, 'us-east-2');
    assert.equal(events[0]?.toCluster, secondaryArn);
    assert.equal(events[0]?.writerDuring, primaryArn);
    assert.equal(await writerOf(east2), secondaryArn);
  });

  it('a hook that fails keeps the writer where it was and fails the call', async () => {
    // Given a hook that refuses
    const { east2, primaryArn, secondaryArn } = await givenGlobalCluster();
    await givenHook(east2, 500);

    // When a switchover is asked
    const attempt = east2.send(
      new SwitchoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
      }),
    );

    // Then it fails, naming the databases, and us-east-1 still writes
    await assert.rejects(attempt, (error: Error) => {
      assert.equal(error.name, 'InvalidGlobalClusterStateFault');
      assert.match(error.message, /databases refused switchover/);
      return true;
    });
    assert.equal(await writerOf(east2), primaryArn);
  });

  it('an unplanned failover calls the hook; the old primary is re-synced by it after the delay once its region is back', async () => {
    // Given a hook, a re-sync delay, and us-east-1 lost
    const { east1, east2, primaryArn, secondaryArn } = await givenGlobalCluster();
    const { events } = await givenHook(east2);
    await configureEmulator(endpoint, { resyncDelaySeconds: 1 });
    await setOutage(endpoint, 'us-east-1', 'refuse');

    // When us-east-2 fails over with AllowDataLoss
    await east2.send(
      new FailoverGlobalClusterCommand({
        GlobalClusterIdentifier: GLOBAL,
        TargetDbClusterIdentifier: secondaryArn,
        AllowDataLoss: true,
      }),
    );

    // Then the hook cut over first; the old primary waits for its region
    assert.deepEqual(
      events.map((e) => [e.action, e.allowDataLoss, e.writerDuring]),
      [['failover', true, primaryArn]],
    );
    assert.equal(await syncStatusOf(east2, primaryArn), 'pending-resync');

    // When us-east-1 answers again
    await restoreRegion(endpoint, 'us-east-1');
    const back = Date.now();

    // Then it stays pending (readable for what it lost) until the hook has re-synced it
    assert.equal(await syncStatusOf(east1, primaryArn), 'pending-resync');
    const deadline = Date.now() + 15_000;
    while ((await syncStatusOf(east1, primaryArn)) !== 'connected') {
      assert.ok(Date.now() < deadline, 'the old primary was not re-synced within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(Date.now() - back >= 1000, 're-synced before the delay');
    const resync = events.filter((e) => e.action === 'resync');
    assert.equal(resync.length, 1);
    assert.equal(resync[0]?.cluster, primaryArn);
    assert.equal(resync[0]?.region, 'us-east-1');
  });
});
