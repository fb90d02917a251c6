/**
 * Aurora's writer moves, played on the runtime's two PostgreSQL servers (./database.ts):
 * the runtime's side of the emulator's database hook (test/emulator/dr_emulator/dbhook.py),
 * what a regional outage does to replication, and the lag Aurora publishes. Without it the
 * emulator would move Aurora's writer while the servers stayed as they were.
 *
 * - The hook. At start the emulator is told to call `POST <control>/rds` (the daemon's
 *   control endpoint, ./daemon.ts) before it moves Aurora's writer, and to re-sync a
 *   cut-off old primary `resyncDelaySeconds` after its region answers again: 60 s ÷ the
 *   pace's factor, at least 5 s — the window in which the lost-write report
 *   (core/failover/write-loss.ts) can still read the old primary. `switchover` → the
 *   pair's switchover (no new writes, zero lag, promote, the old writer its standby);
 *   `failover` → its failover (the link cut where it stands, the standby promoted; the
 *   cut is answered and kept for the status); `resync` → the diverged old writer rewound
 *   into a standby of the writer. One event at a time; one that is already done answers
 *   2xx again (the emulator asks again after a timeout); a failure throws, and the daemon
 *   answers 500 with its message (Aurora's writer does not move then).
 * - What the emulator leaves to the databases: the cut-off old writer is demoted at the
 *   cut — it takes no more writes (Aurora's global database has one writer: the old
 *   primary is detached until its re-sync), but can be read until then; without this,
 *   its trade processor would go on writing there, once its region answers again, what
 *   the re-sync then discards. A failover while the old writer's region answers makes no
 *   `pending-resync` member (Aurora re-syncs it at once), so it is re-synced here after
 *   the same delay; and a switchover to a server still diverged re-syncs it first (a
 *   switchover needs a standby that follows the writer).
 * - Outages. Every 100 ms the emulator's outages are read: while a region of the pair is
 *   down, so is the link between them (`partition(true)`: the writer's WAL piles up in
 *   the link); when it ends without a failover everything piled up ships, nothing lost;
 *   a failover meanwhile drops it.
 * - Lag. Every second the emulator's `replicationLagMs` is set to what the standby shows
 *   (`observedLagMs`; null while nothing replicates), so `AuroraGlobalDBReplicationLag`
 *   is the lag observed, not a constant.
 *
 * `stop()` puts the emulator's settings back as they were (no hook; the lag and re-sync
 * delay the deploy had set).
 */
import { configureEmulator, listOutages } from '../emulator.js';
import type { Pace, RuntimeCut, RuntimeReplication, RuntimeResync, RuntimeSwitchover } from './contract.js';
import type { RuntimeDatabases } from './database.js';

/** Between two reads of the emulator's outages. */
const OUTAGE_POLL_MS = 100;
/** Between two settings of the published lag. */
const LAG_EVERY_MS = 1000;
/** What a cut-off old primary's re-sync waits for on AWS before its data is replaced (about a minute). */
const AWS_RESYNC_DELAY_SECONDS = 60;
/** The least re-sync delay: time enough to read what the failover lost. */
const MIN_RESYNC_DELAY_SECONDS = 5;

/** Seconds between a cut-off old primary's region answering again and its re-sync, at `pace`. */
export function resyncDelaySeconds(pace: Pace): number {
  return Math.max(MIN_RESYNC_DELAY_SECONDS, AWS_RESYNC_DELAY_SECONDS / pace.factor);
}

/** A hook call that is not one of the emulator's events (answered 400). */
export class HookRequestError extends Error {
  override readonly name = 'HookRequestError';
}

/** What the emulator posts (dbhook.py), as far as the databases need it. */
export type HookEvent =
  | { readonly action: 'switchover' | 'failover'; readonly toRegion: string }
  | { readonly action: 'resync'; readonly region: string };

/** Checks a hook call's body: one of the emulator's events, with a region of the pair. */
export function parseHookEvent(body: unknown, regions: readonly string[]): HookEvent {
  const event = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const region = (key: string): string => {
    const value = event[key];
    if (typeof value !== 'string' || !regions.includes(value)) {
      throw new HookRequestError(
        `${key} must be ${regions.join(' or ')}, got ${JSON.stringify(value)} (action ${String(event.action)})`,
      );
    }
    return value;
  };
  switch (event.action) {
    case 'switchover':
    case 'failover':
      return { action: event.action, toRegion: region('toRegion') };
    case 'resync':
      return { action: 'resync', region: region('region') };
    default:
      throw new HookRequestError(
        `action must be switchover, failover or resync, got ${JSON.stringify(event.action)}`,
      );
  }
}

export interface ReplicationLinkOptions {
  /** The emulator. */
  readonly endpoint: string;
  readonly databases: RuntimeDatabases;
  /** Where the emulator posts its events: the daemon's `POST /rds`. */
  readonly hookUrl: string;
  readonly pace: Pace;
  readonly shippingDelayMs: number;
  readonly log: (line: string) => void;
}

/** A loop of `tick` every `everyMs`, one at a time, stopped by `stop()` (after the tick in progress). */
class Loop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly everyMs: number,
    private readonly tick: () => Promise<void>,
  ) {}

  start(): void {
    const next = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch(() => {})
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(next, this.everyMs);
        });
    };
    next();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

export class ReplicationLink {
  private busy: Promise<unknown> = Promise.resolve();
  private down = new Set<string>();
  private partitioned = false;
  private lastSwitchover: RuntimeSwitchover | undefined;
  private lastCut: RuntimeCut | undefined;
  private lastResync: RuntimeResync | undefined;
  private lastError: RuntimeReplication['lastError'];
  /** A failed-over old writer whose region answered at the cut: re-synced here, after the delay. */
  private resyncDue: { region: string; at: number } | undefined;
  /** Diverged old writers demoted (true) or being demoted (false): they take no more writes. */
  private readonly demoted = new Map<string, boolean>();
  private readonly outages: Loop;
  private readonly lag: Loop;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly options: ReplicationLinkOptions,
    private readonly before: { replicationLagMs: number | null; resyncDelaySeconds: number },
  ) {
    this.outages = new Loop(OUTAGE_POLL_MS, () => this.followOutages());
    this.lag = new Loop(LAG_EVERY_MS, () => this.publishLag());
  }

  /** Sets the hook and the re-sync delay on the emulator, then follows its outages and publishes the lag. */
  static async start(options: ReplicationLinkOptions): Promise<ReplicationLink> {
    const current = await configureEmulator(options.endpoint, {});
    const link = new ReplicationLink(options, {
      replicationLagMs: current.replicationLagMs,
      resyncDelaySeconds: current.resyncDelaySeconds,
    });
    await configureEmulator(options.endpoint, {
      databaseHook: options.hookUrl,
      resyncDelaySeconds: resyncDelaySeconds(options.pace),
    });
    link.outages.start();
    link.lag.start();
    return link;
  }

  private get delayMs(): number {
    return resyncDelaySeconds(this.options.pace) * 1000;
  }

  /** The emulator's event, done on the databases; what happened, as JSON. */
  async handle(body: unknown): Promise<Record<string, unknown>> {
    const { databases } = this.options;
    const event = parseHookEvent(body, databases.regions);
    return this.exclusive(async () => {
      try {
        switch (event.action) {
          case 'switchover':
            return await this.switchover(event.toRegion);
          case 'failover':
            return await this.failover(event.toRegion);
          case 'resync':
            return await this.resync(event.region);
        }
      } catch (error) {
        const message = (error as Error).message;
        this.lastError = { at: new Date().toISOString(), action: event.action, error: message };
        this.options.log(`database hook: ${event.action} failed: ${message}`);
        throw error;
      }
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn);
    this.busy = run.catch(() => {});
    return run;
  }

  private async switchover(to: string): Promise<Record<string, unknown>> {
    const { databases, log } = this.options;
    if (databases.writer() === to) return { action: 'switchover', writer: to, already: true };
    if (databases.role(to) === 'diverged') {
      log(`switchover to ${to}: its server is diverged (cut off by a failover), re-syncing it first`);
      await this.resync(to);
    }
    const done = await databases.switchover(to);
    this.lastSwitchover = { at: new Date().toISOString(), ...done };
    log(
      `switchover ${done.from} → ${done.to} at ${done.lsn}: ${done.totalMs} ms (writes stopped ${done.writesStoppedMs}, caught up ${done.caughtUpMs}, promoted ${done.promotedMs}, rejoined ${done.rejoinedMs} ms, ${done.rejoin})`,
    );
    return { action: 'switchover', ...this.lastSwitchover };
  }

  private async failover(to: string): Promise<Record<string, unknown>> {
    const { databases, log } = this.options;
    if (databases.writer() === to) return { action: 'failover', writer: to, already: true };
    const cut = await databases.failover(to);
    this.lastCut = {
      from: cut.from,
      to: cut.to,
      at: cut.at.toISOString(),
      lagMsAtCut: cut.lagMsAtCut,
      lastReplicatedLsn: cut.lastReplicatedLsn,
      lastReplicatedAt: cut.lastReplicatedAt?.toISOString() ?? null,
      promotedMs: cut.promotedMs,
      totalMs: cut.totalMs,
    };
    // Cut off by an outage, the emulator re-syncs it once its region is back; otherwise
    // nobody would, so it is done here after the same delay.
    this.resyncDue = this.down.has(cut.from)
      ? undefined
      : { region: cut.from, at: Date.now() + this.delayMs };
    log(
      `failover ${cut.from} → ${cut.to}: replication cut at ${this.lastCut.at} (lag ${cut.lagMsAtCut ?? 'none'} ms, last replicated ${cut.lastReplicatedLsn ?? '-'} at ${this.lastCut.lastReplicatedAt ?? '-'}), promoted in ${cut.promotedMs} ms`,
    );
    await this.demote(cut.from);
    return { action: 'failover', ...this.lastCut };
  }

  private async resync(region: string): Promise<Record<string, unknown>> {
    const { databases, log } = this.options;
    if (databases.role(region) === 'standby') return { action: 'resync', region, already: true };
    const done = await databases.resync(region);
    if (this.resyncDue?.region === region) this.resyncDue = undefined;
    this.demoted.delete(region);
    this.lastResync = { at: new Date().toISOString(), ...done };
    log(`re-sync of ${region}: a standby of ${done.following} in ${done.totalMs} ms (${done.rejoin})`);
    return { action: 'resync', ...this.lastResync };
  }

  /** Once per cut-off old writer: no more writes there (a failure is logged, and tried again the next round). */
  private async demote(region: string): Promise<void> {
    // (Queued behind a re-sync, it finds a standby: nothing to do.)
    if (this.demoted.has(region) || this.options.databases.role(region) !== 'diverged') return;
    this.demoted.set(region, false);
    try {
      await this.options.databases.demote(region);
      this.demoted.set(region, true);
      this.options.log(
        `${region}'s server demoted: it takes no more writes, and keeps its rows until its re-sync`,
      );
    } catch (error) {
      this.demoted.delete(region);
      this.options.log(`demoting ${region}'s server: ${(error as Error).message}`);
    }
  }

  /** A region of the pair in outage cuts the link; its end heals it (nothing was lost). */
  private async followOutages(): Promise<void> {
    const { databases, endpoint, log } = this.options;
    const { outages } = await listOutages(endpoint);
    this.down = new Set(databases.regions.filter((r) => r in outages));
    const cut = this.down.size > 0;
    // Every round while cut: a link made meanwhile (a re-sync) is held too.
    if (cut) databases.partition(true);
    else if (this.partitioned) databases.partition(false);
    if (cut !== this.partitioned) {
      log(
        cut
          ? `replication link cut: ${[...this.down].join(', ')} in outage (the writer's WAL piles up)`
          : 'replication link back: what piled up ships',
      );
    }
    this.partitioned = cut;
    for (const region of databases.regions) {
      if (databases.role(region) === 'diverged' && !this.demoted.has(region)) {
        void this.exclusive(() => this.demote(region));
      }
    }
    const due = this.resyncDue;
    if (due && Date.now() >= due.at && !this.down.has(due.region)) {
      this.resyncDue = undefined;
      void this.exclusive(() => this.resync(due.region)).catch((error: unknown) =>
        log(`re-sync of ${due.region}: ${(error as Error).message}`),
      );
    }
  }

  private async publishLag(): Promise<void> {
    const lag = await this.options.databases.observedLagMs().catch(() => null);
    await configureEmulator(this.options.endpoint, { replicationLagMs: lag });
  }

  /** For the runtime's status. */
  state(): RuntimeReplication {
    const { databases, pace, shippingDelayMs } = this.options;
    return {
      shippingDelayMs,
      roles: Object.fromEntries(databases.regions.map((r) => [r, databases.role(r)])),
      demoted: [...this.demoted].filter(([, done]) => done).map(([region]) => region),
      partitioned: this.partitioned,
      resyncDelaySeconds: resyncDelaySeconds(pace),
      ...(this.lastSwitchover ? { lastSwitchover: this.lastSwitchover } : {}),
      ...(this.lastCut ? { lastCut: this.lastCut } : {}),
      ...(this.lastResync ? { lastResync: this.lastResync } : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Stops following and publishing, waits for the event in progress, puts the emulator's settings back. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all([this.outages.stop(), this.lag.stop()]);
      this.resyncDue = undefined;
      await configureEmulator(this.options.endpoint, {
        databaseHook: null,
        resyncDelaySeconds: this.before.resyncDelaySeconds,
        replicationLagMs: this.before.replicationLagMs,
      });
      await this.busy;
    })();
    return this.stopping;
  }
}
