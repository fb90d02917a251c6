/**
 * dr's client factory on an emulator (./credentials.ts' `emulatorClients`) for the tests
 * of the file or describe it is called from, destroyed `after` them. Kept apart from
 * ./credentials.ts, which the harness process loads (no node:test there).
 */
import { after } from 'node:test';
import type { AwsClients } from '../../src/aws/clients.js';
import { emulatorClients } from './credentials.js';

export function useEmulatorClients(endpoint: string, timeoutMs?: number, maxAttempts?: number): AwsClients {
  const clients = emulatorClients(endpoint, timeoutMs, maxAttempts);
  after(() => clients.destroy());
  return clients;
}
