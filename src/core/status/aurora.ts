/** The Aurora global cluster: its members, which one writes, and each reader's lag. */
import type { ClusterView, GlobalClusterView } from '../checks/evaluate.js';
import type { Datapoint } from '../checks/metrics.js';
import { errorOf, valueOf } from '../checks/outcome.js';
import { readCluster, readGlobalCluster, readReplicationLag } from '../checks/read.js';
import type { AuroraMemberStatus, AuroraStatus } from './model.js';
import { errorField, outcomeIn, type Regional, type StatusContext } from './context.js';

/** The lag datapoint must be this recent to count. */
export const METRIC_WINDOW_SECONDS = 5 * 60;

export interface AuroraRead {
  readonly globals: Array<Regional<GlobalClusterView | undefined>>;
  readonly clusters: Array<Regional<ClusterView | undefined>>;
  readonly lag: Array<Regional<Datapoint | undefined>>;
}

/** Level 1: the global cluster as each region describes it, each region's cluster, and its lag. */
export async function readAurora(ctx: StatusContext): Promise<AuroraRead> {
  const { clients, naming } = ctx;
  const [globals, clusters, lag] = await Promise.all([
    ctx.perRegion((r) => readGlobalCluster(clients.rds(r), naming.globalCluster())),
    ctx.perRegion((r) => readCluster(clients.rds(r), naming.dbCluster(r))),
    ctx.perRegion((r) =>
      readReplicationLag(clients.cloudwatch(r), naming.dbCluster(r), METRIC_WINDOW_SECONDS, ctx.now),
    ),
  ]);
  return { globals, clusters, lag };
}

function memberStatus(
  ctx: StatusContext,
  read: AuroraRead,
  globalView: GlobalClusterView | undefined,
  region: string,
): AuroraMemberStatus {
  const cluster = outcomeIn(read.clusters, region);
  const lag = outcomeIn(read.lag, region);
  const member = globalView?.members.find((m) => m.region === region);
  return {
    region,
    cluster: ctx.naming.dbCluster(region),
    status: valueOf(cluster)?.status ?? (cluster?.ok ? 'missing' : null),
    writer: member ? member.isWriter : null,
    lag: valueOf(lag) ?? null,
    ...(errorOf(cluster) ? errorField(cluster) : errorField(lag)),
  };
}

/** Either region's view of the global cluster will do: the first that answered with one. */
export function auroraView(ctx: StatusContext, read: AuroraRead): AuroraStatus {
  const { globals } = read;
  const globalView = globals.map((g) => valueOf(g.outcome)).find((v) => v !== undefined);
  const error = globals.every((g) => !g.outcome.ok)
    ? globals.map((g) => `${g.region}: ${errorOf(g.outcome)}`).join('; ')
    : globalView
      ? undefined
      : `no global cluster ${ctx.naming.globalCluster()}`;
  return {
    globalCluster: ctx.naming.globalCluster(),
    writerRegion: globalView?.members.find((m) => m.isWriter)?.region ?? null,
    members: ctx.regions.map((region) => memberStatus(ctx, read, globalView, region)),
    ...(error ? { error } : {}),
  };
}
