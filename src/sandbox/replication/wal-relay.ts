/**
 * A TCP relay between a standby's walreceiver (its `primary_conninfo` points here) and the
 * writer: the WAL the writer streams reaches the standby `delayMs` later (buffered chunks
 * released by arrival time + delay, in order), what the standby sends (status replies,
 * feedback) reaches the writer at once. That is asynchronous shipping with a lag, as
 * between the regions of an Aurora global database. Only the replication stream is
 * delayed, not the connection handshake (see `receive`): a standby that reconnects after
 * a timeline switch would otherwise pay the delay once per round trip.
 *
 * Why not `recovery_min_apply_delay`: a standby holding WAL it has received but not applied
 * still applies all of it when promoted, so a failover would lose nothing. Here the WAL
 * in flight lives in this process, and `sever()` drops it: a cut loses what was not yet
 * shipped, like a lost region.
 *
 * Keep delays well under half of `wal_sender_timeout`/`wal_receiver_timeout`: a keepalive
 * reply from the standby needs the writer's request to get through the delay first.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface WalRelay {
  /** The loopback port the standby connects to. */
  readonly port: number;
  /** True once `sever()` or `close()` ran: nothing passes any more. */
  readonly severed: boolean;
  readonly delayMs: number;
  /** Applies to what the writer sends from now on; what is buffered keeps its release time. */
  setDelay(ms: number): void;
  /** True while `hold(true)`: a partition between the regions. */
  readonly held: boolean;
  /**
   * A partition (`true`): nothing more reaches the standby — what the writer sends piles up
   * here — until `hold(false)` releases it in order (the link is back: nothing lost) or
   * `sever()` drops it (the region is lost: what piled up never arrives).
   */
  hold(held: boolean): void;
  /** Bytes received from the writer and not yet passed to the standby. */
  bufferedBytes(): number;
  /**
   * When the oldest message from the writer still buffered here arrived (epoch ms);
   * undefined when nothing is buffered. Behind a partition it ages with the partition.
   */
  oldestBufferedAt(): number | undefined;
  /**
   * The cut: drops everything buffered, closes both sides of every connection and stops
   * listening (the standby's reconnects are refused). Idempotent.
   */
  sever(): void;
  /** `sever()`, resolved once the listening socket is closed. */
  close(): Promise<void>;
}

/** A protocol message of type `d`: CopyData, in which the walsender streams WAL. */
const COPY_DATA = 0x64;

interface Chunk {
  readonly data: Buffer | 'end';
  readonly arrivedAt: number;
  readonly releaseAt: number;
}

/** One standby connection and its writer-side twin. */
class Connection {
  private readonly queue: Chunk[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  /** The writer ended its side cleanly: the end follows the buffered data. */
  private ending = false;
  /** The start of a message from the writer whose rest has not arrived yet. */
  private partial: Buffer = Buffer.alloc(0);

  constructor(
    private readonly standby: Socket,
    private readonly writer: Socket,
    private readonly delay: () => number,
    private readonly held: () => boolean,
    private readonly onClose: (c: Connection) => void,
  ) {
    standby.setNoDelay(true);
    writer.setNoDelay(true);
    standby.on('data', (data: Buffer) => writer.write(data));
    writer.on('data', (data: Buffer) => this.receive(data));
    // The writer ended (e.g. a clean shutdown after handing over its last WAL): the
    // standby sees the end only after what came before it.
    writer.on('end', () => {
      this.ending = true;
      this.enqueue('end');
    });
    standby.on('end', () => this.destroy());
    standby.on('close', () => this.destroy());
    writer.on('close', () => {
      if (!this.ending) this.destroy();
    });
    // A reset on either side (or a refused connection to the writer) drops everything.
    standby.on('error', () => this.destroy());
    writer.on('error', () => this.destroy());
  }

  buffered(): number {
    return this.queue.reduce((n, c) => n + (c.data === 'end' ? 0 : c.data.length), 0);
  }

  oldestArrival(): number | undefined {
    return this.queue[0]?.arrivedAt;
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.queue.length = 0;
    this.standby.destroy();
    this.writer.destroy();
    this.onClose(this);
  }

  /**
   * Splits what the writer sends into protocol messages (type byte, then a length that
   * counts itself): CopyData (`d`, the replication stream: WAL and keepalives) is delayed,
   * anything else (authentication, IDENTIFY_SYSTEM, TIMELINE_HISTORY, the end of a
   * stream) only waits for what is ahead of it. So shipping lags by the delay, but a
   * (re)connecting standby's handshake does not pay it once per round trip. The standby
   * sends no SSL or GSS request (`sslmode`/`gssencmode=disable`), so every byte the
   * writer sends belongs to a typed message.
   */
  private receive(data: Buffer): void {
    this.partial = this.partial.length ? Buffer.concat([this.partial, data]) : data;
    let offset = 0;
    while (this.partial.length - offset >= 5) {
      const end = offset + 1 + this.partial.readUInt32BE(offset + 1);
      if (this.partial.length < end) break;
      const message = this.partial.subarray(offset, end);
      this.enqueue(message, message[0] === COPY_DATA ? this.delay() : 0);
      offset = end;
    }
    this.partial = this.partial.subarray(offset);
  }

  private enqueue(data: Buffer | 'end', delayMs = 0): void {
    if (this.closed) return;
    if (delayMs === 0 && this.queue.length === 0 && !this.held()) {
      this.release(data);
      return;
    }
    const now = Date.now();
    this.queue.push({ data, arrivedAt: now, releaseAt: now + delayMs });
    this.schedule();
  }

  private release(data: Buffer | 'end'): void {
    if (data === 'end') this.standby.end(() => this.destroy());
    else this.standby.write(data);
  }

  /** Releases what is due (after a partition ends). */
  resume(): void {
    this.schedule();
  }

  private schedule(): void {
    const head = this.queue[0];
    if (this.timer || !head || this.closed || this.held()) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = Date.now();
        // In arrival order: a chunk never overtakes an earlier one (a shortened delay
        // releases the later chunks right after the earlier ones).
        while (this.queue[0] && this.queue[0].releaseAt <= now && !this.held()) {
          this.release(this.queue.shift()!.data);
        }
        this.schedule();
      },
      Math.max(0, head.releaseAt - Date.now()),
    );
  }
}

function validDelay(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`shipping delay must be ≥ 0 ms, got ${ms}`);
  return Math.round(ms);
}

/** Listens on a free loopback port; each connection is relayed to `upstreamPort`. */
export async function startWalRelay(options: {
  upstreamPort: number;
  /** @default '127.0.0.1' */
  upstreamHost?: string;
  /** @default 0 */
  delayMs?: number;
}): Promise<WalRelay> {
  let delayMs = validDelay(options.delayMs ?? 0);
  let severed = false;
  let held = false;
  const connections = new Set<Connection>();
  const server: Server = createServer((standby) => {
    if (severed) {
      standby.destroy();
      return;
    }
    const writer = connect({ port: options.upstreamPort, host: options.upstreamHost ?? '127.0.0.1' });
    connections.add(
      new Connection(
        standby,
        writer,
        () => delayMs,
        () => held,
        (c) => connections.delete(c),
      ),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));

  const sever = () => {
    if (severed) return;
    severed = true;
    server.close();
    for (const c of [...connections]) c.destroy();
  };
  return {
    port,
    get severed() {
      return severed;
    },
    get delayMs() {
      return delayMs;
    },
    setDelay: (ms) => {
      delayMs = validDelay(ms);
    },
    get held() {
      return held;
    },
    hold: (value) => {
      held = value;
      if (!held) for (const c of connections) c.resume();
    },
    bufferedBytes: () => [...connections].reduce((n, c) => n + c.buffered(), 0),
    oldestBufferedAt: () => {
      const arrivals = [...connections].map((c) => c.oldestArrival()).filter((at) => at !== undefined);
      return arrivals.length > 0 ? Math.min(...arrivals) : undefined;
    },
    sever,
    close: async () => {
      sever();
      await closed;
    },
  };
}
