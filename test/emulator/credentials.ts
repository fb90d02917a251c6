/**
 * Which key pair signs a test's requests to an emulator. Every emulator accepts only its
 * account root's keys and the IAM and STS keys it issued (test/emulator/dr_emulator/auth.py):
 *
 * - the run's shared emulator (test/emulator/service.ts) is started with `TEST_CREDENTIALS`;
 * - a deployed sandbox has the random pair `dr sandbox up` recorded in its `.dr/sandbox.json`,
 *   registered here by test/sandbox/deployed.ts when a file asks for the sandbox.
 *
 * No node:test import: the harness process loads this module too.
 */
import { createClients, type AwsClients } from '../../src/aws/clients.js';
import type { RootCredentials } from '../../src/sandbox/emulator.js';

export type TestCredentials = RootCredentials;

export const TEST_CREDENTIALS: TestCredentials = Object.freeze({
  accessKeyId: 'test',
  secretAccessKey: 'test',
});

const byEndpoint = new Map<string, TestCredentials>();

export function registerRootCredentials(endpoint: string, credentials: TestCredentials): void {
  byEndpoint.set(new URL(endpoint).origin, credentials);
}

/** The root key pair of the emulator at `endpoint` (the shared emulator's when not registered). */
export function rootCredentialsFor(endpoint: string | undefined): TestCredentials {
  return (endpoint && URL.canParse(endpoint) && byEndpoint.get(new URL(endpoint).origin)) || TEST_CREDENTIALS;
}

/** dr's client factory on the emulator at `endpoint`, signed with its root key pair. */
export function emulatorClients(endpoint: string, timeoutMs = 2000, maxAttempts = 1): AwsClients {
  return createClients({ endpoint, maxAttempts, timeoutMs, credentials: rootCredentialsFor(endpoint) });
}
