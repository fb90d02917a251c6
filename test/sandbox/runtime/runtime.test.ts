/**
 * The live sandbox (issue 15 part 1): `dr sandbox up` leaves the deployed platform running,
 * and a client that knows only `dr sandbox env` can trade on it across a failover. Against
 * the lane's deployed sandbox with its runtime started by the built CLI (`dr sandbox up`:
 * the stacks are unchanged, so only the runtime starts), orders POSTed over HTTP and
 * SigV4-signed as a client signs them, read back from the primary region's PostgreSQL
 * server (`DR_DATABASE_URL` before the failover; a standby after it, to which the new
 * writer's rows replicate), Route 53 asked through the emulator; the runtime is stopped and
 * the platform put back after the file (test/sandbox/deployed.ts: useSandboxRuntime).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../../src/core/drill/aws/signed-intake.js';
import { syntheticOrder } from '../../../src/core/drill/orders.js';
import { Naming } from '../../../src/contract/naming.js';
import { readHostedZoneId } from '../../../src/core/checks/read.js';
import type { RuntimeStatus } from '../../../src/sandbox/runtime/contract.js';
import { dnsBudgetMs, dnsTtlMs, healthIntervalMs } from '../../../src/sandbox/runtime/pace.js';
import type { StatusResult } from '../../../src/core/status.js';
import { runCli } from '../../harness/cli.js';
import { emulatorClients } from '../../emulator/credentials.js';
import { until } from '../helpers.js';
import { useSandboxRuntime } from '../deployed.js';

const live = useSandboxRuntime();
const naming = new Naming(live.config);
const [primary, secondary] = [live.config.regions.primary, live.config.regions.secondary];
const clients = emulatorClients(live.endpoint, 5000);
let env: Record<string, string>;
let db: pg.Pool;

/** What an SRE's shell gets from `eval "$(dr sandbox env)"`, once the runtime runs. */
async function readEnv(): Promise<void> {
  const out = await runCli(['sandbox', 'env', '--json'], { cwd: live.dir });
  assert.equal(out.code, 0, out.stderr);
  env = (JSON.parse(out.stdout) as { variables: Record<string, string> }).variables;
  assert.ok(env.DR_ORDER_API_URL && env.DR_DATABASE_URL, `no runtime variables in ${out.stdout}`);
  db = new pg.Pool({ connectionString: env.DR_DATABASE_URL, max: 2 });
  db.on('error', () => {});
}
after(async () => {
  await db?.end();
  clients.destroy();
});

interface Posted {
  readonly status: number;
  /** The region that served it (`x-dr-region`). */
  readonly region: string | null;
  readonly body: string;
}

/** `POST $DR_ORDER_API_URL/orders` as a client does: SigV4 for `execute-api` in `signFor`, with the env's key pair. */
async function postOrder(body: string, signFor: string | null, service = 'execute-api'): Promise<Posted> {
  const url = new URL(`${env.DR_ORDER_API_URL}/orders`);
  let headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signFor) {
    const signer = new SignatureV4({
      service,
      region: signFor,
      credentials: {
        accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      },
      sha256: NodeSha256,
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: url.host, ...headers },
      body,
    });
    headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host'));
  }
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
  return {
    status: response.status,
    region: response.headers.get('x-dr-region'),
    body: await response.text(),
  };
}

/** The orders row of `clientOrderId` once the trade processor wrote it. */
async function writtenRow(clientOrderId: string): Promise<{ written_region: string; written_epoch: string }> {
  const row = await until(
    `the orders row of ${clientOrderId}`,
    async () =>
      (
        await db.query<{ written_region: string; written_epoch: string }>(
          'SELECT written_region, written_epoch FROM orders WHERE client_order_id = $1',
          [clientOrderId],
        )
      ).rows[0],
    (found) => found !== undefined,
    10_000,
  );
  return row as { written_region: string; written_epoch: string };
}

async function runtimeStatus(): Promise<RuntimeStatus> {
  const response = await fetch(new URL('/status', live.up.runtime.control));
  assert.equal(response.status, 200);
  return (await response.json()) as RuntimeStatus;
}

/** What Route 53 answers for the API's failover name now, as a region. */
async function dnsAnswer(zoneId: string): Promise<string | undefined> {
  const out = await clients.route53('us-east-1').testDNSAnswer({
    HostedZoneId: zoneId,
    RecordName: naming.apiDomain(live.config.dns.domain, live.config.dns.apiSubdomain),
    RecordType: 'CNAME',
  });
  const value = out.RecordData?.[0] ?? '';
  return [primary, secondary].find((r) => value.includes(r));
}

const orderId = () => `live-${randomUUID().slice(0, 8)}-o-00001`;

/** Whether the primary's own server (DR_DATABASE_URL before a failover) takes writes: up, not a standby. */
async function primaryTakesWrites(): Promise<boolean> {
  try {
    const { rows } = await db.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
    return rows[0]?.standby === false;
  } catch {
    return false; // shut down (a switchover stops its writes first) or restarting
  }
}

describe('the live sandbox (dr sandbox up)', () => {
  // In the suite, not beside useSandboxRuntime's: a file's top-level before hooks run at once.
  before(readEnv);

  it('starts only the runtime on a deployed sandbox, at the compressed pace, within its 10 s budget; env exports its endpoints', (t) => {
    // Given the lane's deployed sandbox / When `dr sandbox up` ran again there (before())
    const { up } = live;
    // Then the sandbox was reused, nothing planned, and the runtime started at ×50
    assert.equal(up.reused, true);
    assert.ok(up.deploy.unchangedSince);
    assert.equal(up.runtime.action, 'started');
    assert.deepEqual(up.runtime.pace, { name: 'compressed', factor: 50 });
    assert.ok(up.runtime.ms <= 10_000, `the runtime took ${up.runtime.ms} ms to start`);
    t.diagnostic(`the runtime was ready ${up.runtime.ms} ms after up spawned it`);
    // And `dr sandbox env` gives the order endpoint and the writer's database
    assert.equal(env.DR_ORDER_API_URL, up.runtime.orderApiUrl);
    assert.equal(env.DR_DATABASE_URL, up.runtime.databaseUrls[primary]);
    assert.match(env.DR_DATABASE_URL ?? '', /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/trading$/);
  });

  it('an order POSTed signed to DR_ORDER_API_URL is written by the active region', async () => {
    // Given the platform as deployed (us-east-1 active) / When a client posts an order
    // signed for the primary, as `curl --aws-sigv4 "aws:amz:$AWS_REGION:execute-api"` does
    const id = orderId();
    const posted = await postOrder(syntheticOrder(id, 1), primary);
    // Then API Gateway accepted it in us-east-1 and us-east-1's trade processor wrote it
    assert.equal(posted.status, 200, posted.body);
    assert.equal(posted.region, primary);
    assert.equal((JSON.parse(posted.body) as { accepted: boolean }).accepted, true);
    assert.deepEqual(await writtenRow(id), { written_region: primary, written_epoch: '1' });
  });

  it('refuses what API Gateway refuses: unsigned, signed for another service, a body the validator refuses', async () => {
    const unsigned = await postOrder(syntheticOrder(orderId(), 1), null);
    assert.equal(unsigned.status, 403);
    assert.deepEqual(JSON.parse(unsigned.body), { message: 'Missing Authentication Token' });
    const otherService = await postOrder(syntheticOrder(orderId(), 1), primary, 'sqs');
    assert.equal(otherService.status, 403);
    const invalid = await postOrder(JSON.stringify({ orderId: 'x', side: 'BUY' }), primary);
    assert.equal(invalid.status, 400);
    assert.deepEqual(JSON.parse(invalid.body), { message: 'Invalid request body' });
  });

  it('after a planned failover Route 53 answers us-east-2 by itself within the pace budget, the next order is written by us-east-2, and dr status agrees', async (t) => {
    // Given the deployed platform answering us-east-1, its runtime watching
    const zoneId = (await readHostedZoneId(clients.route53('us-east-1'), live.config.dns.domain))?.replace(
      /^\/hostedzone\//,
      '',
    );
    assert.ok(zoneId);
    assert.equal(await dnsAnswer(zoneId), primary);
    // While the failover runs: when the primary stopped being the writer (its own database
    // server stopped taking writes — the switchover's first step, before Aurora's writer
    // moves —, SSM's active region or Aurora's writer moved), and when Route 53 answered
    // the secondary
    let writerMovedAt: number | undefined;
    let dnsMovedAt: number | undefined;
    /** Whether the writer's signals, read after DNS moved in the same round, had moved. */
    let writerMovedByThen: boolean | undefined;
    let watching = true;
    const writerMoved = async (): Promise<boolean> => {
      const [writes, active, global] = await Promise.all([
        primaryTakesWrites(),
        clients.ssm(primary).getParameter({ Name: naming.ssmActiveRegion() }),
        clients.rds(primary).describeGlobalClusters({ GlobalClusterIdentifier: naming.globalCluster() }),
      ]);
      const writer = global.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
      return !writes || active.Parameter?.Value === secondary || writer?.includes(`:${secondary}:`) === true;
    };
    const watch = (async () => {
      while (watching && dnsMovedAt === undefined) {
        // The writer's signals first, then DNS: read together, a slow DNS answer could be
        // newer than the writer's signals read beside it (a loaded machine made it so).
        const moved = await writerMoved();
        const at = Date.now();
        if (writerMovedAt === undefined && moved) writerMovedAt = at;
        const answer = await dnsAnswer(zoneId);
        if (answer === secondary) {
          dnsMovedAt = Date.now();
          if (writerMovedAt === undefined) {
            // Both moved between this round's two reads (a loaded machine is that slow): the
            // writer moved after `at`, so `dnsMovedAt - at` bounds the interval from above.
            // That the writer did move first is read again, now.
            writerMovedByThen = await writerMoved();
            writerMovedAt = at;
          }
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    // When the SRE fails over, planned, as a runbook does (the CLI moves no DNS record)
    const failover = await runCli(['failover', '--to', secondary, '--planned', '--yes', '--sandbox'], {
      cwd: live.dir,
      timeoutMs: 120_000,
    });
    assert.equal(failover.code, 0, failover.stderr);
    // Then Route 53 answers the secondary by itself: its health checkers saw the primary
    // give up the writer role, within threshold × interval + TTL at the pace (+ polling slack)
    const budget = dnsBudgetMs(live.config, live.up.runtime.pace);
    const slack = 1500;
    await until(
      'Route 53 answering the secondary',
      () => dnsMovedAt,
      (at) => at !== undefined,
      budget + 10_000,
    );
    watching = false;
    await watch;
    assert.ok(writerMovedAt !== undefined && dnsMovedAt !== undefined);
    assert.notEqual(
      writerMovedByThen,
      false,
      'Route 53 answered the secondary while the primary still held the writer role',
    );
    const moved = dnsMovedAt - writerMovedAt;
    assert.ok(moved >= 0, `DNS moved ${-moved} ms before the writer did`);
    assert.ok(
      moved <= budget + slack,
      `DNS moved ${moved} ms after the writer; budget ${budget} ms (${live.config.dns.healthCheck.failureThreshold} × ${healthIntervalMs(live.config, live.up.runtime.pace)} ms + TTL ${dnsTtlMs(live.config, live.up.runtime.pace)} ms) + ${slack} ms`,
    );
    t.diagnostic(
      `Route 53 answered ${secondary} ${moved} ms after the primary gave up the writer role (budget ${budget} ms)`,
    );
    // And the runtime's health checkers recorded the flip that moved it
    const status = await runtimeStatus();
    assert.equal(status.answer, secondary);
    assert.equal(status.writer, secondary);
    assert.ok(status.dnsEvents.some((e) => e.region === primary && !e.healthy && e.answer === secondary));
    // When the order endpoint's cached answer has expired (the record's TTL at the pace)…
    const cached = status.orderEndpoint;
    if (cached && cached.region !== secondary) {
      await until(
        'the cached answer to expire',
        () => Date.now(),
        (now) => now >= cached.until,
        5000,
      );
    }
    // …the next order posted to the same URL, signed as before (for the primary), is
    // served by us-east-2 and written by its trade processor under the new epoch
    const id = orderId();
    const posted = await postOrder(syntheticOrder(id, 1), primary);
    assert.equal(posted.status, 200, posted.body);
    assert.equal(posted.region, secondary);
    const row = await writtenRow(id);
    assert.equal(row.written_region, secondary);
    assert.ok(Number(row.written_epoch) > 1);
    // And dr status agrees: DNS answers us-east-2 beside the active us-east-2, nothing unsafe
    const out = await runCli(['status', '--sandbox', '--json'], { cwd: live.dir, timeoutMs: 60_000 });
    assert.equal(out.code, 0, out.stderr);
    const report = JSON.parse(out.stdout) as StatusResult;
    assert.equal(report.dns.servingRegion, secondary);
    assert.deepEqual(report.unsafe, []);
  });
});
