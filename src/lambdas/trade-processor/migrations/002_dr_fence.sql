-- The database's own copy of the fencing state (see src/lambdas/trade-processor/fencing.ts).
-- Exactly one row. Written on the current writer by `dr deploy` (seed) and by every
-- failover/failback (after promotion, on the new writer); replicated to the other
-- region by Aurora like any other row. The trade processor reads it FOR SHARE in the
-- transaction that inserts orders, so a fence change waits for in-flight batches and
-- every later batch sees it.
CREATE TABLE dr_fence (
  singleton     boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  active_region text NOT NULL,
  epoch         bigint NOT NULL CHECK (epoch >= 0),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
