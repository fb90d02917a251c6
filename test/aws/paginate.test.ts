/**
 * Paged calls: through a factory client they run on the SDK's own paginator (a real
 * client behind the narrow interface), with the factory's error mapping; a stand-in that
 * only implements the call (a test's fake) is followed by the same tokens.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { GetParametersByPathCommandOutput } from '@aws-sdk/client-ssm';
import { createClients, type SsmApi } from '../../src/aws/clients.js';
import { paginated } from '../../src/aws/paginate.js';
import { RegionUnreachableError } from '../../src/contract/errors.js';
import { closedPort, serveOnLoopback } from '../harness/net.js';

const KEY = { accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' };

/** Answers GetParametersByPath in two pages: `/p/a` with a token, then `/p/b` without. */
async function twoPageSsm(): Promise<{ endpoint: string; bodies: unknown[]; close(): Promise<void> }> {
  const bodies: unknown[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as { NextToken?: string };
      bodies.push(body);
      const page = body.NextToken
        ? { Parameters: [{ Name: '/p/b', Value: '2' }] }
        : { Parameters: [{ Name: '/p/a', Value: '1' }], NextToken: 'page-2' };
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(page));
    });
  });
  return { ...(await serveOnLoopback(server)), bodies };
}

async function names(pages: AsyncIterable<GetParametersByPathCommandOutput>): Promise<string[]> {
  const found: string[] = [];
  for await (const page of pages) found.push(...(page.Parameters ?? []).map((p) => p.Name ?? ''));
  return found;
}

describe('paginated: a factory client', () => {
  let server: Awaited<ReturnType<typeof twoPageSsm>>;
  before(async () => {
    server = await twoPageSsm();
  });
  after(async () => server.close());

  it('follows the SDK paginator to the last page, token in, token out', async () => {
    // Given a factory client whose service answers in two pages
    const clients = createClients({ endpoint: server.endpoint, credentials: KEY });
    try {
      // When every page of the path is read
      const found = await names(paginated(clients.ssm('us-east-1')).getParametersByPath({ Path: '/p' }));
      // Then both pages arrive, the second asked for with the first's token
      assert.deepEqual(found, ['/p/a', '/p/b']);
      assert.equal(server.bodies.length, 2);
      assert.equal((server.bodies[1] as { NextToken?: string }).NextToken, 'page-2');
    } finally {
      clients.destroy();
    }
  });

  it('pages a wrapper around a factory client (a call trace) through its call, each page seen', async () => {
    // Given a wrapper that records the calls it passes on to a factory client
    const clients = createClients({ endpoint: server.endpoint, credentials: KEY });
    const seen: string[] = [];
    const real = clients.ssm('us-east-1');
    const traced = {
      getParametersByPath: (input: Parameters<SsmApi['getParametersByPath']>[0]) => {
        seen.push(input.NextToken ?? 'first');
        return real.getParametersByPath(input);
      },
    } as unknown as SsmApi;
    try {
      // When every page is read through the wrapper
      const found = await names(paginated(traced).getParametersByPath({ Path: '/p' }));
      // Then both pages arrive, and the wrapper saw each
      assert.deepEqual(found, ['/p/a', '/p/b']);
      assert.deepEqual(seen, ['first', 'page-2']);
    } finally {
      clients.destroy();
    }
  });

  it('maps a region that does not answer as a single call does', async () => {
    // Given a factory client pointed at a closed port
    const clients = createClients({
      endpoint: `http://127.0.0.1:${await closedPort()}`,
      credentials: KEY,
      timeoutMs: 500,
      maxAttempts: 1,
    });
    try {
      // When its pages are read, then the failure is the region's, naming it
      await assert.rejects(
        names(paginated(clients.ssm('us-east-2')).getParametersByPath({ Path: '/p' })),
        (error: unknown) => error instanceof RegionUnreachableError && error.region === 'us-east-2',
      );
    } finally {
      clients.destroy();
    }
  });
});

describe('paginated: a stand-in with only the call', () => {
  it('follows the same tokens through the call, and stops when the loop does', async () => {
    // Given a fake SSM answering two pages
    const inputs: Array<{ NextToken?: string }> = [];
    const ssm = {
      async getParametersByPath(input: { NextToken?: string }) {
        inputs.push(input);
        return input.NextToken
          ? { Parameters: [{ Name: '/p/b' }], $metadata: {} }
          : { Parameters: [{ Name: '/p/a' }], NextToken: 't2', $metadata: {} };
      },
    } as unknown as SsmApi;
    // When every page is read
    const found = await names(paginated(ssm).getParametersByPath({ Path: '/p' }));
    // Then both pages arrive in order
    assert.deepEqual(found, ['/p/a', '/p/b']);
    assert.deepEqual(
      inputs.map((i) => i.NextToken),
      [undefined, 't2'],
    );
    // And when the loop breaks after the first page, no second page is asked for
    inputs.length = 0;
    for await (const page of paginated(ssm).getParametersByPath({ Path: '/p' })) {
      assert.equal(page.NextToken, 't2');
      break;
    }
    assert.equal(inputs.length, 1);
  });
});
