/** Shared by the config tests: the smallest valid config, and what a rejected one says. */
import assert from 'node:assert/strict';
import { ConfigError, parseConfig } from '../../src/config/load.js';

export const minimal = { app: 'trading', dns: { domain: 'trading.example.com' } };

/** The problems parseConfig names for `raw`; fails the test when it is accepted. */
export function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  assert.fail('expected the config to be rejected');
}
