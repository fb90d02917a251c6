/**
 * The pieces of `dr drill` on AWS, each against the real thing we have: the data-plane
 * outage and the watchdog's execution against the emulator over HTTP, the SigV4-signed
 * order intake against a local HTTP server that re-computes the signature (no emulator
 * serves `*.execute-api.*`: that server stands in for API Gateway's IAM authorization).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { DataPlaneOutage, readUndo } from '../../../src/core/drill/aws/data-plane-outage.js';
import { SignedIntake } from '../../../src/core/drill/aws/signed-intake.js';
import { awaitWatchdogExecution } from '../../../src/core/drill/aws/automatic-trigger.js';
import { ORDER_API_THROTTLE } from '../../../src/infra/platform-definitions.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { restApiId } from '../../sandbox/helpers.js';
import { config, naming, primary, secondary } from '../failover/helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint, 5000);

async function stageThrottle(region: string) {
  const stage = await clients
    .apiGateway(region)
    .getStage({ restApiId: await restApiId(clients, region), stageName: naming.restApiStage() });
  const all = stage.methodSettings?.['*/*'];
  return { rate: all?.throttlingRateLimit, burst: all?.throttlingBurstLimit };
}
const concurrency = async (region: string) =>
  (
    await clients
      .lambda(region)
      .getFunctionConcurrency({ FunctionName: naming.lambda(region, 'trade-processor') })
  ).ReservedConcurrentExecutions;

describe('drill on AWS: the data-plane outage (emulator)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dr-outage-'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('throttles the stage and the trade processor to 0, keeps what it found, and puts it back', async () => {
    const undoFile = join(dir, '.dr', 'drill-outage.json');
    const outage = new DataPlaneOutage(clients, config, undoFile);
    // Given the platform as deployed
    assert.deepEqual(await stageThrottle(primary), {
      rate: ORDER_API_THROTTLE.rateLimit,
      burst: ORDER_API_THROTTLE.burstLimit,
    });
    // (the stack reserves the trade processor's concurrency)
    const deployedConcurrency = await concurrency(primary);
    assert.equal(typeof deployedConcurrency, 'number');

    // When the outage is injected in the primary
    await outage.inject(primary);

    // Then every request to its API is throttled, its trade processor cannot run
    assert.deepEqual(await stageThrottle(primary), { rate: 0, burst: 0 });
    assert.equal(await concurrency(primary), 0);
    // And the secondary is untouched
    assert.deepEqual(await stageThrottle(secondary), {
      rate: ORDER_API_THROTTLE.rateLimit,
      burst: ORDER_API_THROTTLE.burstLimit,
    });
    assert.equal(await concurrency(secondary), deployedConcurrency);
    // And the undo record holds what was there before
    const undo = JSON.parse(await readFile(undoFile, 'utf8')) as Record<string, unknown>;
    assert.equal(undo.region, primary);
    assert.deepEqual(undo.throttle, ORDER_API_THROTTLE);
    assert.equal(undo.reservedConcurrency, deployedConcurrency);
    // And a second outage is refused while this one is not undone
    await assert.rejects(outage.inject(secondary), /never undone: run `dr drill --restore-outage`/);
    assert.deepEqual(await stageThrottle(secondary), {
      rate: ORDER_API_THROTTLE.rateLimit,
      burst: ORDER_API_THROTTLE.burstLimit,
    });

    // When it is restored (by another process: only the record is shared)
    const restored = await new DataPlaneOutage(clients, config, undoFile).restore();

    // Then the stage and the function are as before, the record is gone, a second restore is a no-op
    assert.equal(restored?.region, primary);
    assert.deepEqual(await stageThrottle(primary), {
      rate: ORDER_API_THROTTLE.rateLimit,
      burst: ORDER_API_THROTTLE.burstLimit,
    });
    assert.equal(await concurrency(primary), deployedConcurrency);
    assert.equal(existsSync(undoFile), false);
    assert.equal(await readUndo(undoFile), null);
    assert.equal(await outage.restore(), null);
  });

  it('puts back a reserved concurrency that was set before', async () => {
    const undoFile = join(dir, 'undo.json');
    await clients.lambda(primary).putFunctionConcurrency({
      FunctionName: naming.lambda(primary, 'trade-processor'),
      ReservedConcurrentExecutions: 7,
    });
    const outage = new DataPlaneOutage(clients, config, undoFile);
    await outage.inject(primary);
    assert.equal(await concurrency(primary), 0);
    await outage.restore();
    assert.equal(await concurrency(primary), 7);
  });
});

describe('drill on AWS: the watchdog execution (emulator)', () => {
  it('finds the failover the watchdog started after the outage, and only such a one', async () => {
    const arn = (
      await clients
        .ssm(secondary)
        .getParameter({ Name: naming.ssmRegional('failover-state-machine-arn'), WithDecryption: true })
    ).Parameter?.Value;
    const start = (name: string) =>
      clients.sfn(secondary).startExecution({
        stateMachineArn: arn,
        name: `${name}-${Date.now()}`,
        input: JSON.stringify({ startedBy: 'watchdog@us-east-2', mode: 'unplanned', operationId: name }),
      });
    // Given a failover execution from before the outage (it must not count)
    await start('earlier');
    await new Promise((r) => setTimeout(r, 1200));
    const outageAt = Date.now() + 1000;
    await new Promise((r) => setTimeout(r, 1100));
    // When nothing starts after the outage
    const none = await awaitWatchdogExecution({
      clients,
      config,
      region: secondary,
      since: outageAt,
      timeoutMs: 300,
      pollMs: 100,
    });
    // Then the drill is told no failover came, and where to look
    assert.equal(none.executionArn, undefined);
    assert.match(none.reason, /no failover execution in us-east-2 within 0 s .*auto-failover on/);

    // When the watchdog starts one (as its Lambda does: startedBy names it)
    const started = await start('failover-x');
    const found = await awaitWatchdogExecution({
      clients,
      config,
      region: secondary,
      since: outageAt,
      timeoutMs: 5000,
      pollMs: 100,
    });
    // Then it is that execution, with who started it
    assert.equal(found.executionArn, started.executionArn);
    assert.equal(found.by, 'watchdog@us-east-2');
    assert.match(found.reason, /watchdog@us-east-2 started the unplanned failover failover-x/);
  });
});

/** What API Gateway's AWS_IAM authorization checks, for this test: the SigV4 signature, re-computed. */
async function verifySigV4(
  req: IncomingMessage,
  body: string,
  secretAccessKey: string,
): Promise<string | null> {
  const auth = String(req.headers.authorization ?? '');
  const scope = /Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request/.exec(auth);
  if (!scope) return 'no SigV4 Authorization header';
  const [, accessKeyId, , region, service] = scope;
  if (service !== 'execute-api') return `signed for ${service}`;
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const signingDate = new Date(
    `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
  );
  // Its own hash, not the intake's NodeSha256: the check stays independent of the code it checks.
  class Sha256 {
    private h;
    constructor(secret?: string | Uint8Array) {
      this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
    }
    update(d: string | Uint8Array) {
      this.h.update(d);
    }
    digest() {
      return Promise.resolve(new Uint8Array(this.h.digest()));
    }
  }
  const signer = new SignatureV4({
    service: 'execute-api',
    region: region ?? '',
    credentials: { accessKeyId: accessKeyId ?? '', secretAccessKey },
    sha256: Sha256 as never,
  });
  const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
  const expected = await signer.sign(
    {
      method: req.method ?? 'POST',
      protocol: 'http:',
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query: {},
      headers: { host: String(req.headers.host), 'content-type': String(req.headers['content-type']) },
      body,
    },
    { signingDate },
  );
  return expected.headers.authorization === auth ? null : 'signature does not match';
}

describe('drill on AWS: SigV4-signed POST /orders (local stand-in for API Gateway IAM auth)', () => {
  let server: Server;
  let base: string;
  let throttled = false;
  const seen: Array<{ path: string; body: string; region: string }> = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        void (async () => {
          if (throttled) {
            res.writeHead(429).end('{"message":"Too Many Requests"}');
            return;
          }
          const problem = await verifySigV4(req, body, 'drill-secret');
          if (problem) {
            res.writeHead(403).end(JSON.stringify({ message: problem }));
            return;
          }
          const region = /\/([a-z]{2}-[a-z]+-\d)\//.exec(String(req.headers.authorization))?.[1] ?? '';
          seen.push({ path: req.url ?? '', body, region });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"MessageId":"m-1"}');
        })();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  it('signs for execute-api in the region posted to; a throttled stage or a dead endpoint is a refusal', async () => {
    const intake = new SignedIntake({
      baseUrl: async (region) => `${base}/${region}/prod`,
      credentials: { accessKeyId: 'AKIDDRILL', secretAccessKey: 'drill-secret' },
      timeoutMs: 2000,
    });
    // When an order is posted to each region
    const a = await intake.post(primary, '{"clientOrderId":"a"}');
    const b = await intake.post(secondary, '{"clientOrderId":"b"}');
    // Then both were accepted with a valid signature, for their own region, body intact
    assert.deepEqual(
      [a, b],
      [
        { accepted: true, status: 200 },
        { accepted: true, status: 200 },
      ],
    );
    assert.deepEqual(seen, [
      { path: `/${primary}/prod/orders`, body: '{"clientOrderId":"a"}', region: primary },
      { path: `/${secondary}/prod/orders`, body: '{"clientOrderId":"b"}', region: secondary },
    ]);
    // And a wrong secret is refused (the check above can fail)
    const forged = new SignedIntake({
      baseUrl: async (region) => `${base}/${region}/prod`,
      credentials: { accessKeyId: 'AKIDDRILL', secretAccessKey: 'not-the-secret' },
    });
    assert.deepEqual(await forged.post(primary, '{}'), { accepted: false, status: 403 });
    // And a throttled stage (the outage) refuses
    throttled = true;
    assert.deepEqual(await intake.post(primary, '{}'), { accepted: false, status: 429 });
    throttled = false;
    // And an endpoint that does not answer is a refusal, not an exception
    const dead = new SignedIntake({
      baseUrl: async () => 'http://127.0.0.1:9/prod',
      credentials: { accessKeyId: 'AKIDDRILL', secretAccessKey: 'drill-secret' },
    });
    const refused = await dead.post(primary, '{}');
    assert.equal(refused.accepted, false);
    assert.equal(typeof refused.status, 'string');
  });
});
