-- The role the trade processor and /health connect as. Its password is not set here
-- (migrations are in git): it lives in the replicated Secrets Manager secret and is
-- applied outside Terraform state. Least privilege:
-- - orders: read and insert, never update or delete (an order, once taken, is history);
-- - dr_fence: read, and `SELECT … FOR SHARE` (PostgreSQL requires UPDATE privilege on at
--   least one column for a row lock), so UPDATE on `updated_at` alone; the fence's region
--   and epoch are written only by deploy and the failover, as the owner.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'trade_processor') THEN
    CREATE ROLE trade_processor LOGIN;
  END IF;
END
$$;

GRANT SELECT, INSERT ON orders TO trade_processor;
GRANT SELECT ON dr_fence TO trade_processor;
GRANT UPDATE (updated_at) ON dr_fence TO trade_processor;
