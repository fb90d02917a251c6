/**
 * The Lambdas' Aurora connection (lambdas/shared/db.ts, awsDbSettings) verifies TLS
 * against the CA bundle it is given (NODE_EXTRA_CA_CERTS on AWS): a server whose
 * certificate chains to a CA in the bundle is accepted, any other is refused.
 *
 * The server is a minimal PostgreSQL front end on loopback: it answers pg's SSLRequest
 * with 'S', upgrades to TLS with a certificate made at test time (openssl), and
 * answers the startup message with AuthenticationOk + ReadyForQuery.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { awsDbSettings, DbPool, DbTlsConfigError } from '../../src/lambdas/shared/db.js';
import { Naming } from '../../src/contract/naming.js';
import { rdsCaBundle } from '../../scripts/build-lambdas.js';

const dir = mkdtempSync(join(tmpdir(), 'dr-db-tls-'));
const naming = new Naming({
  app: 'trading',
  environment: 'test',
  regions: { primary: 'us-east-1', secondary: 'us-east-2' },
});

function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
}

/** A self-signed CA `name`.crt/.key. */
function makeCa(name: string): void {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name} test CA`]
      .concat(['-keyout', `${name}.key`, '-out', `${name}.crt`])
      .concat(['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign']),
  );
}

/** A server certificate for localhost/127.0.0.1 signed by CA `ca`: `name`.crt/.key. */
function makeServerCert(name: string, ca: string): void {
  openssl(
    ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    ]),
  );
  writeFileSync(
    join(dir, `${name}.ext`),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
    ].concat(['-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]),
  );
}

interface FakePostgres {
  readonly port: number;
  /** Connections whose TLS handshake completed. */
  handshakes: number;
  close(): Promise<void>;
}

async function fakePostgres(certName: string): Promise<FakePostgres> {
  const cert = readFileSync(join(dir, `${certName}.crt`));
  const key = readFileSync(join(dir, `${certName}.key`));
  const sockets = new Set<Socket>();
  const state = { handshakes: 0 };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', (request) => {
      // SSLRequest: length 8, code 80877103
      if (request.length !== 8 || request.readInt32BE(4) !== 80877103) return socket.destroy();
      socket.write('S');
      const tls = new TLSSocket(socket, { isServer: true, cert, key });
      tls.on('error', () => {});
      tls.on('secure', () => {
        state.handshakes += 1;
      });
      tls.once('data', () => {
        // StartupMessage received: AuthenticationOk, then ReadyForQuery (idle)
        const ok = Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 0]);
        const ready = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
        tls.write(Buffer.concat([ok, ready]));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get handshakes() {
      return state.handshakes;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function pool(port: number, caBundlePath: string | undefined): DbPool {
  return new DbPool(
    awsDbSettings({
      parameters: {
        get: async () => ({
          [naming.ssmDbEndpoint()]: `localhost:${port}`,
          [naming.ssmDbSecretArn()]: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:app',
        }),
      },
      secrets: { getSecretString: async () => JSON.stringify({ username: 'app', password: 'pw' }) },
      naming,
      ...(caBundlePath === undefined ? {} : { caBundlePath }),
    }),
    { max: 1, connectionTimeoutMillis: 5_000 },
  );
}

let trusted: FakePostgres;
let rogue: FakePostgres;
const bundle = join(dir, 'bundle.pem');

before(async () => {
  makeCa('platform');
  makeCa('rogue');
  makeServerCert('aurora', 'platform');
  makeServerCert('impostor', 'rogue');
  // The bundle: the one build:lambdas ships (the RDS CAs), plus the test CA standing in
  // for the RDS root that signed the Aurora certificate.
  writeFileSync(bundle, rdsCaBundle().toString('utf8') + readFileSync(join(dir, 'platform.crt'), 'utf8'));
  trusted = await fakePostgres('aurora');
  rogue = await fakePostgres('impostor');
});

after(async () => {
  await Promise.all([trusted?.close(), rogue?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('Lambda Aurora connection: TLS verified against the configured CA bundle', () => {
  it('connects to a server whose certificate chains to a CA in the bundle', async () => {
    // Given a server with a certificate from the bundle's CA
    const db = pool(trusted.port, bundle);
    try {
      // When the function connects
      const client = await db.connect();
      client.release();
      // Then the TLS handshake completed and the connection is usable
      assert.equal(trusted.handshakes, 1);
    } finally {
      await db.end();
    }
  });

  it('refuses a server whose chain is not in the bundle', async () => {
    // Given a server with a certificate from a CA outside the bundle
    const db = pool(rogue.port, bundle);
    try {
      // When the function connects, Then the chain is refused before any credentials are sent
      await assert.rejects(db.connect(), (error: NodeJS.ErrnoException) => {
        assert.match(String(error.code), /UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
        return true;
      });
      assert.equal(rogue.handshakes, 0);
    } finally {
      await db.end();
    }
  });

  it('reads the bundle path from NODE_EXTRA_CA_CERTS, and names it when it is missing', async () => {
    const saved = process.env.NODE_EXTRA_CA_CERTS;
    try {
      // Given NODE_EXTRA_CA_CERTS on the bundle (as the stacks set it)
      process.env.NODE_EXTRA_CA_CERTS = bundle;
      const db = pool(trusted.port, undefined);
      const client = await db.connect();
      client.release();
      await db.end();
      // Given it unset, Then the connection fails with a message that names it
      delete process.env.NODE_EXTRA_CA_CERTS;
      const unset = pool(trusted.port, undefined);
      await assert.rejects(unset.connect(), (error: Error) => {
        assert.ok(error instanceof DbTlsConfigError);
        assert.match(error.message, /NODE_EXTRA_CA_CERTS/);
        return true;
      });
      await unset.end();
      // Given it on a file that does not exist, Then the message names the path
      const missing = pool(trusted.port, join(dir, 'nope.pem'));
      await assert.rejects(missing.connect(), /nope\.pem/);
      await missing.end();
    } finally {
      if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
      else process.env.NODE_EXTRA_CA_CERTS = saved;
    }
  });
});
