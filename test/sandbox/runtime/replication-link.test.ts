/**
 * The live sandbox's databases (issue 15 part 4): one PostgreSQL server per region, the
 * secondary a read-only hot standby fed by streaming replication, moved by Aurora's writer
 * moves through the emulator's database hook. Against the lane's deployed sandbox with its
 * runtime started by the built CLI (`dr sandbox up --replication-lag-ms 500`), orders
 * POSTed SigV4-signed to the DNS-following order endpoint as a client does, failovers run
 * as an SRE runs them (`dr failover … --sandbox --json`, `dr sandbox outage|restore`), and
 * what each region's server holds read from that server directly, never through `dr`.
 *
 * What it must show: an order is written on the writer's server and replicated to the
 * standby; a planned failover and its failback lose nothing and move the writer's server;
 * an unplanned failover under write load really loses the writes in flight, and the
 * lost-write report lists exactly the orders the old primary's own server holds that the
 * new writer's lacks, until the re-sync discards them. The runtime is stopped and the
 * platform put back after the file (test/sandbox/deployed.ts: useSandboxRuntime).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { SignedIntake } from '../../../src/core/drill/aws/signed-intake.js';
import { syntheticOrder } from '../../../src/core/drill/orders.js';
import type { OperateResult } from '../../../src/core/failover/operate.js';
import type { WriteLoss } from '../../../src/core/failover/write-loss.js';
import type { RuntimeStatus } from '../../../src/sandbox/runtime/contract.js';
import { runCli } from '../../harness/cli.js';
import { useSandboxRuntime } from '../deployed.js';

const SHIPPING_DELAY_MS = 500;
const live = useSandboxRuntime({ replicationLagMs: SHIPPING_DELAY_MS });
const [primary, secondary] = [live.config.regions.primary, live.config.regions.secondary];
const run = randomUUID().slice(0, 8);
const servers = new Map<string, pg.Pool>();
let intake: SignedIntake;

before(() => {
  // Signed as a client signs for the primary; the endpoint sends it where DNS answers.
  intake = new SignedIntake({
    baseUrl: () => Promise.resolve(live.up.runtime.orderApiUrl),
    credentials: live.credentials,
    timeoutMs: 5000,
  });
});
after(async () => {
  await Promise.all([...servers.values()].map((p) => p.end()));
});

/** The region's own server (superuser), as `up` recorded it. */
function server(region: string): pg.Pool {
  let pool = servers.get(region);
  if (!pool) {
    const url = live.up.runtime.databaseUrls[region];
    assert.ok(url, `no database recorded for ${region}`);
    pool = new pg.Pool({ connectionString: url, max: 2 });
    // A server restarted by a switchover or a re-sync ends its sessions: the next query reconnects.
    pool.on('error', () => {});
    servers.set(region, pool);
  }
  return pool;
}

/** The client_order_ids starting with `prefix` on the region's own server. */
async function idsOn(region: string, prefix: string): Promise<Set<string>> {
  const { rows } = await server(region).query<{ id: string }>(
    'SELECT client_order_id AS id FROM orders WHERE client_order_id LIKE $1',
    [`${prefix}%`],
  );
  return new Set(rows.map((r) => r.id));
}

/** One statement in a session of its own on the region's server (a pooled one may predate a demotion). */
async function writeOn(region: string, sql: string, params: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: live.up.runtime.databaseUrls[region] });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whether the region's server is a standby (in recovery: read-only, replaying its writer's WAL). */
async function inRecovery(region: string): Promise<boolean> {
  const { rows } = await server(region).query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
  return rows[0]?.r === true;
}

async function status(): Promise<RuntimeStatus> {
  const response = await fetch(new URL('/status', live.up.runtime.control));
  assert.equal(response.status, 200);
  return (await response.json()) as RuntimeStatus;
}

/** Reads until `ok` every 50 ms (a read that throws counts as not yet); fails naming `what` after `ms`. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let last: T | Error = new Error('not read yet');
  for (;;) {
    last = await read().catch((error: Error) => error);
    if (!(last instanceof Error) && ok(last)) return last;
    if (Date.now() > deadline) {
      assert.fail(
        `${what}: still ${last instanceof Error ? last.message : JSON.stringify(last)} after ${ms} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

let sequence = 0;
/** Posts one order; its id when API Gateway accepted it. */
async function post(prefix: string): Promise<string | undefined> {
  sequence += 1;
  const id = `${prefix}-o-${String(sequence).padStart(5, '0')}`;
  return (await intake.post(primary, syntheticOrder(id, sequence))).accepted ? id : undefined;
}

/** Orders posted back to back by `loops` clients until stopped; the accepted ids. */
function writeLoad(prefix: string, loops: number): { accepted: string[]; stop(): Promise<void> } {
  const accepted: string[] = [];
  let stopping = false;
  const done = Promise.all(
    Array.from({ length: loops }, async () => {
      while (!stopping) {
        const id = await post(prefix);
        if (id) accepted.push(id);
      }
    }),
  );
  return {
    accepted,
    stop: async () => {
      stopping = true;
      await done;
    },
  };
}

/** `dr …` as the built CLI with `--json`: exit 0, its result. */
async function dr<T>(args: readonly string[], timeoutMs = 120_000): Promise<T> {
  const out = await runCli([...args, '--json'], { cwd: live.dir, timeoutMs });
  assert.equal(out.code, 0, `dr ${args.join(' ')} exited ${out.code}: ${out.stderr}`);
  return JSON.parse(out.stdout) as T;
}

/** Until every id is on the region's server. */
async function allOn(region: string, prefix: string, ids: readonly string[], ms = 15_000): Promise<void> {
  await until(
    `${ids.length} orders on ${region}'s server`,
    () => idsOn(region, prefix),
    (held) => ids.every((id) => held.has(id)),
    ms,
  );
}

/** Until the order endpoint sends orders to `region` (Route 53's answer, and its cached answer expired). */
async function ordersGoTo(region: string): Promise<void> {
  await until(
    `the order endpoint answering ${region}`,
    async () => {
      const now = await status();
      return now.answer === region && (!now.orderEndpoint || now.orderEndpoint.until <= Date.now())
        ? region
        : `${now.answer} (cached ${now.orderEndpoint?.region ?? '-'})`;
    },
    (answer) => answer === region,
    30_000,
  );
}

/** The region whose server wrote the order (its `written_region`), once written. */
async function writtenBy(id: string, on: string): Promise<string> {
  return until(
    `the orders row of ${id} on ${on}`,
    async () =>
      (
        await server(on).query<{ r: string }>(
          'SELECT written_region AS r FROM orders WHERE client_order_id = $1',
          [id],
        )
      ).rows[0]?.r,
    (r) => r !== undefined,
    15_000,
  ) as Promise<string>;
}

describe('the live sandbox: one database server per region, replicated', () => {
  it('an order is written on the writer’s server and appears on the read-only standby', async (t) => {
    // Given the runtime on the deployed platform: us-east-1 writes, us-east-2 follows it
    const now = await status();
    assert.deepEqual(now.replication?.roles, { [primary]: 'writer', [secondary]: 'standby' });
    assert.equal(now.replication?.shippingDelayMs, SHIPPING_DELAY_MS);
    assert.equal(live.up.runtime.shippingDelayMs, SHIPPING_DELAY_MS);
    assert.equal(await inRecovery(primary), false);
    assert.equal(await inRecovery(secondary), true);
    t.diagnostic(`the runtime (with the pair) was ready ${live.up.runtime.ms} ms after up spawned it`);
    assert.ok(live.up.runtime.ms <= 10_000, `the runtime took ${live.up.runtime.ms} ms to start`);
    // When a client posts an order
    const prefix = `repl-${run}-a`;
    const id = await post(prefix);
    assert.ok(id, 'the order was not accepted');
    // Then us-east-1's trade processor wrote it on us-east-1's server…
    assert.equal(await writtenBy(id, primary), primary);
    // …and it reached us-east-2's server by replication, which refuses writes
    assert.equal(await writtenBy(id, secondary), primary);
    await assert.rejects(
      writeOn(secondary, "UPDATE orders SET symbol = 'X' WHERE client_order_id = $1", [id]),
      /read-only transaction/,
    );
    // And the lag the emulator publishes is the lag observed (the status shows it too)
    assert.ok(now.replicationLagMs !== null, 'no replication lag observed');
  });

  it('a planned failover and its failback lose nothing and move the writer’s server; the next order is written by the new writer', async (t) => {
    // Given orders written by us-east-1 and replicated
    const prefix = `repl-${run}-b`;
    const before = [await post(prefix), await post(prefix), await post(prefix)].filter(
      (id): id is string => id !== undefined,
    );
    assert.equal(before.length, 3);
    await allOn(secondary, prefix, before);
    // When the SRE fails over, planned
    const over = await dr<OperateResult>(['failover', '--to', secondary, '--planned', '--yes', '--sandbox']);
    assert.equal(over.kind, 'done');
    // Then us-east-2's server is the writer, us-east-1's a standby of it, nothing lost
    assert.equal(await inRecovery(secondary), false);
    assert.equal(await inRecovery(primary), true);
    const switched = (await status()).replication;
    assert.deepEqual(switched?.roles, { [primary]: 'standby', [secondary]: 'writer' });
    assert.equal(switched?.lastSwitchover?.to, secondary);
    t.diagnostic(
      `switchover of the servers: ${switched?.lastSwitchover?.totalMs} ms (writes stopped ${switched?.lastSwitchover?.writesStoppedMs}, caught up ${switched?.lastSwitchover?.caughtUpMs}, promoted ${switched?.lastSwitchover?.promotedMs}, rejoined ${switched?.lastSwitchover?.rejoinedMs} ms)`,
    );
    await allOn(secondary, prefix, before, 1000);
    await allOn(primary, prefix, before, 1000);
    // And the next order, once DNS answers us-east-2, is written by us-east-2 and replicated back
    await ordersGoTo(secondary);
    const next = await post(prefix);
    assert.ok(next);
    assert.equal(await writtenBy(next, secondary), secondary);
    assert.equal(await writtenBy(next, primary), secondary);

    // When the SRE fails back the same way
    const back = await dr<OperateResult>(['failover', '--to', primary, '--planned', '--yes', '--sandbox']);
    assert.equal(back.kind, 'done');
    // Then us-east-1's server writes again, us-east-2's follows it, with every order
    assert.equal(await inRecovery(primary), false);
    assert.equal(await inRecovery(secondary), true);
    assert.deepEqual((await status()).replication?.roles, { [primary]: 'writer', [secondary]: 'standby' });
    await allOn(primary, prefix, [...before, next], 1000);
    await allOn(secondary, prefix, [...before, next], 1000);
    await ordersGoTo(primary);
    const last = await post(prefix);
    assert.ok(last);
    assert.equal(await writtenBy(last, primary), primary);
    assert.equal(await writtenBy(last, secondary), primary);
  });

  it('an unplanned failover under write load loses the writes in flight, and reports exactly the orders us-east-1’s own server holds that us-east-2’s lacks', async (t) => {
    // Given orders posted continuously, written by us-east-1 and shipped 500 ms late
    const prefix = `repl-${run}-c`;
    const load = writeLoad(prefix, 4);
    try {
      await until(
        'orders replicated to us-east-2',
        () => idsOn(secondary, prefix),
        (ids) => ids.size >= 20,
        30_000,
      );
      // When us-east-1 is lost: the link between the regions goes with it
      await dr(['sandbox', 'outage', primary]);
      const cutOff = await until(
        'the replication link cut',
        () => status(),
        (s) => s.replication?.partitioned === true,
        5000,
      );
      assert.equal(cutOff.writer, primary);
      // …and the SRE fails over, unplanned (the watchdog asks for approval: run it)
      const over = await dr<OperateResult>([
        'failover',
        '--to',
        secondary,
        '--unplanned',
        '--yes',
        '--sandbox',
      ]);
      assert.equal(over.kind, 'done');
      // (us-east-1 does not answer: what was lost cannot be read yet, and the report says so)
      const first = over.kind === 'done' ? over.result.dataLoss : undefined;
      assert.equal(first?.mode, 'unplanned');
      assert.equal((first as WriteLoss).lost.known, false);
      const failedOver = await status();
      assert.equal(failedOver.writer, secondary);
      assert.deepEqual(failedOver.replication?.roles, { [primary]: 'diverged', [secondary]: 'writer' });
      const cut = failedOver.replication?.lastCut;
      assert.ok(cut);
      t.diagnostic(
        `cut at ${cut.at}: lag ${cut.lagMsAtCut} ms, last replicated ${cut.lastReplicatedLsn} at ${cut.lastReplicatedAt}, promoted in ${cut.promotedMs} ms`,
      );
    } finally {
      await load.stop();
    }
    // Then writes really were lost: us-east-1's own server holds orders us-east-2's lacks
    const [oldHeld, newHeld] = await Promise.all([idsOn(primary, prefix), idsOn(secondary, prefix)]);
    const lostAtCut = [...oldHeld].filter((id) => !newHeld.has(id)).sort();
    assert.ok(
      lostAtCut.length > 0,
      `nothing was lost (${oldHeld.size} orders on ${primary}, ${newHeld.size} on ${secondary})`,
    );

    // (and us-east-1's server was demoted at the cut: it takes no more writes, its trade
    // processor's included once its region answers again, but keeps its rows until the re-sync)
    assert.deepEqual((await status()).replication?.demoted, [primary]);
    await assert.rejects(
      writeOn(primary, "UPDATE orders SET symbol = 'X' WHERE client_order_id = $1", [lostAtCut[0]]),
      /read-only transaction/,
    );

    // When us-east-1 answers again, and the SRE runs the same failover again within the re-sync window
    await dr(['sandbox', 'restore', primary]);
    const again = await dr<OperateResult>([
      'failover',
      '--to',
      secondary,
      '--unplanned',
      '--yes',
      '--sandbox',
    ]);
    // Then it has nothing to do, and reads what the failover lost…
    assert.equal(again.kind, 'already');
    const loss = again.kind === 'already' ? again.dataLoss : undefined;
    assert.equal(loss?.mode, 'unplanned', JSON.stringify(loss));
    const report = loss as WriteLoss;
    assert.equal(report.lost.known, true, report.lost.reason);
    // …exactly the orders us-east-1's own server holds and us-east-2's lacks, read directly
    // before the re-sync (its server still diverged, not yet rewound)
    const [oldNow, newNow] = await Promise.all([idsOn(primary, prefix), idsOn(secondary, prefix)]);
    assert.equal(
      (await status()).replication?.roles[primary],
      'diverged',
      'us-east-1 was re-synced before it was read',
    );
    const lost = [...oldNow].filter((id) => !newNow.has(id)).sort();
    const listed = report.lost.orders.map((o) => o.clientOrderId).sort();
    assert.deepEqual(listed, lost);
    // (nothing was written there since the cut: the same orders as read before the restore)
    assert.deepEqual(listed, lostAtCut);
    assert.equal(report.lost.truncated, false);
    assert.ok(report.lagAtCutMs !== null, 'no replication lag at the cut');
    t.diagnostic(
      `lost ${listed.length} orders, loss window ${report.lossWindowMs} ms, lag at the cut ${report.lagAtCutMs} ms, last replicated ${report.lastReplicated?.clientOrderId ?? '-'}`,
    );

    // When the re-sync window has passed, Aurora (the emulator) re-syncs us-east-1:
    // Then its server is a standby of us-east-2, without the lost orders
    await until(
      'us-east-1 re-synced',
      () => status(),
      (s) => s.replication?.roles[primary] === 'standby',
      30_000,
    );
    assert.equal(await inRecovery(primary), true);
    const resynced = await idsOn(primary, prefix);
    assert.deepEqual(
      listed.filter((id) => resynced.has(id)),
      [],
    );
  });
});
