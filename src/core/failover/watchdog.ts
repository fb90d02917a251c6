/**
 * The automatic trigger: a watchdog in the standby region decides whether the active
 * region is lost and, per `auto-failover` (on | off | approval), starts the unplanned
 * failover to itself or asks for approval. Both regions run it; only the copy whose SSM
 * names the other region active acts. It never depends on us-east-1: not its CloudWatch,
 * not Route 53's API (both homed there). It probes the watched region's own regional
 * `/health` over HTTPS (the data plane a client would use) and reads only its own region.
 *
 * `decideAutoFailover` is pure; `runWatchdog` takes its effects injected. The Lambda
 * (src/lambdas/failover-watchdog) and the tests call the same `runWatchdog` with
 * `watchdogEffects` (moto runs no Lambda code, so the sandbox calls this in-process).
 */
import type { AwsClients } from '../../aws/clients.js';
import { setTimeout as delay } from 'node:timers/promises';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { startExecution } from './execution.js';
import { acquireLease, leaseLiveness, readLease } from './lease.js';
import { LEASE_ID, planOperation } from './plan.js';
import { findInFlight } from './run.js';
import { LockHeldError } from '../../contract/errors.js';

export type AutoFailoverSetting = 'on' | 'off' | 'approval';

/**
 * `auto-failover` as read from SSM. Anything but on/off/approval (a typo, an empty value)
 * counts as `approval`: never fire on a value nobody meant, never go silent either.
 */
export function parseAutoFailoverSetting(value: string | undefined): AutoFailoverSetting {
  return value === 'on' || value === 'off' || value === 'approval' ? value : 'approval';
}

/**
 * Which region this copy of the watchdog watches: the other one. Both regions run it;
 * whether it acts is decided at run time from `active-region` (see `decideAutoFailover`).
 */
export function watchedRegion(regions: { primary: string; secondary: string }, region: string): string {
  if (region === regions.primary) return regions.secondary;
  if (region === regions.secondary) return regions.primary;
  throw new Error(`${region} is neither the primary nor the secondary region`);
}

export interface HealthSample {
  readonly ok: boolean;
  readonly detail: string;
}

export interface WatchdogFacts {
  readonly setting: AutoFailoverSetting;
  /** Where this watchdog runs (the standby) and the region it watches (the other one). */
  readonly region: string;
  readonly watched: string;
  /** `active-region` as this region's SSM has it. */
  readonly activeRegion: string;
  /** The watched region's probes, oldest first. */
  readonly samples: readonly HealthSample[];
  /** How many failed probes in a row mean "lost". */
  readonly requiredFailures: number;
  /** An operation already runs (a failover in flight, or the DR lease held). */
  readonly inFlight: boolean;
}

export type WatchdogAction = 'none' | 'failover' | 'request-approval';

export interface WatchdogDecision {
  readonly action: WatchdogAction;
  readonly reason: string;
}

/** Consecutive failed probes at the end of `samples`. */
function trailingFailures(samples: readonly HealthSample[]): number {
  let n = 0;
  for (let i = samples.length - 1; i >= 0 && !samples[i]?.ok; i -= 1) n += 1;
  return n;
}

/**
 * Acts only when this region's SSM names the watched region active (so the copy in the
 * active region, and a region that came back with a stale `active-region` naming itself,
 * never act), nothing is in flight, and the last N probes all failed.
 */
export function decideAutoFailover(facts: WatchdogFacts): WatchdogDecision {
  if (facts.activeRegion !== facts.watched) {
    return {
      action: 'none',
      reason: `${facts.activeRegion || 'no region'} is active, not ${facts.watched}: nothing to watch from ${facts.region}`,
    };
  }
  if (facts.inFlight) return { action: 'none', reason: 'an operation is already running' };
  const inARow = trailingFailures(facts.samples);
  if (inARow < facts.requiredFailures) {
    const failed = facts.samples.filter((s) => !s.ok).length;
    return {
      action: 'none',
      reason: `${facts.watched} healthy (${failed}/${facts.samples.length} probes failed, ${inARow} in a row of ${facts.requiredFailures} needed)`,
    };
  }
  const why = `${facts.watched} failed ${inARow} health probes in a row (${facts.samples.at(-1)?.detail ?? ''})`;
  if (facts.setting === 'off') return { action: 'none', reason: `${why}; auto-failover is off` };
  if (facts.setting === 'approval')
    return {
      action: 'request-approval',
      reason: `${why}; approval required: run \`dr failover --to ${facts.region} --unplanned\``,
    };
  return { action: 'failover', reason: why };
}

export interface WatchdogEffects {
  probeWatched(): Promise<HealthSample>;
  readSetting(): Promise<AutoFailoverSetting>;
  readActiveRegion(): Promise<string>;
  inFlight(): Promise<boolean>;
  /** Starts the unplanned failover to this region; returns the execution ARN. */
  startFailover(reason: string): Promise<string>;
  notify(decision: WatchdogDecision): Promise<void>;
  sleep(ms: number): Promise<void>;
}

export interface WatchdogRun {
  readonly decision: WatchdogDecision;
  readonly samples: readonly HealthSample[];
  readonly executionArn?: string;
}

export interface WatchdogOptions {
  readonly effects: WatchdogEffects;
  readonly region: string;
  readonly watched: string;
  /** At most this many probes this run (the Lambda watches a whole schedule period). */
  readonly probes: number;
  readonly probeIntervalMs: number;
  readonly requiredFailures: number;
}

/**
 * One watch period: nothing to do while this region is the active one; else probe the
 * watched region every `probeIntervalMs`, up to `probes` times, and stop as soon as
 * `requiredFailures` failed in a row (decide at once) or can no longer (the next period
 * goes on). Then decide and act. A lease held by someone else means someone already acts.
 */
export async function runWatchdog(options: WatchdogOptions): Promise<WatchdogRun> {
  const { effects } = options;
  const decide = async (samples: readonly HealthSample[]) => {
    const [setting, activeRegion, inFlight] = await Promise.all([
      effects.readSetting(),
      effects.readActiveRegion(),
      effects.inFlight(),
    ]);
    return decideAutoFailover({
      setting,
      region: options.region,
      watched: options.watched,
      activeRegion,
      samples,
      requiredFailures: options.requiredFailures,
      inFlight,
    });
  };
  if ((await effects.readActiveRegion()) !== options.watched) {
    return { decision: await decide([]), samples: [] };
  }
  // Probes taken while an operation runs say nothing about the region: a failback's new
  // primary answers 503 until its promotion ends, and a decision made from those probes
  // right after the lease is released would fail over again (checked again at the end).
  if (await effects.inFlight()) {
    return { decision: { action: 'none', reason: 'an operation is already running' }, samples: [] };
  }
  const samples: HealthSample[] = [];
  for (let i = 0; i < options.probes; i += 1) {
    if (i > 0) await effects.sleep(options.probeIntervalMs);
    samples.push(await effects.probeWatched());
    const inARow = trailingFailures(samples);
    if (inARow >= options.requiredFailures) break;
    if (inARow + (options.probes - i - 1) < options.requiredFailures) break;
  }
  const decision = await decide(samples);
  if (decision.action === 'failover') {
    let executionArn: string;
    try {
      executionArn = await effects.startFailover(decision.reason);
    } catch (error) {
      if (error instanceof LockHeldError) {
        return { decision: { action: 'none', reason: `not started: ${error.message}` }, samples };
      }
      throw error;
    }
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

/** The HTTPS URL of a region's own `/health` (its regional API name, not the failover name). */
export function regionalHealthUrl(config: DrConfig, region: string): string {
  const naming = new Naming(config);
  return `https://${naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, region)}${config.dns.healthCheck.path}`;
}

/**
 * The real effects: calls only `region` (where the watchdog runs) and the watched
 * region's `/health` over HTTPS. Never the watched region's AWS APIs, Route 53 or
 * CloudWatch (homed in us-east-1).
 */
export function watchdogEffects(options: {
  clients: AwsClients;
  config: DrConfig;
  region: string;
  /** @default - an HTTPS GET of the watched region's regional /health (`probeHealth`) */
  probe?: () => Promise<HealthSample>;
  /** @default 2000 */
  probeTimeoutMs?: number;
}): WatchdogEffects {
  const { clients, config, region } = options;
  const naming = new Naming(config);
  const watched = watchedRegion(config.regions, region);
  const url = regionalHealthUrl(config, watched);
  const ssm = clients.ssm(region);
  const read = async (name: string) =>
    (await ssm.getParameter({ Name: name, WithDecryption: true })).Parameter?.Value ?? '';
  const startedBy = `watchdog@${region}`;
  return {
    probeWatched: options.probe ?? (() => probeHealth(url, options.probeTimeoutMs ?? 2000)),
    readSetting: async () => parseAutoFailoverSetting(await read(naming.ssmShared('auto-failover'))),
    readActiveRegion: () => read(naming.ssmActiveRegion()),
    // A failover to here in flight, or any operation holding the DR lease (this region's
    // replica: the other region is the one that may be lost) whose process still runs. A
    // lease left by a CLI that died (a laptop closed mid-failback) does not hold back the
    // automatic failover for the rest of its hour: the watchdog takes it over, recorded.
    inFlight: async () => {
      const [running, lease] = await Promise.all([
        findInFlight({ clients, config, operation: 'failover', to: region, askSource: false }),
        readLease(clients.dynamodb(region), naming.leaseTable(), LEASE_ID),
      ]);
      const held =
        lease !== undefined &&
        lease.expiresAt >= Math.floor(Date.now() / 1000) &&
        leaseLiveness(lease).running;
      return running !== undefined || held;
    },
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
        to: region,
        mode: 'unplanned',
        // Only a lease whose process is gone (see inFlight); a running one still refuses.
        takeOver: true,
      });
      const phase = plan.phases[0];
      if (!phase) throw new Error('an unplanned failover has one phase');
      // The machine releases the lease when it ends, succeeded or failed.
      return startExecution(clients.sfn(region), phase.stateMachineArn, phase.executionName, phase.input);
    },
    notify: async (decision) => {
      const started = decision.action === 'failover';
      const subject = started
        ? `DR: automatic failover to ${region} started`
        : `DR: approve failover to ${region}?`;
      const detail = { region, watched, ...decision };
      // Both go to this region's own bus and alarm topic (the other region may be dark).
      const topicArn = await read(naming.ssmRegional('alarm-topic-arn'));
      await Promise.all([
        clients.eventbridge(region).putEvents({
          Entries: [
            {
              Source: naming.eventSource(),
              DetailType: started ? 'DR Automatic Failover Started' : 'DR Failover Approval Required',
              EventBusName: naming.eventBus(region),
              Detail: JSON.stringify(detail),
            },
          ],
        }),
        topicArn
          ? clients.sns(region).publish({
              TopicArn: topicArn,
              Subject: subject.slice(0, 99),
              Message: `${decision.reason}\n\n${JSON.stringify(detail, null, 2)}`,
            })
          : Promise.resolve(),
      ]);
    },
    sleep: (ms) => delay(ms),
  };
}
