/**
 * The two-region database pair (src/sandbox/replication/): two real PostgreSQL servers,
 * the secondary a read-only hot standby streaming from the writer through the delaying
 * WAL relay. What it must show: the standby lags by the shipping delay, a switchover
 * loses nothing, a failover loses exactly the writes still in flight (a suffix of the
 * old writer's history, which the old writer keeps), a demoted old writer takes no more
 * writes but can still be read, a resync discards them, and stop
 * (or, for a killed caller, stopLeftoverRegionDatabases) leaves nothing behind.
 *
 * Each test starts its own pair and its own table. Waits are bounded polls on conditions;
 * the write load is a loop of single-row inserts, each committed before the next.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import {
  startRegionDatabases,
  stopLeftoverRegionDatabases,
  type RegionDatabases,
  type RegionProcess,
} from '../../../src/sandbox/replication/region-databases.js';
import { REPO_ROOT } from '../../harness/cli.js';
import { processesUsing } from '../../harness/processes.js';

const PRIMARY = 'us-east-1';
const SECONDARY = 'us-east-2';

const started: RegionDatabases[] = [];
after(() => Promise.all(started.map((dbs) => dbs.stop())));

async function sql<T extends object = Record<string, unknown>>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Polls `condition` every 50 ms; fails naming `what` after `timeoutMs`. */
async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A started pair with table `t` on the writer, replayed on the standby. */
async function pairWithTable(shippingDelayMs = 0): Promise<RegionDatabases> {
  const dbs = await startRegionDatabases({
    primary: PRIMARY,
    secondary: SECONDARY,
    database: 'orders',
    shippingDelayMs,
  });
  started.push(dbs);
  await sql(
    dbs.url(PRIMARY),
    'CREATE TABLE t (id serial PRIMARY KEY, k text UNIQUE, at timestamptz DEFAULT clock_timestamp())',
  );
  await waitFor(
    `table t on ${SECONDARY}`,
    async () =>
      (await sql<{ t: string | null }>(dbs.url(SECONDARY), "SELECT to_regclass('t')::text AS t"))[0]?.t ===
      't',
  );
  return dbs;
}

interface Writes {
  /** Keys whose INSERT returned (committed), in order. */
  readonly committed: string[];
  /** Ends the loop (after the INSERT in progress); what ended it, if not this. */
  stop(): Promise<Error | undefined>;
}

/** One INSERT after another on `url` until stopped or the server refuses. */
function continuousWrites(url: string, prefix: string): Writes {
  const committed: string[] = [];
  let stopping = false;
  const done = (async (): Promise<Error | undefined> => {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      for (let i = 0; !stopping; i++) {
        const k = `${prefix}-${i}`;
        await client.query('INSERT INTO t (k) VALUES ($1)', [k]);
        committed.push(k);
      }
      return undefined;
    } catch (error) {
      return error as Error;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return {
    committed,
    stop: () => {
      stopping = true;
      return done;
    },
  };
}

interface Row {
  readonly id: number;
  readonly k: string;
  /** `at` in µs since the epoch (a JS Date would drop the µs). */
  readonly atUs: bigint;
}

async function rowsOn(url: string): Promise<Map<string, Row>> {
  const rows = await sql<{ id: number; k: string; at_us: string }>(
    url,
    'SELECT id, k, (extract(epoch FROM at) * 1000000)::bigint::text AS at_us FROM t',
  );
  return new Map(rows.map((r) => [r.k, { id: r.id, k: r.k, atUs: BigInt(r.at_us) }]));
}

async function count(url: string): Promise<number> {
  return Number((await sql<{ n: string }>(url, 'SELECT count(*) AS n FROM t'))[0]!.n);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('two regions, two PostgreSQL servers, streaming replication through a delaying relay', () => {
  it('a row written on the writer appears on the reader, and the reader refuses writes', async () => {
    // Given a pair, us-east-1 the writer
    const dbs = await pairWithTable();
    assert.equal(dbs.writer(), PRIMARY);
    assert.notEqual(dbs.url(PRIMARY), dbs.url(SECONDARY));
    // When a row is written on the writer
    await sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('first')");
    // Then the reader has it
    await waitFor('the row on the reader', async () => (await rowsOn(dbs.url(SECONDARY))).has('first'));
    // and refuses a write of its own
    await assert.rejects(
      sql(dbs.url(SECONDARY), "INSERT INTO t (k) VALUES ('on-the-reader')"),
      /cannot execute INSERT in a read-only transaction/,
    );
    assert.equal(dbs.role(SECONDARY), 'standby');
  });

  it('lags by about the shipping delay under continuous writes, and by 0 once idle and caught up', async () => {
    // Given a pair shipping WAL 1500 ms late
    const delayMs = 1500;
    const dbs = await pairWithTable(delayMs);
    // When the writer takes one insert after another
    const writes = continuousWrites(dbs.url(PRIMARY), 'lag');
    const samples: number[] = [];
    try {
      await waitFor('a lag of half the delay', async () => ((await dbs.observedLagMs()) ?? 0) >= delayMs / 2);
      for (let i = 0; i < 10; i++) samples.push((await dbs.observedLagMs()) ?? Number.NaN);
    } finally {
      assert.equal(await writes.stop(), undefined);
    }
    // Then the lag PostgreSQL reports is about the delay
    const typical = median(samples);
    assert.ok(typical >= delayMs * 0.8 && typical <= delayMs * 1.6, `lag samples ${samples.join(', ')} ms`);
    // and once the writes stop, it reaches 0, with every committed row on the reader
    await waitFor('a lag of 0', async () => (await dbs.observedLagMs()) === 0, 10_000);
    assert.equal(await count(dbs.url(SECONDARY)), writes.committed.length);
    assert.ok(writes.committed.length > 0);
  });

  it('a partition stops shipping: healed, the standby gets everything; failed over meanwhile, it lost what piled up', async () => {
    // Given a pair with no shipping delay, and a row both have
    const dbs = await pairWithTable();
    await sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('before')");
    await waitFor('the first row on the reader', async () =>
      (await rowsOn(dbs.url(SECONDARY))).has('before'),
    );
    // When the regions are partitioned and the writer takes a row
    dbs.partition(true);
    await sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('during')");
    // Then the reader does not get it while the partition lasts, and its lag grows with
    // the partition (the age of what piled up), though nothing delays shipping
    await waitFor('a lag of 300 ms', async () => ((await dbs.observedLagMs()) ?? 0) >= 300);
    assert.equal((await rowsOn(dbs.url(SECONDARY))).has('during'), false);
    // When the partition heals, the row arrives: nothing was lost
    dbs.partition(false);
    await waitFor('the row written during the partition', async () =>
      (await rowsOn(dbs.url(SECONDARY))).has('during'),
    );
    // When it is partitioned again, a row written, and the reader promoted meanwhile
    dbs.partition(true);
    await sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('lost')");
    const cut = await dbs.failover(SECONDARY);
    // Then the new writer has everything up to the partition, not the row written after it
    const survived = await rowsOn(dbs.url(SECONDARY));
    assert.deepEqual([...survived.keys()].sort(), ['before', 'during']);
    assert.equal((await rowsOn(dbs.url(PRIMARY))).has('lost'), true);
    assert.equal(cut.to, SECONDARY);
  });

  it('switchover under continuous writes: RPO 0, the old writer becomes a read-only standby of the new one', async () => {
    // Given a pair shipping 500 ms late, and writes on us-east-1
    const dbs = await pairWithTable(500);
    const writes = continuousWrites(dbs.url(PRIMARY), 'before');
    await waitFor('the standby behind', async () => ((await dbs.observedLagMs()) ?? 0) > 0);
    // When it switches over to us-east-2 while they go on
    const result = await dbs.switchover(SECONDARY);
    const ended = await writes.stop();
    // Then the old writer stopped taking writes (the loop was cut off by its shutdown)
    assert.ok(ended, 'the writes on the old writer ended with an error');
    assert.ok(writes.committed.length > 0);
    // and every row committed on it is on the new writer
    const onNew = await rowsOn(dbs.url(SECONDARY));
    const lost = writes.committed.filter((k) => !onNew.has(k));
    assert.deepEqual(lost, [], `${lost.length} of ${writes.committed.length} committed rows lost`);
    assert.equal(dbs.writer(), SECONDARY);
    assert.equal(result.rejoin, 'no rewind needed');
    assert.match(result.lsn, /^[0-9A-F]+\/[0-9A-F]+$/);
    // and the old writer is now a read-only standby
    assert.equal(dbs.role(PRIMARY), 'standby');
    await assert.rejects(
      sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('old-writer')"),
      /cannot execute INSERT in a read-only transaction/,
    );
    // that receives what the new writer takes
    await sql(dbs.url(SECONDARY), "INSERT INTO t (k) VALUES ('after')");
    await waitFor('the new write on the old writer', async () =>
      (await rowsOn(dbs.url(PRIMARY))).has('after'),
    );
    assert.deepEqual(await rowsOn(dbs.url(PRIMARY)), await rowsOn(dbs.url(SECONDARY)));
  });

  it('failover under continuous writes loses the writes in flight: a suffix of the old writer’s rows, which it keeps', async () => {
    // Given a pair shipping 1500 ms late, the writer under continuous writes, the lag built up
    const dbs = await pairWithTable(1500);
    const writes = continuousWrites(dbs.url(PRIMARY), 'w');
    await waitFor('a lag of 1 s', async () => ((await dbs.observedLagMs()) ?? 0) >= 1000);
    // When us-east-2 takes over at once
    const cut = await dbs.failover(SECONDARY);
    // while the old writer, cut off, goes on taking writes for a while
    const atCut = writes.committed.length;
    await waitFor('writes on the old writer after the cut', async () => writes.committed.length > atCut + 10);
    assert.equal(await writes.stop(), undefined, 'the old writer kept taking writes');
    // Then the new writer is us-east-2, the old one diverged
    assert.equal(dbs.writer(), SECONDARY);
    assert.equal(dbs.role(PRIMARY), 'diverged');
    assert.equal(await dbs.observedLagMs(), null, 'nothing replicates after the cut');
    assert.ok(cut.lagMsAtCut !== null && cut.lagMsAtCut >= 1000, `lag at the cut ${cut.lagMsAtCut} ms`);
    assert.ok(cut.lastReplicatedAt && cut.lastReplicatedLsn);
    const onOld = await rowsOn(dbs.url(PRIMARY));
    const onNew = await rowsOn(dbs.url(SECONDARY));
    // and every row the new writer has is the old writer's, identical
    for (const [k, row] of onNew) assert.deepEqual(onOld.get(k), row, `row ${k}`);
    // and the missing ones (old minus new) are not empty, include rows committed before the
    // cut, and all came after what was replicated (a suffix of the old writer's history)
    const missing = [...onOld.values()].filter((r) => !onNew.has(r.k));
    assert.ok(missing.length > 0, 'some rows are missing on the new writer');
    const cutUs = BigInt(cut.at.getTime()) * 1000n;
    const lostBeforeCut = missing.filter((r) => r.atUs < cutUs);
    assert.ok(lostBeforeCut.length > 0, 'rows committed before the cut are lost');
    const replicatedUs = BigInt(cut.lastReplicatedAt.getTime()) * 1000n;
    for (const r of missing)
      assert.ok(r.atUs > replicatedUs, `missing ${r.k} was written after the last replicated commit`);
    const lastKept = [...onNew.values()].reduce((max, r) => (r.atUs > max ? r.atUs : max), 0n);
    for (const r of missing) assert.ok(r.atUs > lastKept, `missing ${r.k} is later than every row kept`);
    // and the old writer still has them: they are what the new writer lacks, exactly
    assert.equal(onOld.size - onNew.size, missing.length);
  });

  it('resync: the diverged old writer follows the new one, its divergent rows gone, new writes replicate to it', async () => {
    // Given a failover that left us-east-1 with rows us-east-2 never got
    const dbs = await pairWithTable(1000);
    const writes = continuousWrites(dbs.url(PRIMARY), 'w');
    await waitFor('a lag of 0.5 s', async () => ((await dbs.observedLagMs()) ?? 0) >= 500);
    await dbs.failover(SECONDARY);
    await writes.stop();
    await sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('divergent')");
    const onNew = await rowsOn(dbs.url(SECONDARY));
    assert.ok((await rowsOn(dbs.url(PRIMARY))).size > onNew.size);
    // When us-east-1 is resynced
    const result = await dbs.resync(PRIMARY);
    // Then it was rewound and follows us-east-2
    assert.equal(result.rejoin, 'pg_rewind');
    assert.equal(result.following, SECONDARY);
    assert.equal(dbs.role(PRIMARY), 'standby');
    // and holds exactly the new writer's rows (its divergent ones gone)
    assert.deepEqual(await rowsOn(dbs.url(PRIMARY)), onNew);
    // and is read-only
    await assert.rejects(
      sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('again')"),
      /cannot execute INSERT in a read-only transaction/,
    );
    // and receives new writes
    await sql(dbs.url(SECONDARY), "INSERT INTO t (k) VALUES ('after-resync')");
    await waitFor('the new write on the resynced region', async () =>
      (await rowsOn(dbs.url(PRIMARY))).has('after-resync'),
    );
    await waitFor('a lag of 0', async () => (await dbs.observedLagMs()) === 0);
  });

  it('demote: the diverged old writer refuses writes, its rows still readable; the resync discards both', async () => {
    // Given a failover that left us-east-1 with a row us-east-2 never got, and a session open there
    const dbs = await pairWithTable();
    dbs.partition(true);
    await sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('lost')");
    await dbs.failover(SECONDARY);
    const open = new pg.Client({ connectionString: dbs.url(PRIMARY) });
    open.on('error', () => {});
    await open.connect();
    try {
      // When it is demoted (the global database has one writer: the old one is detached)
      await dbs.demote(PRIMARY);
      // Then it refuses writes, the open session was ended, and the lost row can still be read
      await assert.rejects(
        sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('after')"),
        /cannot execute INSERT in a read-only transaction/,
      );
      await assert.rejects(open.query('SELECT 1'), /terminat|connection error/i);
      assert.equal((await rowsOn(dbs.url(PRIMARY))).has('lost'), true);
      assert.equal(dbs.role(PRIMARY), 'diverged');
      // And only a diverged old writer is demoted
      await assert.rejects(dbs.demote(SECONDARY), /only a diverged old writer is demoted/);
      // When it is resynced: it follows us-east-2, without the row; promoted again by a
      // switchover, it takes writes (the demotion went with its timeline)
      await dbs.resync(PRIMARY);
      assert.equal((await rowsOn(dbs.url(PRIMARY))).has('lost'), false);
      await dbs.switchover(PRIMARY);
      await sql(dbs.url(PRIMARY), "INSERT INTO t (k) VALUES ('writable again')");
    } finally {
      await open.end().catch(() => {});
    }
  });

  it('stop leaves no server of the pair running and no temp dir, and a second stop does nothing', async () => {
    // Given a pair after a failover (both servers running as writers)
    const dbs = await pairWithTable();
    await dbs.failover(SECONDARY);
    const dirs = dbs.processes().map((p) => p.dir);
    assert.equal(dirs.length, 2);
    for (const dir of dirs) assert.ok(processesUsing(dir).length > 0, `a server runs in ${dir}`);
    // When it is stopped, twice
    await dbs.stop();
    await dbs.stop();
    // Then no process uses its directories, which are gone
    for (const dir of dirs) {
      assert.deepEqual(processesUsing(dir), [], `processes left in ${dir}`);
      assert.equal(existsSync(dir), false, `${dir} removed`);
    }
    await assert.rejects(dbs.switchover(PRIMARY), /stopped/);
  });

  it('stopLeftoverRegionDatabases stops what a caller killed with SIGKILL left running', async () => {
    // Given a process that started a pair in its own process groups, reported its servers, and was killed
    const script = `
      const { startRegionDatabases } = await import('./src/sandbox/replication/region-databases.js');
      await startRegionDatabases({ primary: '${PRIMARY}', secondary: '${SECONDARY}', database: 'orders',
        ownProcessGroup: true, onProcesses: (p) => console.log(JSON.stringify(p)) });
      console.log('started');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await waitFor('the pair started in the child', async () => {
        if (child.exitCode !== null) throw new Error(`the child exited: ${stderr}`);
        return /^started$/m.test(stdout);
      });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const lines = stdout.split('\n').filter((l) => l.startsWith('['));
    const leftovers = JSON.parse(lines.at(-1)!) as RegionProcess[];
    assert.equal(leftovers.length, 2);
    for (const l of leftovers) assert.ok(processesUsing(l.dir).length > 0, `${l.region} outlived its caller`);
    // When its last record is handed to stopLeftoverRegionDatabases
    const stopped = await stopLeftoverRegionDatabases(leftovers);
    // Then both servers are stopped and their directories gone
    assert.equal(stopped, 2);
    for (const l of leftovers) {
      assert.deepEqual(processesUsing(l.dir), [], `processes left in ${l.dir}`);
      assert.equal(existsSync(l.dir), false);
    }
  });
});
