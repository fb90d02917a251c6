/**
 * EventBridge schedule (every minute, both regions) → one watch period of `runWatchdog`
 * (src/core/failover/watchdog.ts): in the standby region, probe the active region's
 * regional /health over HTTPS and, per `auto-failover` (SSM, from config.autoFailover),
 * start the unplanned failover here or ask for approval (SNS + EventBridge, this region).
 * In the active region it reads `active-region`, sees itself, and returns.
 *
 * It runs outside the VPC (the private subnets have no route to another region's public
 * endpoint) and holds no database credentials. The sandbox runs the same `runWatchdog`
 * in-process (`dr sandbox watchdog`): moto executes no Lambda code.
 */
import { createClients } from '../../aws/clients.js';
import {
  runWatchdog,
  watchdogEffects,
  watchedRegion,
  type WatchdogOptions,
  type WatchdogRun,
} from '../../core/failover/watchdog.js';
import { readWatchdogConfig } from '../../core/failover/watchdog-config.js';
import { PROBE_TIMEOUT_MS, watchdogTiming } from '../../contract/watchdog-env.js';
import { errorFields, jsonLogger } from '../shared/log.js';
import { lambdaRuntime } from '../shared/runtime.js';

interface Watchdog {
  readonly options: WatchdogOptions;
}

/** Built on the first invocation (not at import) and kept for the container's life. */
let watchdog: Watchdog | undefined;

function build(): Watchdog {
  const { region } = lambdaRuntime();
  const config = readWatchdogConfig(process.env);
  const timing = watchdogTiming(config);
  // Own-region calls only; a slow call fails this period, the next one tries again.
  const clients = createClients({ timeoutMs: 3000, maxAttempts: 2 });
  return {
    options: {
      effects: watchdogEffects({ clients, config, region, probeTimeoutMs: PROBE_TIMEOUT_MS }),
      region,
      watched: watchedRegion(config.regions, region),
      probes: timing.probes,
      probeIntervalMs: timing.intervalMs,
      requiredFailures: timing.requiredFailures,
    },
  };
}

export const handler = async (): Promise<WatchdogRun> => {
  try {
    const run = await runWatchdog((watchdog ??= build()).options);
    jsonLogger(run.decision.action === 'none' ? 'info' : 'warn', 'failover watchdog', {
      action: run.decision.action,
      reason: run.decision.reason,
      probes: run.samples.length,
      failed: run.samples.filter((s) => !s.ok).length,
      ...(run.executionArn ? { executionArn: run.executionArn } : {}),
    });
    return run;
  } catch (error) {
    jsonLogger('error', 'failover watchdog failed', errorFields(error));
    throw error;
  }
};
