/**
 * For tests that talk to the local AWS emulator (moto + the DR extension). The harness
 * (scripts/run-tests.ts → test/emulator/service.ts) starts one emulator per test run
 * for every test file that imports this module, and passes its address as
 * DR_TEST_ENDPOINT.
 *
 *   import { awsTestConfig, useEmulator } from '../emulator/client.js';
 *   const endpoint = useEmulator();              // reset before each test
 *   const rds = new RDSClient(awsTestConfig('us-east-2'));
 *
 * Settings are the ones DESIGN.md asks for: the emulator's root key pair
 * (./credentials.ts), path-style S3 and one
 * attempt per call (an unimplemented action answers 500 and would be retried).
 */
import { after, beforeEach } from 'node:test';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/core/drill/aws/signed-intake.js';
import { resetEmulator } from '../../src/sandbox/emulator.js';

import { TEST_CREDENTIALS, rootCredentialsFor } from './credentials.js';

export { TEST_CREDENTIALS, rootCredentialsFor };

/** The emulator's endpoint; throws when the test was not started by scripts/run-tests.ts. */
export function testEndpoint(): string {
  const endpoint = process.env.DR_TEST_ENDPOINT;
  if (!endpoint) {
    throw new Error(
      'DR_TEST_ENDPOINT is not set: run emulator tests with `npx tsx scripts/run-tests.ts <filter>`, which starts the emulator',
    );
  }
  return endpoint;
}

export interface TestClientOptions {
  /** Per-attempt connection and request timeout, ms. @default 5000 */
  readonly timeoutMs?: number;
  /** Another emulator (the deployed sandbox's). @default - the run's emulator (DR_TEST_ENDPOINT) */
  readonly endpoint?: string;
}

/** The config for any SDK v3 client: `new S3Client(awsTestConfig('us-east-1'))`. */
export function awsTestConfig(region: string, options: TestClientOptions = {}) {
  const timeoutMs = options.timeoutMs ?? 5000;
  const endpoint = options.endpoint ?? testEndpoint();
  return {
    endpoint,
    region,
    credentials: { ...rootCredentialsFor(endpoint) },
    forcePathStyle: true,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    }),
  };
}

interface Destroyable {
  destroy(): void;
}

const made: Destroyable[] = [];

/** Builds a client and closes it after the file's tests (its sockets would hold the process). */
export function testClient<T extends Destroyable>(
  Client: new (config: ReturnType<typeof awsTestConfig>) => T,
  region: string,
  options: TestClientOptions = {},
): T {
  const client = new Client(awsTestConfig(region, options));
  made.push(client);
  return client;
}

/**
 * Registers the per-test reset (every region restored, timing back to 0, moto's state
 * wiped) and the closing of clients made with `testClient`; returns the endpoint.
 */
export function useEmulator(): string {
  const endpoint = testEndpoint();
  beforeEach(() => resetEmulator(endpoint));
  after(destroyTestClients);
  return endpoint;
}

/** Closes the clients made with `testClient` (useEmulator and useDeployedPlatform do, after the file). */
export function destroyTestClients(): void {
  for (const client of made.splice(0)) client.destroy();
}

export interface SignedRequest {
  readonly method: string;
  /** The path as sent, e.g. `/backup/plans/ID/selections/`. */
  readonly path: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/**
 * A SigV4-signed request to the emulator, for services the project has no SDK client
 * for (Backup, EC2, CloudWatch Logs...): moto routes a request by the signature's
 * service name. Answers the status and the body text.
 */
export async function signedFetch(
  service: string,
  region: string,
  request: SignedRequest,
): Promise<{ status: number; text: string }> {
  const url = new URL(testEndpoint());
  const signer = new SignatureV4({ service, region, credentials: TEST_CREDENTIALS, sha256: NodeSha256 });
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: request.path,
    query: request.query ?? {},
    headers: { host: url.host, ...request.headers },
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const target = new URL(request.path, url);
  for (const [name, value] of Object.entries(request.query ?? {})) target.searchParams.set(name, value);
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host'));
  const response = await fetch(target, {
    method: request.method,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, text: await response.text() };
}

/** A trust policy letting `principal` (e.g. `{ Service: 'states.amazonaws.com' }`) assume the role. */
export function trustPolicy(principal: Record<string, unknown>, condition?: Record<string, unknown>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
}

/**
 * A role in the run's emulator, with an inline policy of `statements` (none: no policy).
 * The emulator enforces it (dr_emulator/auth.py): a state machine's tasks, for one, run as
 * its role and may only do what it allows.
 */
export async function givenRole(name: string, trust: string, statements?: unknown[]): Promise<string> {
  const iam = testClient(IAMClient, 'us-east-1');
  const out = await iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  if (statements) {
    await iam.send(
      new PutRolePolicyCommand({
        RoleName: name,
        PolicyName: 'policy',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }),
      }),
    );
  }
  return out.Role!.Arn!;
}
