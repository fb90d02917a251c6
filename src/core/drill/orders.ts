/**
 * Synthetic orders and where they went. An order enters through the intake of the region
 * the failover records answer with at that moment (`POST /orders`; how is the target's
 * business: ./target.ts).
 *
 * The ledger keeps every attempt (when, which region, accepted or refused); the orders
 * database says which were processed (`orders` rows, their writing region and epoch).
 */
import type pg from 'pg';

export interface OrderAttempt {
  readonly id: string;
  /** Epoch ms when the intake answered (or refused). */
  readonly at: number;
  readonly region: string;
  readonly accepted: boolean;
  readonly canary: boolean;
}

export interface ProcessedRow {
  readonly id: string;
  readonly region: string;
  readonly epoch: number;
  /** Epoch ms (the row's `received_at`). */
  readonly at: number;
}

/** A valid order body for the trade processor (src/lambdas/trade-processor/order.ts). */
export function syntheticOrder(id: string, sequence: number): string {
  return JSON.stringify({
    clientOrderId: id,
    account: 'DRILL',
    symbol: 'DRL',
    side: sequence % 2 === 0 ? 'buy' : 'sell',
    quantity: 1 + (sequence % 9),
    limitPrice: `${100 + (sequence % 50)}.25`,
    timestamp: new Date().toISOString(),
  });
}

export class OrderLedger {
  readonly attempts: OrderAttempt[] = [];
  private sequence = 0;

  constructor(
    /** POST /orders on a region's intake; true when accepted. */
    private readonly submit: (region: string, body: string) => Promise<boolean>,
    /** Prefix of every id this ledger makes (`drill-<run>-<scenario>`). */
    readonly prefix: string,
  ) {}

  /** Sends one order to `region`'s intake; records the outcome. */
  async send(region: string, options: { canary?: boolean } = {}): Promise<OrderAttempt> {
    const sequence = ++this.sequence;
    const id = `${this.prefix}-${options.canary ? 'canary' : 'o'}-${String(sequence).padStart(5, '0')}`;
    const accepted = await this.submit(region, syntheticOrder(id, sequence)).catch(() => false);
    const attempt = { id, at: Date.now(), region, accepted, canary: options.canary === true };
    this.attempts.push(attempt);
    return attempt;
  }

  accepted(filter: (a: OrderAttempt) => boolean = () => true): OrderAttempt[] {
    return this.attempts.filter((a) => a.accepted && filter(a));
  }
}

/** The rows of this ledger's orders in the database. */
export async function processedRows(db: pg.Pool, prefix: string): Promise<ProcessedRow[]> {
  const { rows } = await db.query<ProcessedRecord>(processedRowsSql('$1'), [ledgerPattern(prefix)]);
  return rows.map(toProcessedRow);
}

/**
 * The query behind `processedRows`, with the driver's placeholder for the LIKE pattern
 * (`$1` for pg, `:prefix` for the RDS Data API).
 */
export function processedRowsSql(placeholder: string): string {
  return `SELECT client_order_id, written_region, written_epoch,
       (extract(epoch from received_at) * 1000)::bigint AS at
  FROM orders WHERE client_order_id LIKE ${placeholder}`;
}

/** The LIKE pattern of a ledger's ids. */
export const ledgerPattern = (prefix: string): string => `${prefix}-%`;

/** One row of `processedRowsSql` (bigints come as strings from pg, numbers from the Data API). */
export interface ProcessedRecord {
  readonly client_order_id: string;
  readonly written_region: string;
  readonly written_epoch: string | number;
  readonly at: string | number;
}

export function toProcessedRow(r: ProcessedRecord): ProcessedRow {
  return {
    id: r.client_order_id,
    region: r.written_region,
    epoch: Number(r.written_epoch),
    at: Number(r.at),
  };
}

/**
 * A steady stream of orders to whatever region `route()` names (the DNS answer), every
 * `everyMs`, until stopped.
 */
export class OrderStream {
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ledger: OrderLedger,
    private readonly route: () => string,
    private readonly everyMs: number,
  ) {}

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.inFlight = this.ledger.send(this.route()).finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.everyMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
    await this.inFlight;
  }
}
