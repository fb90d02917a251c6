/** The DynamoDB global tables (sessions, lease): status, replicas and PITR in each region. */
import type { TableView } from '../checks/evaluate.js';
import { errorOf, valueOf } from '../checks/outcome.js';
import { readPitr, readTable } from '../checks/read.js';
import type { TableRegionStatus, TableStatus } from './model.js';
import { errorField, outcomeIn, type Regional, type StatusContext } from './context.js';

export interface TableRead {
  readonly table: string;
  readonly described: Array<Regional<TableView | undefined>>;
  readonly pitr: Array<Regional<string | undefined>>;
}

/** Level 1: each table described, and its continuous backups, in each region. */
export function readTables(ctx: StatusContext): Promise<TableRead[]> {
  const { clients, naming } = ctx;
  return Promise.all(
    [naming.sessionsTable(), naming.leaseTable()].map(async (table) => {
      const [described, pitr] = await Promise.all([
        ctx.perRegion((r) => readTable(clients.dynamodb(r), table)),
        ctx.perRegion((r) => readPitr(clients.dynamodb(r), table)),
      ]);
      return { table, described, pitr };
    }),
  );
}

function tableRegionStatus(
  t: TableRead,
  { region, outcome }: Regional<TableView | undefined>,
): TableRegionStatus {
  const pitr = outcomeIn(t.pitr, region);
  const view = valueOf(outcome);
  return {
    region,
    status: view?.status ?? (outcome.ok ? 'missing' : null),
    replicas: [...(view?.replicas ?? [])],
    pitr: valueOf(pitr) ?? null,
    ...(errorOf(outcome) ? errorField(outcome) : errorField(pitr)),
  };
}

export function tablesView(read: readonly TableRead[]): TableStatus[] {
  return read.map((t) => ({ table: t.table, regions: t.described.map((d) => tableRegionStatus(t, d)) }));
}
