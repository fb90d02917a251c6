import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClients } from '../../src/aws/clients.js';
import { RegionUnreachableError } from '../../src/contract/errors.js';
import { closedPort, listenOnLoopback, serveOnLoopback } from '../harness/net.js';

/** A key pair given outright, as the sandbox's is. */
const EMULATOR_KEY = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' };

interface Recorded {
  readonly method: string;
  readonly url: string;
  readonly host: string;
  readonly authorization: string;
}

/** An HTTP server that records each request and answers with `respond`. */
interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

async function recordingServer(
  respond: (req: IncomingMessage) => Answer,
): Promise<{ endpoint: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const server: Server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        host: req.headers.host ?? '',
        authorization: String(req.headers.authorization ?? ''),
      });
      const answer = respond(req);
      res.writeHead(answer.status, answer.headers ?? {});
      res.end(answer.body ?? '');
    });
  });
  return { ...(await serveOnLoopback(server)), requests };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('createClients: a region that does not answer', () => {
  it('maps a refused connection to RegionUnreachableError naming the region, at once', async () => {
    // Given clients pointed at a port nobody listens on
    const clients = createClients({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      timeoutMs: 1000,
      credentials: EMULATOR_KEY,
    });
    try {
      // When a call is made in us-east-1
      const started = Date.now();
      const error = await rejection(clients.ssm('us-east-1').getParameter({ Name: '/x' }));
      // Then it fails fast as an unreachable region, with the SDK error as its cause
      assert.ok(error instanceof RegionUnreachableError, `got ${String(error)}`);
      assert.equal(error.region, 'us-east-1');
      assert.ok(error.cause, 'keeps the transport error as cause');
      assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
    } finally {
      clients.destroy();
    }
  });

  it('gives up on a server that holds the request after timeout × attempts, not minutes', async () => {
    // Given a server that accepts connections and never answers
    const sockets = new Set<Socket>();
    const server = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
    });
    const port = await listenOnLoopback(server);
    const clients = createClients({
      endpoint: `http://127.0.0.1:${port}`,
      timeoutMs: 400,
      maxAttempts: 2,
      credentials: EMULATOR_KEY,
    });
    try {
      // When a call is made with a 400 ms timeout and 2 attempts
      const started = Date.now();
      const error = await rejection(clients.sqs('us-east-2').getQueueUrl({ QueueName: 'q' }));
      const elapsed = Date.now() - started;
      // Then it fails as unreachable after both attempts, within the bound
      assert.ok(error instanceof RegionUnreachableError, `got ${String(error)}`);
      assert.equal(error.region, 'us-east-2');
      assert.ok(elapsed >= 700, `retried once: took ${elapsed} ms`);
      assert.ok(elapsed < 3000, `bounded: took ${elapsed} ms`);
      assert.equal(sockets.size, 2, 'one connection per attempt');
    } finally {
      clients.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('createClients: endpoint override', () => {
  let server: Awaited<ReturnType<typeof recordingServer>>;
  before(async () => {
    server = await recordingServer((req): Answer => {
      if (req.headers['x-amz-target'] === 'AmazonSSM.GetParameter') {
        return {
          status: 400,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: JSON.stringify({ __type: 'ParameterNotFound', message: 'no such parameter' }),
        };
      }
      return { status: 200, headers: { location: '/b' } };
    });
  });
  after(async () => server.close());

  it('sends S3 calls path-style to the override, signed with the given key for the region', async () => {
    // Given clients with an endpoint override and a key pair
    const clients = createClients({ endpoint: server.endpoint, credentials: EMULATOR_KEY });
    try {
      // When a bucket is created in us-east-2
      await clients.s3('us-east-2').createBucket({
        Bucket: 'trading-prod-use2-config',
        CreateBucketConfiguration: { LocationConstraint: 'us-east-2' },
      });
      // Then the bucket is in the path (not the host) and the request is signed for us-east-2
      const request = server.requests.at(-1);
      assert.ok(request);
      assert.equal(request.method, 'PUT');
      assert.match(request.url, /^\/trading-prod-use2-config\/?(\?|$)/);
      assert.equal(request.host, new URL(server.endpoint).host);
      assert.match(request.authorization, /Credential=AKIDEMULATOR\/\d{8}\/us-east-2\/s3\/aws4_request/);
    } finally {
      clients.destroy();
    }
  });

  it('passes service errors through by name (a missing parameter is not an unreachable region)', async () => {
    // Given a server that answers GetParameter with ParameterNotFound
    const clients = createClients({ endpoint: server.endpoint, credentials: EMULATOR_KEY });
    try {
      // When the parameter is read
      const error = await rejection(clients.ssm('us-east-1').getParameter({ Name: '/missing' }));
      // Then the SDK's typed error arrives unchanged
      assert.ok(!(error instanceof RegionUnreachableError));
      assert.equal((error as Error).name, 'ParameterNotFound');
    } finally {
      clients.destroy();
    }
  });

  it('uses the default credential chain, not the dummy key, when no override is given', async () => {
    // Given no endpoint override, credentials in the environment, and the SDK's own
    // endpoint setting pointing at the recording server (so nothing leaves the machine)
    const saved = { ...process.env };
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDCHAINTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL: server.endpoint,
    });
    delete process.env.AWS_PROFILE;
    delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
    const clients = createClients();
    try {
      // When a call is made
      await rejection(clients.ssm('us-east-1').getParameter({ Name: '/missing' }));
      // Then it is signed with the chain's key
      const request = server.requests.at(-1);
      assert.ok(request);
      assert.match(request.authorization, /Credential=AKIDCHAINTEST\//);
      assert.equal(clients.endpoint, undefined);
    } finally {
      clients.destroy();
      for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_ENDPOINT_URL'])
        delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe('createClients: --profile', () => {
  let server: Awaited<ReturnType<typeof recordingServer>>;
  let dir: string;
  before(async () => {
    server = await recordingServer(() => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    }));
    dir = await mkdtemp(join(tmpdir(), 'dr-profile-'));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('signs with the named profile of the shared credentials file, for every service and region', async () => {
    // Given a credentials file with a profile, and no credentials in the environment
    await writeFile(
      join(dir, 'credentials'),
      '[drtest]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = s\n',
    );
    await writeFile(join(dir, 'config'), '');
    const saved = { ...process.env };
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      delete process.env[key];
    }
    Object.assign(process.env, {
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_ENDPOINT_URL: server.endpoint,
    });
    const clients = createClients({ profile: 'drtest' });
    try {
      // When two services in two regions are called
      await clients.ssm('us-east-1').getParametersByPath({ Path: '/x' });
      await clients.ssm('us-east-2').getParametersByPath({ Path: '/x' });
      // Then both requests are signed with the profile's key, each for its region
      const auth = server.requests.map((r) => r.authorization);
      assert.match(auth[0] ?? '', /Credential=AKIDPROFILE\/\d{8}\/us-east-1\//);
      assert.match(auth[1] ?? '', /Credential=AKIDPROFILE\/\d{8}\/us-east-2\//);
    } finally {
      clients.destroy();
      for (const key of ['AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_ENDPOINT_URL'])
        delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe('createClients: arguments', () => {
  it('rejects a non-positive timeout and zero attempts', () => {
    // Given / When bad settings / Then a RangeError names the setting
    assert.throws(() => createClients({ timeoutMs: 0 }), /timeoutMs/);
    assert.throws(() => createClients({ maxAttempts: 0 }), /maxAttempts/);
  });
});
