-- The role the failover and failback state machines write the fence row as (the RDS
-- Data API with the fence secret: src/core/db-fence.ts ADVANCE_FENCE_SQL, an INSERT …
-- ON CONFLICT DO UPDATE … WHERE dr_fence.epoch < EXCLUDED.epoch). Exactly what that
-- statement needs and nothing else: INSERT and UPDATE on dr_fence, and SELECT on it
-- (PostgreSQL requires it for the ON CONFLICT arbiter and the WHERE that reads the stored
-- epoch). No access to orders. Its password, like trade_processor's, is not set here:
-- it lives in the replicated Secrets Manager secret and is applied by `dr deploy`.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'dr_fence_writer') THEN
    CREATE ROLE dr_fence_writer LOGIN;
  END IF;
END
$$;

GRANT SELECT, INSERT, UPDATE ON dr_fence TO dr_fence_writer;
