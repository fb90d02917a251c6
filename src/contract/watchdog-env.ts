/**
 * What the stack hands the failover-watchdog Lambda, and how long one watch period is.
 * No AWS, cdktf or schema import: the regional stack and the Lambda both use it (the
 * Lambda's reading side, which validates with the schema, is watchdog-config.ts).
 */
import type { DrConfig } from '../config/schema.js';

/** Environment variable holding the part of the dr config the watchdog plans with (JSON). */
export const WATCHDOG_CONFIG_ENV = 'DR_WATCHDOG_CONFIG';

/** How often the schedule starts a watch period. EventBridge schedules go down to 1 minute. */
export const WATCHDOG_SCHEDULE = 'rate(1 minute)';
const PERIOD_SECONDS = 60;
/** One probe's limit: a /health slower than this counts as failed (Route 53 waits 4 s for a connection). */
export const PROBE_TIMEOUT_MS = 2000;

/**
 * Only what planning an unplanned failover and probing need: names, regions, DNS (health
 * URL, timing) and the database name. Small enough for Lambda's 4 KB environment.
 */
export function watchdogConfigJson(config: DrConfig): string {
  return JSON.stringify({
    app: config.app,
    environment: config.environment,
    regions: config.regions,
    dns: config.dns,
    database: { databaseName: config.database.databaseName },
    objectives: { rtoSeconds: config.objectives.rtoSeconds },
  });
}

export interface WatchdogTiming {
  /** Probes per period, `intervalMs` apart. */
  readonly probes: number;
  readonly intervalMs: number;
  /** Failed probes in a row that mean "lost": the Route 53 health check's threshold. */
  readonly requiredFailures: number;
  /** The Lambda's timeout: the probes, their time limits and the failover start. */
  readonly timeoutSeconds: number;
}

/**
 * The same cadence as the Route 53 health checks (interval × threshold), probed for a
 * whole schedule period so consecutive periods cover the timeline: a loss is seen within
 * about interval × (threshold + 1) plus one probe timeout.
 */
export function watchdogTiming(config: Pick<DrConfig, 'dns'>): WatchdogTiming {
  const { intervalSeconds, failureThreshold } = config.dns.healthCheck;
  const probes = Math.max(failureThreshold, Math.floor((PERIOD_SECONDS - 10) / intervalSeconds) + 1);
  const probingSeconds = (probes - 1) * intervalSeconds + (probes * PROBE_TIMEOUT_MS) / 1000;
  return {
    probes,
    intervalMs: intervalSeconds * 1000,
    requiredFailures: failureThreshold,
    timeoutSeconds: Math.min(900, Math.ceil(probingSeconds) + 30),
  };
}
