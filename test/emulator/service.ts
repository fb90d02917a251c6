/**
 * The AWS emulator (moto + the DR extension) as a shared test service: one emulator for
 * the whole run, its address in DR_TEST_ENDPOINT.
 *
 * Rule: a test file needs it when it lives under test/emulator/, or when it imports the
 * client helper test/emulator/client.ts, directly or through a test helper. The import
 * is the declaration: no list to maintain when someone adds a test that needs AWS.
 */
import { relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../../src/sandbox/emulator.js';
import { TEST_CREDENTIALS } from './credentials.js';
import type { ServiceDefinition } from '../harness/services.js';
import { importsFile } from '../harness/source.js';

const CLIENT = fileURLToPath(new URL('./client.ts', import.meta.url));

export function needsEmulator(file: string): boolean {
  const path = relative(process.cwd(), resolve(file)).split(sep).join('/');
  return path.startsWith('test/emulator/') || importsFile(file, CLIENT);
}

export const emulatorService: ServiceDefinition = {
  name: 'aws-emulator',
  needs: needsEmulator,
  start: async () => {
    const emulator = await startEmulator({ port: 0, rootCredentials: TEST_CREDENTIALS });
    return {
      env: { DR_TEST_ENDPOINT: emulator.endpoint },
      stop: () => emulator.stop(),
    };
  },
};
