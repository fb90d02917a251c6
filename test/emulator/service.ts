/**
 * The AWS emulator (moto + the DR extension) as a shared test service.
 * PLACEHOLDER until the emulator lands: needs no file, starts nothing.
 */
import type { ServiceDefinition } from '../harness/services.js';

export const emulatorService: ServiceDefinition = {
  name: 'aws-emulator',
  needs: () => false,
  start: async () => ({ env: {}, stop: async () => {} }),
};
