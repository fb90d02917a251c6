/**
 * The config the CLI tests of `dr deploy` and `dr verify-sync` write (the deployed
 * platform's, with a 2 s canary timeout so the canary check does not wait long), parsed,
 * and its names.
 */
import { configSchema } from '../../src/config/schema.js';
import { Naming } from '../../src/contract/naming.js';

export const input = {
  app: 'trading',
  dns: { domain: 'trading.example.com' },
  objectives: { canaryTimeoutSeconds: 2 },
};
export const config = configSchema.parse(input);
export const naming = new Naming(config);
