/**
 * How fast the live sandbox's clocks run against AWS's (`dr sandbox up --pace`), and the
 * timings that follow from the config at a pace. One place, so the runtime (./runtime.ts),
 * the drill and every printed figure agree on what a pace means.
 *
 * - `compressed` (the default): every AWS duration the runtime plays is divided by
 *   `COMPRESSED_FACTOR` (50): a 10 s health-check interval becomes 0.2 s, the watchdog's
 *   `rate(1 minute)` 1.2 s, a 20 s record TTL 0.4 s. Counts are not compressed: the
 *   failure threshold stays the config's. A game day's failover moves DNS in about a
 *   second instead of a minute.
 * - `aws`: as configured (factor 1): the config's `dns.healthCheck.intervalSeconds` and
 *   `failureThreshold`, the record TTL `dns.ttlSeconds`, the watchdog every 60 s — so what
 *   the sandbox measures is what AWS would.
 *
 * No import beyond the config's and the contract's types: the CLI's flag parsing and the
 * drill load it cheaply.
 */
import type { DrConfig } from '../../config/schema.js';
import type { Pace, PaceName } from './contract.js';

export type { Pace, PaceName } from './contract.js';

/** AWS time ÷ sandbox time at the `compressed` pace. */
export const COMPRESSED_FACTOR = 50;

export const PACE_NAMES: readonly PaceName[] = ['compressed', 'aws'];

export const DEFAULT_PACE: PaceName = 'compressed';

/** The watchdog's EventBridge schedule on AWS: `rate(1 minute)`. */
const WATCHDOG_PERIOD_MS = 60_000;

/** The pace called `name`; a name that is not a pace throws a RangeError naming the two. */
export function paceOf(name: string): Pace {
  if (name === 'compressed') return { name, factor: COMPRESSED_FACTOR };
  if (name === 'aws') return { name, factor: 1 };
  throw new RangeError(`"${name}" is not a pace: use ${PACE_NAMES.join(' or ')}`);
}

/** Between two checks of a region by Route 53's health checkers, ms. */
export function healthIntervalMs(config: Pick<DrConfig, 'dns'>, pace: Pace): number {
  return (config.dns.healthCheck.intervalSeconds * 1000) / pace.factor;
}

/** Failed checks in a row before a region counts as unhealthy (a count: the same at every pace). */
export function failureThreshold(config: Pick<DrConfig, 'dns'>): number {
  return config.dns.healthCheck.failureThreshold;
}

/** How long a resolver keeps the failover record's answer, ms. */
export function dnsTtlMs(config: Pick<DrConfig, 'dns'>, pace: Pace): number {
  return (config.dns.ttlSeconds * 1000) / pace.factor;
}

/** A record TTL as Route 53 serves it (seconds), as a resolver at this pace keeps it, ms. */
export function ttlMsAt(ttlSeconds: number, pace: Pace): number {
  return (ttlSeconds * 1000) / pace.factor;
}

/** Between two scheduled runs of the failover watchdog, ms. */
export function watchdogPeriodMs(pace: Pace): number {
  return WATCHDOG_PERIOD_MS / pace.factor;
}

/**
 * How long DNS may take to move away from a region that stopped being healthy, ms: the
 * checkers' threshold × interval, then the TTL a resolver keeps the old answer. The
 * figure `dr status` calls the DNS budget (src/core/status-unsafe.ts), at this pace.
 */
export function dnsBudgetMs(config: Pick<DrConfig, 'dns'>, pace: Pace): number {
  return failureThreshold(config) * healthIntervalMs(config, pace) + dnsTtlMs(config, pace);
}

/** One line naming the pace and what it means for this config (printed by `up`). */
export function describePace(config: Pick<DrConfig, 'dns'>, pace: Pace): string {
  const s = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;
  const what = `health checks every ${s(healthIntervalMs(config, pace))} × ${failureThreshold(config)}, TTL ${s(dnsTtlMs(config, pace))}, watchdog every ${s(watchdogPeriodMs(pace))}`;
  return pace.name === 'aws'
    ? `aws (as configured: ${what})`
    : `${pace.name} ×${pace.factor} (${what}; \`--pace aws\` runs them as configured)`;
}
