/**
 * The failover watchdog in the sandbox. moto runs no Lambda code, so the sandbox (and the
 * drill) runs the Lambda's own `runWatchdog` + `watchdogEffects` in-process; only the probe
 * differs, because the emulator serves no regional `/health` over HTTPS. The sandbox probe
 * stands in for that GET with what the emulator can say about the watched region:
 *
 * - the region answers at all: an SSM read there (`dr sandbox outage` cuts it, as a lost
 *   region's API would not answer);
 * - its order API stage is not throttled to 0 (GetStage: the `/health` method's or the
 *   `*\/*` rate or burst limit 0, the AWS drill's data-plane blackout): API Gateway would
 *   answer that GET 429 Too Many Requests without reaching the health Lambda;
 * - its Route 53 health check is not forced to Failure (the emulator's switch for "its
 *   /health answers 503"). Only the sandbox reads Route 53 here, as the emulator's stand-in
 *   for the /health answer; the Lambda never calls Route 53. When Route 53 does not answer
 *   (the sandbox counts it as us-east-1), only the reachability counts.
 */
import type { AwsClients } from '../aws/clients.js';
import type { DrConfig } from '../config/schema.js';
import { Naming } from '../contract/naming.js';
import { RegionUnreachableError, UsageError } from '../contract/errors.js';
import { OrderApiStages } from './api-gateway.js';
import { functionClients } from './identity.js';
import { silentReporter, type Reporter } from '../core/reporter.js';
import { followExecution, type ExecutionOutcome } from '../core/failover/execution.js';
import {
  runWatchdog,
  watchdogEffects,
  watchedRegion,
  type HealthSample,
  type WatchdogRun,
} from '../core/failover/watchdog.js';

/** The emulator's stand-in for an HTTPS GET of `watched`'s regional /health. */
export function sandboxHealthProbe(options: {
  clients: AwsClients;
  config: DrConfig;
  watched: string;
}): () => Promise<HealthSample> {
  const { clients, config, watched } = options;
  const naming = new Naming(config);
  const fqdn = naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, watched);
  const url = `https://${fqdn}${config.dns.healthCheck.path}`;
  const stages = new OrderApiStages(clients, config);
  return async () => {
    try {
      await clients.ssm(watched).getParameter({ Name: naming.ssmActiveRegion() });
    } catch (error) {
      return { ok: false, detail: `${watched} did not answer (${(error as Error).name})` };
    }
    try {
      const stage = await stages.read(watched, {
        resourcePath: config.dns.healthCheck.path,
        httpMethod: 'GET',
      });
      if (stage.throttled) return { ok: false, detail: `${url} ${stage.detail}` };
    } catch (error) {
      if (error instanceof RegionUnreachableError) {
        return { ok: false, detail: `${watched} did not answer (${error.name})` };
      }
      // Any other failure leaves the answer to the health check status below.
    }
    let checks;
    try {
      checks = (await clients.route53(watched).listHealthChecks({})).HealthChecks ?? [];
    } catch {
      return { ok: true, detail: `${watched} answers (its health check status is unknown)` };
    }
    const check = checks.find((c) => c.HealthCheckConfig?.FullyQualifiedDomainName === fqdn);
    if (!check?.Id) return { ok: true, detail: `${watched} answers (no health check for ${fqdn})` };
    const status = await clients
      .route53(watched)
      .getHealthCheckStatus({ HealthCheckId: check.Id })
      .catch(() => undefined);
    const failing = (status?.HealthCheckObservations ?? []).some((o) =>
      o.StatusReport?.Status?.startsWith('Failure'),
    );
    return failing
      ? { ok: false, detail: `https://${fqdn}${config.dns.healthCheck.path} answered 503` }
      : { ok: true, detail: `https://${fqdn}${config.dns.healthCheck.path} answered 200` };
  };
}

export interface SandboxWatchdogOptions {
  /** The sandbox's administrator: what the sandbox plays (the /health answer), and following a started failover. */
  readonly clients: AwsClients;
  /**
   * The watchdog's own calls, as its function's execution role (./identity.ts).
   * @default - a session of that role, made for this run
   */
  readonly functionClients?: AwsClients;
  readonly config: DrConfig;
  /** Where the watchdog runs. @default - the secondary region */
  readonly region?: string;
  /** Watch periods before giving up; each probes until it can decide. @default 1 */
  readonly periods?: number;
  /** Between probes. @default 1000 */
  readonly intervalMs?: number;
  /** Follow a started failover to its end (bounded). @default true */
  readonly follow?: boolean;
  readonly followTimeoutMs?: number;
  readonly reporter?: Reporter;
  /** Stop watching at the next period once aborted (a started failover is not stopped). */
  readonly signal?: AbortSignal;
}

export interface SandboxWatchdogResult extends WatchdogRun {
  readonly region: string;
  readonly watched: string;
  readonly periods: number;
  readonly execution?: Pick<ExecutionOutcome, 'status' | 'ms'> & {
    readonly failure?: ExecutionOutcome['failure'];
  };
}

/**
 * Runs watch periods (the Lambda's, with the sandbox probe) until one decides something
 * or `periods` are done. A started failover is followed to its end.
 */
export async function sandboxWatchdog(options: SandboxWatchdogOptions): Promise<SandboxWatchdogResult> {
  const { clients, config } = options;
  if (clients.endpoint === undefined) {
    throw new UsageError(
      'dr sandbox watchdog runs against the sandbox only; in AWS the failover-watchdog Lambda runs every minute',
    );
  }
  const region = options.region ?? config.regions.secondary;
  const watched = watchedRegion(config.regions, region);
  const own =
    options.functionClients ?? (await functionClients(clients, config, 'failover-watchdog', region));
  try {
    return await watch(options, own, region, watched);
  } finally {
    if (!options.functionClients) own.destroy();
  }
}

async function watch(
  options: SandboxWatchdogOptions,
  own: AwsClients,
  region: string,
  watched: string,
): Promise<SandboxWatchdogResult> {
  const { clients, config } = options;
  const reporter = options.reporter ?? silentReporter;
  const intervalMs = options.intervalMs ?? 1000;
  const periods = Math.max(1, options.periods ?? 1);
  const required = config.dns.healthCheck.failureThreshold;
  const effects = watchdogEffects({
    clients: own,
    config,
    region,
    probe: sandboxHealthProbe({ clients, config, watched }),
  });
  let run: WatchdogRun | undefined;
  let period = 0;
  const step = reporter.step(`Watching ${watched} from ${region}`);
  while (period < periods && !options.signal?.aborted) {
    if (period > 0) await effects.sleep(intervalMs);
    period += 1;
    run = await runWatchdog({
      effects,
      region,
      watched,
      probes: required,
      probeIntervalMs: intervalMs,
      requiredFailures: required,
    });
    step.update(`Watching ${watched} from ${region}: period ${period}/${periods}: ${run.decision.reason}`);
    if (run.decision.action !== 'none') break;
  }
  if (!run) throw new Error('no watch period ran');
  if (run.decision.action === 'none') step.succeed(run.decision.reason);
  else step.fail(run.decision.reason);
  const result = { ...run, region, watched, periods: period };
  if (!run.executionArn || options.follow === false) return result;
  const outcome = await followExecution({
    sfn: clients.sfn(region),
    executionArn: run.executionArn,
    region,
    reporter,
    pollMs: 250,
    timeoutMs: options.followTimeoutMs ?? 120_000,
  });
  return {
    ...result,
    execution: {
      status: outcome.status,
      ms: outcome.ms,
      ...(outcome.failure ? { failure: outcome.failure } : {}),
    },
  };
}
