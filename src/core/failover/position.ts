/**
 * Where the platform stands, as a failover needs to know it: which region each region's
 * SSM names active (and at which epoch), which regions' trade processors consume, and
 * which region's cluster writes. Read before deciding that an operation is already done,
 * and after one failed, to say what it left.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { readMappings } from '../checks/read.js';
import { mappingConsumes } from '../checks/evaluate.js';

export interface RegionPosition {
  readonly region: string;
  readonly activeRegion: string;
  readonly epoch: number;
  readonly consuming: boolean;
}

export interface Position {
  readonly regions: readonly RegionPosition[];
  /** The region whose cluster writes (DescribeGlobalClusters), null when none. */
  readonly writer: string | null;
}

export async function readPosition(
  clients: AwsClients,
  config: DrConfig,
  regions: readonly string[],
): Promise<Position> {
  const naming = new Naming(config);
  const one = async (region: string): Promise<RegionPosition> => {
    const ssm = clients.ssm(region);
    const [active, epoch, mappings] = await Promise.all([
      ssm.getParameter({ Name: naming.ssmActiveRegion(), WithDecryption: true }),
      ssm.getParameter({ Name: naming.ssmEpoch(), WithDecryption: true }),
      readMappings(clients.lambda(region), naming.lambda(region, 'trade-processor')),
    ]);
    return {
      region,
      activeRegion: active.Parameter?.Value ?? '',
      epoch: Number(epoch.Parameter?.Value ?? '0') || 0,
      consuming: mappings.some((m) => mappingConsumes(m.state)),
    };
  };
  const ask = regions[0] ?? config.regions.primary;
  const [positions, globals] = await Promise.all([
    Promise.all(regions.map(one)),
    clients.rds(ask).describeGlobalClusters({ GlobalClusterIdentifier: naming.globalCluster() }),
  ]);
  const arn = globals.GlobalClusters?.[0]?.GlobalClusterMembers?.find((m) => m.IsWriter)?.DBClusterArn;
  const writer =
    [config.regions.primary, config.regions.secondary].find((r) =>
      arn?.endsWith(`:cluster:${naming.dbCluster(r)}`),
    ) ?? null;
  return { regions: positions, writer };
}

/** `to` writes, consumes, and every region read names it active: nothing left to do. */
export function isDone(position: Position, to: string): boolean {
  const target = position.regions.find((r) => r.region === to);
  return (
    position.writer === to &&
    target?.consuming === true &&
    position.regions.every((r) => r.activeRegion === to && (r.region === to || !r.consuming))
  );
}

/** One line: what each region consumes and names, and who writes. */
export function describePosition(position: Position): string {
  const regions = position.regions
    .map(
      (r) =>
        `${r.region} ${r.consuming ? 'consuming' : 'not consuming'}, naming ${r.activeRegion || 'nothing'} at epoch ${r.epoch}`,
    )
    .join('; ');
  return `${regions}; writer ${position.writer ?? 'none'}`;
}
