/**
 * VPC peering between the two regions: the requester in one region (with
 * `peer_region`), the accepter in the other (auto-accept, same account), and a route
 * to the other VPC's CIDR in every private route table on both sides. The routes
 * reference the accepter, so they are created only once the peering is active.
 */
import type { TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as VpcPeeringConnectionModule from '@cdktf/provider-aws/lib/vpc-peering-connection/index.js';
import type * as VpcPeeringConnectionAccepterModule from '@cdktf/provider-aws/lib/vpc-peering-connection-accepter/index.js';
import type * as RouteModule from '@cdktf/provider-aws/lib/route/index.js';
import { requireCjs } from '../../cjs.js';

const { VpcPeeringConnection } = requireCjs(
  '@cdktf/provider-aws/lib/vpc-peering-connection/index.js',
) as typeof VpcPeeringConnectionModule;
type VpcPeeringConnection = VpcPeeringConnectionModule.VpcPeeringConnection;
const { VpcPeeringConnectionAccepterA } = requireCjs(
  '@cdktf/provider-aws/lib/vpc-peering-connection-accepter/index.js',
) as typeof VpcPeeringConnectionAccepterModule;
type VpcPeeringConnectionAccepterA = VpcPeeringConnectionAccepterModule.VpcPeeringConnectionAccepterA;
const { Route } = requireCjs('@cdktf/provider-aws/lib/route/index.js') as typeof RouteModule;
type Route = RouteModule.Route;

export interface PeeredVpc {
  readonly provider: TerraformProvider;
  readonly region: string;
  readonly vpcId: string;
  readonly cidrBlock: string;
  /** Every private route table of the VPC: each gets a route to the other side. */
  readonly routeTableIds: readonly string[];
}

export interface CrossRegionPeeringProps {
  readonly requester: PeeredVpc;
  readonly accepter: PeeredVpc;
}

function validate(props: CrossRegionPeeringProps): void {
  const { requester, accepter } = props;
  if (requester.region === accepter.region) {
    throw new Error(
      `CrossRegionPeering: the two VPCs must be in different regions, both are in ${requester.region}`,
    );
  }
  if (requester.cidrBlock === accepter.cidrBlock) {
    throw new Error(
      `CrossRegionPeering: peered VPCs need different CIDR blocks, both are ${requester.cidrBlock}`,
    );
  }
  for (const [side, vpc] of [
    ['requester', requester],
    ['accepter', accepter],
  ] as const) {
    if (vpc.routeTableIds.length === 0) {
      throw new Error(
        `CrossRegionPeering: ${side} (${vpc.region}) has no private route tables to route through the peering`,
      );
    }
  }
}

export class CrossRegionPeering extends Construct {
  public readonly connection: VpcPeeringConnection;
  public readonly accepter: VpcPeeringConnectionAccepterA;
  public readonly requesterRoutes: Route[];
  public readonly accepterRoutes: Route[];

  constructor(scope: Construct, id: string, props: CrossRegionPeeringProps) {
    super(scope, id);
    validate(props);
    const { requester, accepter } = props;

    this.connection = new VpcPeeringConnection(this, 'connection', {
      provider: requester.provider,
      vpcId: requester.vpcId,
      peerVpcId: accepter.vpcId,
      peerRegion: accepter.region,
      // Cross-region peering cannot be accepted by the requester; the accepter does it.
      autoAccept: false,
    });
    this.accepter = new VpcPeeringConnectionAccepterA(this, 'accepter', {
      provider: accepter.provider,
      vpcPeeringConnectionId: this.connection.id,
      autoAccept: true,
    });

    const routes = (side: 'requester' | 'accepter', vpc: PeeredVpc, otherCidr: string) =>
      vpc.routeTableIds.map(
        (routeTableId, i) =>
          new Route(this, `${side}-route-${i}`, {
            provider: vpc.provider,
            routeTableId,
            destinationCidrBlock: otherCidr,
            vpcPeeringConnectionId: this.accepter.vpcPeeringConnectionId,
          }),
      );
    this.requesterRoutes = routes('requester', requester, accepter.cidrBlock);
    this.accepterRoutes = routes('accepter', accepter, requester.cidrBlock);
  }
}
