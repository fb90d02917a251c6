/**
 * The API Gateway stand-in (src/sandbox/api-gateway.ts) over the deployed sandbox: the
 * order API as the emulator holds it, served on 127.0.0.1. A SigV4-signed POST /orders
 * lands in the region's queue; unsigned, badly scoped, unknown, invalid or throttled
 * requests are refused as API Gateway refuses them; GET /health is the health Lambda's
 * own handler (a real PostgreSQL is started here for its database probe).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/core/drill/aws/signed-intake.js';
import { startApiGateway, type RunningApiGateway } from '../../src/sandbox/api-gateway.js';
import { syntheticOrder } from '../../src/core/drill/orders.js';
import { setOutage } from '../../src/sandbox/emulator.js';
import { ORDER_API_THROTTLE } from '../../src/infra/platform-definitions.js';
import { useDeployedPlatform } from './deployed.js';
import { config, naming, primary, secondary } from '../core/failover/helpers.js';
import { BLACKOUT, restApiId, throttleStage, useOrdersDatabase, visibleMessages } from './helpers.js';

const { endpoint } = useDeployedPlatform();
const { clients, orders } = useOrdersDatabase(endpoint);

/** A SigV4-signed (execute-api) POST, as the AWS drill sends it. */
async function signedPost(
  url: string,
  body: string,
  region: string,
  options: { service?: string; contentType?: string } = {},
) {
  const target = new URL(url);
  const service = options.service ?? 'execute-api';
  const signer = new SignatureV4({
    service,
    region,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: target.protocol,
    hostname: target.hostname,
    port: Number(target.port),
    path: target.pathname,
    query: {},
    headers: { host: target.host, 'content-type': options.contentType ?? 'application/json' },
    body,
  });
  const headers = Object.fromEntries(
    Object.entries(signed.headers).filter(([k]) => k.toLowerCase() !== 'host'),
  );
  return fetch(target, { method: 'POST', headers, body });
}

/** An order as the drill sends it: the deployed Order model and the trade processor both accept it. */
function order(id: string): string {
  return syntheticOrder(id, 1);
}

describe('API Gateway stand-in', () => {
  let gateway: RunningApiGateway | undefined;
  const start = async (options: { validateOrders?: boolean } = {}) => {
    gateway = await startApiGateway({ clients, config, dbUrl: orders.url, ...options });
    return gateway;
  };
  after(() => gateway?.close());
  const close = async () => {
    await gateway?.close();
    gateway = undefined;
  };

  it('puts a signed POST /orders in the region queue; refuses unsigned, badly scoped, unknown and invalid requests', async () => {
    try {
      // Given the stand-in over the deployed sandbox
      const gw = await start();
      const base = gw.baseUrl(primary);
      assert.match(
        base,
        new RegExp(`^http://127\\.0\\.0\\.1:${gw.port}/${primary}/[a-z0-9]+/${naming.restApiStage()}$`),
      );
      const queueUrl =
        (await clients.sqs(primary).getQueueUrl({ QueueName: naming.ordersQueue(primary) })).QueueUrl ?? '';

      // When a signed order is posted
      const body = order(`rt-api-${Date.now()}`);
      const ok = await signedPost(`${base}/orders`, body, primary);
      // Then it is accepted with the message id, as the deployed response template answers
      assert.equal(ok.status, 200);
      const answer = (await ok.json()) as { accepted: boolean; messageId: string; requestId: string };
      assert.equal(answer.accepted, true);
      assert.match(answer.messageId, /\S/);
      assert.equal(ok.headers.get('x-amzn-requestid'), answer.requestId);
      // And the body is in the primary's orders queue, with the request id attribute (a short
      // poll: the deployed queue long-polls 20 s by default)
      const got = await clients.sqs(primary).receiveMessage({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        WaitTimeSeconds: 0,
      });
      assert.equal(got.Messages?.length, 1);
      assert.equal(got.Messages?.[0]?.MessageId, answer.messageId);
      assert.equal(got.Messages?.[0]?.Body, body);
      assert.equal(got.Messages?.[0]?.MessageAttributes?.apiRequestId?.StringValue, answer.requestId);

      // Unsigned → 403 Missing Authentication Token
      const unsigned = await fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      assert.equal(unsigned.status, 403);
      assert.deepEqual(await unsigned.json(), { message: 'Missing Authentication Token' });
      // Signed for the other region, or for another service → 403
      assert.equal((await signedPost(`${base}/orders`, body, secondary)).status, 403);
      const wrongService = await signedPost(`${base}/orders`, body, primary, { service: 'sqs' });
      assert.equal(wrongService.status, 403);
      assert.match(((await wrongService.json()) as { message: string }).message, /execute-api/);
      // An unknown REST API, stage or region → 404; an unknown route → 403 as API Gateway answers
      const apiId = await restApiId(clients, primary);
      for (const path of [
        `/${primary}/nosuchapi/live/orders`,
        `/${primary}/${apiId}/nostage/orders`,
        `/eu-west-1/${apiId}/live/orders`,
      ]) {
        const res = await signedPost(`http://127.0.0.1:${gw.port}${path}`, body, primary);
        assert.equal(res.status, 404, path);
        assert.deepEqual(await res.json(), { message: 'Not Found' });
      }
      assert.equal((await fetch(`${base}/nothing-here`)).status, 403);
      assert.equal((await fetch(`${base}/orders`)).status, 403, 'GET /orders is no route');
      // A body the deployed Order model refuses → 400; not JSON → 415
      const invalid = await signedPost(
        `${base}/orders`,
        JSON.stringify({ clientOrderId: 'x', side: 'buy' }),
        primary,
      );
      assert.equal(invalid.status, 400);
      assert.deepEqual(await invalid.json(), { message: 'Invalid request body' });
      const notJson = await signedPost(`${base}/orders`, body, primary, { contentType: 'text/plain' });
      assert.equal(notJson.status, 415);
      const malformed = await fetch(`${base}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer x' },
        body,
      });
      assert.equal(malformed.status, 403);
      // Nothing else reached the queue
      const rest = await clients
        .sqs(primary)
        .receiveMessage({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 });
      assert.equal(rest.Messages?.length ?? 0, 0);
      assert.deepEqual(
        gw.requests.slice(0, 2).map((r) => [r.region, r.method, r.path, r.status]),
        [
          [primary, 'POST', '/orders', 200],
          [primary, 'POST', '/orders', 403],
        ],
      );
    } finally {
      await close();
    }
  });

  it('answers 429 on a stage throttled to 0 and GET /health from the health Lambda handler; resets in an outage', async () => {
    try {
      // Given the stand-in over the deployed sandbox
      const gw = await start();
      const base = gw.baseUrl(primary);
      // GET /health → the handler's 200 and body (unsigned: the route is NONE)
      const health = await fetch(`${base}/health`);
      const healthBody = (await health.json()) as Record<string, unknown>;
      assert.equal(health.status, 200, JSON.stringify(healthBody));
      assert.equal(healthBody.region, primary, JSON.stringify(healthBody));
      assert.equal(healthBody.status, 'healthy');
      assert.equal((await fetch(`${gw.baseUrl(secondary)}/health`)).status, 200);

      // When the primary's stage is throttled to 0
      await throttleStage(clients, primary, BLACKOUT);
      // Then every request there answers 429, signed or not, and nothing reaches the queue
      const throttled = await signedPost(`${base}/orders`, order(`rt-429-${Date.now()}`), primary);
      assert.equal(throttled.status, 429);
      assert.deepEqual(await throttled.json(), { message: 'Too Many Requests' });
      assert.equal((await fetch(`${base}/health`)).status, 429);
      // And the secondary is not affected
      assert.equal(
        (await signedPost(`${gw.baseUrl(secondary)}/orders`, order(`rt-ok-${Date.now()}`), secondary)).status,
        200,
      );
      const queueUrl =
        (await clients.sqs(primary).getQueueUrl({ QueueName: naming.ordersQueue(primary) })).QueueUrl ?? '';
      assert.equal(await visibleMessages(clients, primary, queueUrl), 0);

      // When the throttle is back, so is /health
      await throttleStage(clients, primary, ORDER_API_THROTTLE);
      assert.equal((await fetch(`${base}/health`)).status, 200);

      // When the primary is in outage, its connection is reset without an answer
      await setOutage(endpoint, primary, 'refuse');
      await assert.rejects(fetch(`${base}/health`), (error: Error) => error.name === 'TypeError');
      assert.equal(gw.requests.at(-1)?.status, 0);
    } finally {
      await close();
    }
  });

  it('skips the request validator when asked to (validateOrders: false)', async () => {
    try {
      const gw = await start({ validateOrders: false });
      const body = JSON.stringify({ clientOrderId: `rt-novalidate-${Date.now()}`, side: 'buy' });
      const res = await signedPost(`${gw.baseUrl(secondary)}/orders`, body, secondary);
      assert.equal(res.status, 200);
    } finally {
      await close();
    }
  });
});
