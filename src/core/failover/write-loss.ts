/**
 * What an unplanned failover lost, so the business can re-drive it.
 *
 * Aurora FailoverGlobalCluster with AllowDataLoss promotes the secondary with what it had
 * replicated at the cut: writes the old primary committed after its last replicated point
 * exist only in the old primary's cluster. That cluster stays a member, `pending-resync`,
 * while its region is dark; once the region answers, Aurora snapshots it and then
 * re-syncs it as a secondary of the new writer, replacing its data (./failback-ready.ts).
 * Between the two it can be read, and `readWriteLoss` reads it:
 *
 * - the lag at the cut: the new writer's cluster's `AuroraGlobalDBReplicationLag` (AWS/RDS)
 *   at or before the cut — the newest 60-second period's maximum (the metric's resolution);
 * - the last replicated point: the newest order the old writer region wrote that the new
 *   writer holds;
 * - the lost orders: every order the old primary holds, written by the old region, that
 *   the new writer does not — a set difference by `client_order_id`, from shortly before
 *   the last replicated point (a transaction that began earlier may have committed later)
 *   to now, newest first, in bounded pages, each page's ids looked up on the new writer.
 *
 * When the old primary's cluster does not answer (its region is still down), or already
 * holds the new writer's data (re-synced: its fence row is the new writer's), the list is
 * not known, and `reason` says why and when it can be read. Nothing here throws: a loss is
 * information; the failover's outcome stands.
 *
 * A planned failover is a switchover: Aurora moves the writer once the secondary has every
 * committed write, so RPO is 0 and there is nothing to list (`switchoverLoss`).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { errorName } from '../../aws/errors.js';
import { Naming } from '../../contract/naming.js';
import { RegionUnreachableError } from '../../contract/errors.js';
import { latestDatapoint } from '../checks/metrics.js';
import { describeError } from '../checks/outcome.js';
import { measureSteps } from './execution.js';
import {
  clusterAccess,
  FENCE_SQL,
  HELD_SQL,
  NEWEST_SQL,
  pageSql,
  select,
  type ClusterAccess,
  type FenceRecord,
  type NewestRecord,
  type OrderRecord,
} from './write-loss-sql.js';

/** An order the old primary wrote that the new writer does not hold. */
export interface LostOrder {
  readonly clientOrderId: string;
  /** When the old primary wrote it (`received_at`), ISO 8601. */
  readonly writtenAt: string;
  readonly account: string;
  readonly symbol: string;
  readonly side: string;
  readonly quantity: number;
  /** Exact decimal, as stored. */
  readonly limitPrice: string;
  /** When the client placed it (`ordered_at`), ISO 8601. */
  readonly orderedAt: string;
}

/** An unplanned failover's loss. */
export interface WriteLoss {
  readonly mode: 'unplanned';
  /** The old writer region (its cluster holds what was lost). */
  readonly from: string;
  /** The new writer region. */
  readonly to: string;
  /** The cut, ISO 8601: the promote step (`dr failover`), or when writes stopped (the drill's outage). */
  readonly cutAt: string;
  /**
   * The new writer's `AuroraGlobalDBReplicationLag` at or before the cut (ms): the maximum of
   * the newest 60-second period with a datapoint; null: none in the 10 minutes before the cut.
   */
  readonly lagAtCutMs: number | null;
  /**
   * Start of the 60-second period that value is the maximum of (CloudWatch's period for
   * the metric), ISO 8601; the period ends at the cut at the latest.
   */
  readonly lagAt: string | null;
  /** The newest order written by `from` that the new writer holds; null when it holds none. */
  readonly lastReplicated: { readonly at: string; readonly clientOrderId: string } | null;
  readonly lost: {
    readonly known: boolean;
    /** When not known: why, and when it can be read. */
    readonly reason?: string;
    /** Oldest first. */
    readonly orders: readonly LostOrder[];
    /** The bounds stopped the search: more may have been lost than listed. */
    readonly truncated: boolean;
  };
  /**
   * RPO measured: from the last replicated point to the cut (or to the newest lost order
   * when that is later); 0 when nothing was lost; null when the loss is not known.
   */
  readonly lossWindowMs: number | null;
}

/** A planned failover's (a switchover's) loss: none. */
export interface SwitchoverLoss {
  readonly mode: 'planned';
  readonly lossWindowMs: 0;
  readonly reason: string;
}

export type DataLoss = WriteLoss | SwitchoverLoss;

export function switchoverLoss(): SwitchoverLoss {
  return {
    mode: 'planned',
    lossWindowMs: 0,
    reason: 'RPO 0 by switchover: Aurora moves the writer only once the secondary has every committed write',
  };
}

export interface WriteLossOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  /** The old writer region. */
  readonly from: string;
  /** The new writer region. */
  readonly to: string;
  readonly cutAt: Date;
  /** Most lost orders listed. @default 1000 */
  readonly maxOrders?: number;
  /** Most of the old primary's orders compared. @default 20 000 */
  readonly maxScanned?: number;
  /** Orders per statement. @default 500 */
  readonly pageSize?: number;
  /** How far before the last replicated point the comparison starts. @default 10 s */
  readonly marginMs?: number;
}

const LAG_WINDOW_MS = 10 * 60_000;

/** The new writer's replication lag: the newest period's maximum at or before the cut. */
async function lagAtCut(options: WriteLossOptions): Promise<{ value: number; at: string } | undefined> {
  const cut = options.cutAt.getTime();
  const out = await options.clients.cloudwatch(options.to).getMetricData({
    StartTime: new Date(cut - LAG_WINDOW_MS),
    // End exclusive, whole seconds: the second of the cut still counts.
    EndTime: new Date(Math.floor(cut / 1000) * 1000 + 1000),
    ScanBy: 'TimestampDescending',
    MetricDataQueries: [
      {
        Id: 'lag',
        ReturnData: true,
        MetricStat: {
          Metric: {
            Namespace: 'AWS/RDS',
            MetricName: 'AuroraGlobalDBReplicationLag',
            Dimensions: [
              { Name: 'DBClusterIdentifier', Value: new Naming(options.config).dbCluster(options.to) },
            ],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      },
    ],
  });
  const result = out.MetricDataResults?.find((r) => r.Id === 'lag');
  return latestDatapoint(result?.Timestamps, result?.Values);
}

const toLost = (r: OrderRecord): LostOrder => ({
  clientOrderId: r.client_order_id,
  writtenAt: r.written_at,
  account: r.account,
  symbol: r.symbol,
  side: r.side,
  quantity: Number(r.quantity),
  limitPrice: r.limit_price,
  orderedAt: r.ordered_at,
});

type Known = { orders: LostOrder[]; truncated: boolean };

/** The set difference, newest first, in pages; bounded by maxOrders and maxScanned. */
async function diff(
  options: WriteLossOptions,
  old: ClusterAccess,
  writer: ClusterAccess,
  since: string | null,
): Promise<Known> {
  const { clients, config } = options;
  const maxOrders = options.maxOrders ?? 1000;
  const maxScanned = options.maxScanned ?? 20_000;
  const pageSize = options.pageSize ?? 500;
  const lost: LostOrder[] = [];
  let scanned = 0;
  let after: { at: string; id: string } | undefined;
  for (;;) {
    const limit = Math.min(pageSize, maxScanned - scanned);
    if (limit <= 0) return { orders: lost.reverse(), truncated: true };
    const page = await select<OrderRecord>(
      clients,
      config,
      old,
      pageSql({ since: since !== null, after: after !== undefined }),
      {
        region: options.from,
        limit,
        ...(since !== null ? { since } : {}),
        ...(after ? { after_at: after.at, after_id: after.id } : {}),
      },
    );
    if (page.length === 0) return { orders: lost.reverse(), truncated: false };
    scanned += page.length;
    const held = new Set(
      (
        await select<{ client_order_id: string }>(clients, config, writer, HELD_SQL, {
          ids: { json: JSON.stringify(page.map((r) => r.client_order_id)) },
        })
      ).map((r) => r.client_order_id),
    );
    for (const record of page) {
      if (held.has(record.client_order_id)) continue;
      if (lost.length === maxOrders) return { orders: lost.reverse(), truncated: true };
      lost.push(toLost(record));
    }
    if (page.length < limit) return { orders: lost.reverse(), truncated: false };
    const last = page[page.length - 1] as OrderRecord;
    after = { at: last.page_at, id: last.client_order_id };
  }
}

function lossWindow(cut: number, lastReplicated: WriteLoss['lastReplicated'], orders: readonly LostOrder[]) {
  if (orders.length === 0) return 0;
  const newest = Math.max(...orders.map((o) => Date.parse(o.writtenAt)));
  const from = lastReplicated
    ? Date.parse(lastReplicated.at)
    : Math.min(...orders.map((o) => Date.parse(o.writtenAt)));
  return Math.max(0, Math.max(cut, newest) - from);
}

/** Reads what the old primary holds and the new writer lacks (see the module comment). Never throws. */
export async function readWriteLoss(options: WriteLossOptions): Promise<WriteLoss> {
  const { clients, config, from, to } = options;
  const cut = options.cutAt.getTime();
  const oldCluster = new Naming(config).dbCluster(from);
  const [lag, writer, old] = await Promise.all([
    lagAtCut(options).catch(() => undefined),
    clusterAccess(clients, config, to)
      .then(async (access) => {
        const [fence, newest] = await Promise.all([
          select<FenceRecord>(clients, config, access, FENCE_SQL),
          select<NewestRecord>(clients, config, access, NEWEST_SQL, { region: from }),
        ]);
        return { access, fence: fence[0], newest: newest[0] };
      })
      .catch((error: unknown) => ({ error })),
    clusterAccess(clients, config, from)
      .then(async (access) => ({
        access,
        fence: (await select<FenceRecord>(clients, config, access, FENCE_SQL))[0],
      }))
      .catch((error: unknown) => ({ error })),
  ]);
  const base = {
    mode: 'unplanned' as const,
    from,
    to,
    cutAt: options.cutAt.toISOString(),
    lagAtCutMs: lag?.value ?? null,
    lagAt: lag?.at ?? null,
  };
  const unknown = (lastReplicated: WriteLoss['lastReplicated'], reason: string): WriteLoss => ({
    ...base,
    lastReplicated,
    lost: { known: false, reason, orders: [], truncated: false },
    lossWindowMs: null,
  });
  if ('error' in writer) {
    return unknown(
      null,
      `the new writer's cluster ${new Naming(config).dbCluster(to)} (${to}) did not answer (${describeError(writer.error)}): run the read again once it does`,
    );
  }
  const lastReplicated = writer.newest
    ? { at: writer.newest.written_at, clientOrderId: writer.newest.client_order_id }
    : null;
  const which = lastReplicated
    ? `the orders its cluster ${oldCluster} wrote after ${lastReplicated.clientOrderId} (${lastReplicated.at})`
    : `the orders its cluster ${oldCluster} wrote (${to} holds none of them)`;
  if ('error' in old) {
    const later = 'until Aurora re-syncs it, and after that from the snapshot Aurora takes of it first';
    return unknown(
      lastReplicated,
      old.error instanceof RegionUnreachableError
        ? `${from} does not answer (${errorName(old.error.cause) ?? 'no answer'}): ${which} can be read once ${from} answers, ${later}`
        : `${oldCluster} (${from}) could not be read (${describeError(old.error)}): ${which} can be read from it ${later}`,
    );
  }
  const sameDatabase = old.fence !== undefined && old.fence.server === writer.fence?.server;
  const resynced =
    !sameDatabase &&
    old.fence !== undefined &&
    writer.fence !== undefined &&
    old.fence.active_region === writer.fence.active_region &&
    old.fence.epoch === writer.fence.epoch &&
    old.fence.updated_at === writer.fence.updated_at;
  if (resynced) {
    return unknown(
      lastReplicated,
      `${oldCluster} (${from}) already holds the new writer's data (Aurora re-synced it): ${which} are only in the snapshot Aurora took of it before the re-sync`,
    );
  }
  try {
    const since = lastReplicated
      ? new Date(Date.parse(lastReplicated.at) - (options.marginMs ?? 10_000)).toISOString()
      : null;
    const { orders, truncated } = await diff(options, old.access, writer.access, since);
    return {
      ...base,
      lastReplicated,
      lost: { known: true, orders, truncated },
      lossWindowMs: lossWindow(cut, lastReplicated, orders),
    };
  } catch (error) {
    return unknown(
      lastReplicated,
      `comparing ${oldCluster} (${from}) with the new writer failed (${describeError(error)}): run the read again before Aurora re-syncs ${oldCluster}, or read the snapshot Aurora takes of it first`,
    );
  }
}

/** One line: how many orders were lost and over which window, or why that is not known. */
export function describeWriteLoss(loss: WriteLoss): string {
  if (!loss.lost.known) return `not known yet: ${loss.lost.reason ?? ''}`;
  const n = loss.lost.orders.length;
  return `${loss.lost.truncated ? 'at least ' : ''}${n} order${n === 1 ? '' : 's'} lost, loss window ${loss.lossWindowMs ?? 0} ms`;
}

/**
 * When the promote step of a failover execution began (the cut of `dr failover`): its
 * first state entered, from the execution's history; undefined when it never ran.
 */
export async function promoteStartedAt(
  clients: AwsClients,
  region: string,
  executionArn: string,
): Promise<Date | undefined> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await clients
      .sfn(region)
      .getExecutionHistory({ executionArn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const promote = measureSteps(events.sort((a, b) => (a.id ?? 0) - (b.id ?? 0))).steps.find(
    (s) => s.id === 'promote',
  );
  return promote ? new Date(promote.start) : undefined;
}
