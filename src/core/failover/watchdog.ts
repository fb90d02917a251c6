/**
 * The automatic trigger: a watchdog in the secondary region decides whether the primary
 * is lost and, per `auto-failover` (on | off | approval), starts the unplanned failover
 * or asks for approval. It never depends on us-east-1: not its CloudWatch, not Route 53's
 * API (both homed there). It probes the primary's own regional `/health` over HTTPS (the
 * data plane a client would use) and reads only its own region.
 *
 * `decideAutoFailover` is pure; `runWatchdog` takes its effects injected. The Lambda
 * (src/lambdas/failover-watchdog) and the tests call the same `runWatchdog` with
 * `watchdogEffects` (moto runs no Lambda code, so the sandbox calls this in-process).
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../infra/naming.js';
import { startExecution } from './execution.js';
import { acquireLease } from './lease.js';
import { planOperation } from './plan.js';
import { findInFlight } from './run.js';

export type AutoFailoverSetting = 'on' | 'off' | 'approval';

export interface HealthSample {
  readonly ok: boolean;
  readonly detail: string;
}

export interface WatchdogFacts {
  readonly setting: AutoFailoverSetting;
  /** Where the watchdog runs (the secondary) and the region it watches. */
  readonly region: string;
  readonly primary: string;
  /** `active-region` as this region's SSM has it. */
  readonly activeRegion: string;
  /** The primary's probes, oldest first. */
  readonly samples: readonly HealthSample[];
  /** How many failed probes in a row mean "lost". */
  readonly requiredFailures: number;
  /** An operation already runs (a failover in flight). */
  readonly inFlight: boolean;
}

export type WatchdogAction = 'none' | 'failover' | 'request-approval';

export interface WatchdogDecision {
  readonly action: WatchdogAction;
  readonly reason: string;
}

export function decideAutoFailover(facts: WatchdogFacts): WatchdogDecision {
  if (facts.activeRegion !== facts.primary) {
    return { action: 'none', reason: `${facts.activeRegion} is already active: nothing to watch` };
  }
  if (facts.inFlight) return { action: 'none', reason: 'an operation is already running' };
  const recent = facts.samples.slice(-facts.requiredFailures);
  const lost = recent.length >= facts.requiredFailures && recent.every((s) => !s.ok);
  if (!lost) {
    const failed = facts.samples.filter((s) => !s.ok).length;
    return {
      action: 'none',
      reason: `${facts.primary} healthy (${failed}/${facts.samples.length} probes failed)`,
    };
  }
  const why = `${facts.primary} failed ${recent.length} health probes in a row (${recent.at(-1)?.detail ?? ''})`;
  if (facts.setting === 'off') return { action: 'none', reason: `${why}; auto-failover is off` };
  if (facts.setting === 'approval')
    return { action: 'request-approval', reason: `${why}; approval required` };
  return { action: 'failover', reason: why };
}

export interface WatchdogEffects {
  probePrimary(): Promise<HealthSample>;
  readSetting(): Promise<AutoFailoverSetting>;
  readActiveRegion(): Promise<string>;
  inFlight(): Promise<boolean>;
  /** Starts the unplanned failover; returns the execution ARN. */
  startFailover(reason: string): Promise<string>;
  notify(decision: WatchdogDecision): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface WatchdogRun {
  readonly decision: WatchdogDecision;
  readonly samples: readonly HealthSample[];
  readonly executionArn?: string;
}

export async function runWatchdog(options: {
  effects: WatchdogEffects;
  region: string;
  primary: string;
  probes: number;
  probeIntervalMs: number;
  requiredFailures: number;
}): Promise<WatchdogRun> {
  const { effects } = options;
  const samples: HealthSample[] = [];
  for (let i = 0; i < options.probes; i += 1) {
    if (i > 0) await effects.sleep(options.probeIntervalMs);
    samples.push(await effects.probePrimary());
    if (samples.at(-1)?.ok) break; // healthy: nothing more to learn this round
  }
  const [setting, activeRegion, inFlight] = await Promise.all([
    effects.readSetting(),
    effects.readActiveRegion(),
    effects.inFlight(),
  ]);
  const decision = decideAutoFailover({
    setting,
    region: options.region,
    primary: options.primary,
    activeRegion,
    samples,
    requiredFailures: options.requiredFailures,
    inFlight,
  });
  if (decision.action === 'failover') {
    const executionArn = await effects.startFailover(decision.reason);
    await effects.notify(decision);
    return { decision, samples, executionArn };
  }
  if (decision.action === 'request-approval') await effects.notify(decision);
  return { decision, samples };
}

/** GET `url` within `timeoutMs`: healthy on 200 only. */
export async function probeHealth(url: string, timeoutMs: number): Promise<HealthSample> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return { ok: response.status === 200, detail: `${url} answered ${response.status}` };
  } catch (error) {
    return { ok: false, detail: `${url} did not answer: ${(error as Error).name}` };
  }
}

/** The real effects, calling only `region` (the secondary) and the primary's /health. */
export function watchdogEffects(options: {
  clients: AwsClients;
  config: DrConfig;
  region: string;
  /** @default `https://<regional api domain of the primary><health path>` */
  healthUrl?: string;
  probeTimeoutMs?: number;
}): WatchdogEffects {
  const { clients, config, region } = options;
  const naming = new Naming(config);
  const primary = config.regions.primary;
  const url =
    options.healthUrl ??
    `https://${naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, primary)}${config.dns.healthCheck.path}`;
  const ssm = clients.ssm(region);
  const read = async (name: string) =>
    (await ssm.getParameter({ Name: name, WithDecryption: true })).Parameter?.Value ?? '';
  const startedBy = `watchdog@${region}`;
  return {
    probePrimary: () => probeHealth(url, options.probeTimeoutMs ?? 2000),
    readSetting: async () => (await read(naming.ssmShared('auto-failover'))) as AutoFailoverSetting,
    readActiveRegion: () => read(naming.ssmActiveRegion()),
    inFlight: async () =>
      (await findInFlight({ clients, config, operation: 'failover', to: region, askSource: false })) !==
      undefined,
    startFailover: async () => {
      const plan = await planOperation({
        clients,
        config,
        operation: 'failover',
        to: region,
        mode: 'unplanned',
        startedBy,
      });
      await acquireLease({
        ddb: clients.dynamodb(region),
        table: plan.lease.table,
        id: plan.lease.id,
        holder: startedBy,
        operation: 'failover',
        operationId: plan.operationId,
        ttlSeconds: plan.lease.ttlSeconds,
      });
      const phase = plan.phases[0];
      if (!phase) throw new Error('an unplanned failover has one phase');
      // The machine releases the lease when it ends, succeeded or failed.
      return startExecution(clients.sfn(region), phase.stateMachineArn, phase.executionName, phase.input);
    },
    notify: async (decision) => {
      await clients.eventbridge(region).putEvents({
        Entries: [
          {
            Source: `dr.${naming.prefix}`,
            DetailType:
              decision.action === 'failover'
                ? 'DR Automatic Failover Started'
                : 'DR Failover Approval Required',
            EventBusName: naming.eventBus(region),
            Detail: JSON.stringify({ region, primary, ...decision }),
          },
        ],
      });
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
}
