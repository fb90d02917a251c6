/**
 * The watchdog Lambda's side of watchdog-env.ts: reads and validates the config the stack
 * put in its environment. Separate so the stacks never load the schema library.
 */
import { parseConfig } from '../../config/load.js';
import type { DrConfig } from '../../config/schema.js';
import { WATCHDOG_CONFIG_ENV } from '../../contract/watchdog-env.js';

export function readWatchdogConfig(env: Readonly<Record<string, string | undefined>>): DrConfig {
  const raw = env[WATCHDOG_CONFIG_ENV];
  if (!raw) throw new Error(`missing environment variable ${WATCHDOG_CONFIG_ENV}`);
  return parseConfig(JSON.parse(raw));
}
