-- The orders the trade processor writes: one row per client order id (the idempotency
-- key), so a redelivered or duplicated SQS message never yields a second row.
CREATE TABLE orders (
  client_order_id text PRIMARY KEY CHECK (length(client_order_id) BETWEEN 1 AND 64),
  account         text NOT NULL,
  symbol          text NOT NULL,
  side            text NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity        bigint NOT NULL CHECK (quantity > 0),
  -- Exact decimal: never a float for money.
  limit_price     numeric(20, 8) NOT NULL CHECK (limit_price > 0),
  ordered_at      timestamptz NOT NULL,
  -- Which region wrote the row and under which fencing epoch: after an unplanned
  -- failover this tells what the lost region wrote last.
  written_region  text NOT NULL,
  written_epoch   bigint NOT NULL,
  sqs_message_id  text NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX orders_account_ordered_at ON orders (account, ordered_at);
