/**
 * The failover watchdog's EventBridge schedule, in-process. On AWS a `rate(1 minute)`
 * rule invokes the failover-watchdog Lambda in both regions; moto runs no Lambda code and
 * fires no schedule, so the sandbox calls the Lambda's watch period itself: every
 * `everyMs` one period of `sandboxWatchdog` (the Lambda's `runWatchdog` + effects, with
 * the sandbox probe; `follow: false`, as the Lambda only starts the failover) in one
 * region, the secondary by default.
 *
 * Differences from EventBridge, named: a tick that comes while the previous run is still
 * going is skipped (counted in `skipped`) instead of starting a second, concurrent
 * invocation; a run that throws is recorded (`error`) and the schedule goes on, with no
 * Lambda retry.
 */
import type { AwsClients } from '../aws/clients.js';
import type { DrConfig } from '../config/schema.js';
import { sandboxWatchdog } from './watchdog.js';
import { functionClients } from './identity.js';
import type { WatchdogDecision } from '../core/failover/watchdog.js';

export interface WatchdogScheduleOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  /** Between two invocations (AWS: 60 000). */
  readonly everyMs: number;
  /** Where the watchdog runs. @default - the secondary region */
  readonly region?: string;
  /** Between two probes of one run. @default 1000 */
  readonly probeIntervalMs?: number;
  /** Before the first invocation. @default everyMs (a rate schedule's first one comes after a period) */
  readonly firstAfterMs?: number;
}

export interface ScheduledWatchdogRun {
  /** Epoch ms when the run started. */
  readonly at: number;
  readonly ms: number;
  readonly region: string;
  /** Absent when the run failed (`error`). */
  readonly decision?: WatchdogDecision;
  /** The unplanned failover execution the run started. */
  readonly executionArn?: string;
  readonly error?: string;
}

export class WatchdogSchedule {
  private readonly recorded: ScheduledWatchdogRun[] = [];
  private skippedTicks = 0;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private stopped = false;
  /** The watchdog function's role session, made at the first run and kept (as a warm Lambda keeps it). */
  private own: Promise<AwsClients> | undefined;
  readonly region: string;

  constructor(private readonly options: WatchdogScheduleOptions) {
    if (!(options.everyMs > 0)) throw new RangeError(`everyMs must be positive, got ${options.everyMs}`);
    this.region = options.region ?? options.config.regions.secondary;
  }

  /** Starts ticking (the first invocation after `firstAfterMs`). */
  start(): this {
    if (this.timer || this.stopped) return this;
    const first = this.options.firstAfterMs ?? this.options.everyMs;
    this.timer = setTimeout(() => {
      if (this.stopped) return;
      this.tick();
      this.timer = setInterval(() => this.tick(), this.options.everyMs);
    }, first);
    return this;
  }

  /** Every finished run, oldest first. */
  get runs(): readonly ScheduledWatchdogRun[] {
    return this.recorded;
  }

  /** Ticks that came while a run was still going. */
  get skipped(): number {
    return this.skippedTicks;
  }

  /** The run in flight, if any (resolves when it is recorded). */
  get running(): Promise<void> | undefined {
    return this.current;
  }

  /** Stops ticking and waits for the run in flight. A stopped schedule does not start again. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      clearTimeout(this.timer);
      clearInterval(this.timer);
      this.timer = undefined;
    }
    await this.current;
    (await this.own?.catch(() => undefined))?.destroy();
  }

  /** The first run that started a failover execution, or undefined. */
  firstExecution(): ScheduledWatchdogRun | undefined {
    return this.recorded.find((r) => r.executionArn !== undefined);
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.current) {
      this.skippedTicks += 1;
      return;
    }
    this.current = this.runOnce().finally(() => {
      this.current = undefined;
    });
  }

  private async runOnce(): Promise<void> {
    const at = Date.now();
    const { clients, config } = this.options;
    try {
      this.own ??= functionClients(clients, config, 'failover-watchdog', this.region).catch(
        (error: unknown) => {
          this.own = undefined; // the next tick tries again
          throw error;
        },
      );
      const run = await sandboxWatchdog({
        clients,
        functionClients: await this.own,
        config,
        region: this.region,
        periods: 1,
        intervalMs: this.options.probeIntervalMs ?? 1000,
        follow: false,
      });
      this.recorded.push({
        at,
        ms: Date.now() - at,
        region: this.region,
        decision: run.decision,
        ...(run.executionArn ? { executionArn: run.executionArn } : {}),
      });
    } catch (error) {
      this.recorded.push({ at, ms: Date.now() - at, region: this.region, error: (error as Error).message });
    }
  }
}

/** Creates and starts the schedule; `stop()` it when done. */
export function startWatchdogSchedule(options: WatchdogScheduleOptions): WatchdogSchedule {
  return new WatchdogSchedule(options).start();
}
