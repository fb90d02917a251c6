/** Writing validated orders. Both functions run inside the caller's transaction. */
import type { Order } from './order.js';

export interface OrderToWrite {
  readonly order: Order;
  readonly messageId: string;
}

/** The subset of pg's client the writers use: named (prepared once per connection) queries. */
export interface PreparingClient {
  query<R extends Record<string, unknown>>(config: {
    name: string;
    text: string;
    values: unknown[];
  }): Promise<{ rows: R[] }>;
}

export interface WriteStamp {
  readonly region: string;
  readonly epoch: number;
}

const COLUMNS = `client_order_id, account, symbol, side, quantity, limit_price, ordered_at,
  written_region, written_epoch, sqs_message_id`;

/**
 * One statement for the whole batch: `unnest` over one array per column, so the
 * statement has 10 parameters whatever the batch size (a VALUES list would need 10 per
 * row and hit PostgreSQL's 65 535-parameter limit at 6 553 rows). Duplicates, in the
 * batch or already stored, are skipped by ON CONFLICT. Returns the ids it inserted.
 */
export async function insertOrders(
  client: PreparingClient,
  orders: readonly OrderToWrite[],
  stamp: WriteStamp,
): Promise<string[]> {
  if (orders.length === 0) return [];
  const { rows } = await client.query<{ client_order_id: string }>({
    name: 'dr_insert_orders',
    text: `INSERT INTO orders (${COLUMNS})
     SELECT id, account, symbol, side, quantity, limit_price, ordered_at, $8, $9, message_id
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::numeric[],
                 $7::timestamptz[], $10::text[])
          AS t(id, account, symbol, side, quantity, limit_price, ordered_at, message_id)
     ON CONFLICT (client_order_id) DO NOTHING
     RETURNING client_order_id`,
    values: [
      orders.map((o) => o.order.clientOrderId),
      orders.map((o) => o.order.account),
      orders.map((o) => o.order.symbol),
      orders.map((o) => o.order.side),
      orders.map((o) => o.order.quantity),
      orders.map((o) => o.order.limitPrice),
      orders.map((o) => o.order.timestamp),
      stamp.region,
      stamp.epoch,
      orders.map((o) => o.messageId),
    ],
  });
  return rows.map((r) => r.client_order_id);
}

/** The baseline the bench compares against: one INSERT per message. Not used by the handler. */
export async function insertOrdersOneByOne(
  client: PreparingClient,
  orders: readonly OrderToWrite[],
  stamp: WriteStamp,
): Promise<string[]> {
  const inserted: string[] = [];
  for (const { order, messageId } of orders) {
    const { rows } = await client.query<{ client_order_id: string }>({
      name: 'dr_insert_order',
      text: `INSERT INTO orders (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (client_order_id) DO NOTHING RETURNING client_order_id`,
      values: [
        order.clientOrderId,
        order.account,
        order.symbol,
        order.side,
        order.quantity,
        order.limitPrice,
        order.timestamp,
        stamp.region,
        stamp.epoch,
        messageId,
      ],
    });
    if (rows[0]) inserted.push(rows[0].client_order_id);
  }
  return inserted;
}
