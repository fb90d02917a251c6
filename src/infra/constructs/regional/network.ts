/**
 * The region's private network: a VPC with one private subnet per AZ (no internet
 * gateway, no NAT: the Lambdas reach AWS through VPC endpoints), the endpoints, the
 * security groups of the Lambdas, the endpoints and the database, the DB subnet group
 * the global stack's Aurora member cluster uses, and VPC flow logs (KMS).
 */
import type * as DbSubnetGroupModule from '@cdktf/provider-aws/lib/db-subnet-group/index.js';
import type * as DefaultSecurityGroupModule from '@cdktf/provider-aws/lib/default-security-group/index.js';
import type * as FlowLogModule from '@cdktf/provider-aws/lib/flow-log/index.js';
import type * as IamRoleModule from '@cdktf/provider-aws/lib/iam-role/index.js';
import type * as IamRolePolicyModule from '@cdktf/provider-aws/lib/iam-role-policy/index.js';
import type * as RouteTableModule from '@cdktf/provider-aws/lib/route-table/index.js';
import type * as RouteTableAssociationModule from '@cdktf/provider-aws/lib/route-table-association/index.js';
import type * as SecurityGroupModule from '@cdktf/provider-aws/lib/security-group/index.js';
import type * as SubnetModule from '@cdktf/provider-aws/lib/subnet/index.js';
import type * as VpcModule from '@cdktf/provider-aws/lib/vpc/index.js';
import type * as VpcEndpointModule from '@cdktf/provider-aws/lib/vpc-endpoint/index.js';
import type * as VpcSecurityGroupEgressRuleModule from '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js';
import type * as VpcSecurityGroupIngressRuleModule from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { EncryptedLogGroup } from './log-group.js';
import { policyDocument, serviceTrustPolicy } from './policy.js';
import { InvalidPropsError } from './validate.js';

const { DbSubnetGroup } = requireCjs(
  '@cdktf/provider-aws/lib/db-subnet-group/index.js',
) as typeof DbSubnetGroupModule;
type DbSubnetGroup = DbSubnetGroupModule.DbSubnetGroup;
const { DefaultSecurityGroup } = requireCjs(
  '@cdktf/provider-aws/lib/default-security-group/index.js',
) as typeof DefaultSecurityGroupModule;
const { FlowLog } = requireCjs('@cdktf/provider-aws/lib/flow-log/index.js') as typeof FlowLogModule;
type FlowLog = FlowLogModule.FlowLog;
const { IamRole } = requireCjs('@cdktf/provider-aws/lib/iam-role/index.js') as typeof IamRoleModule;
const { IamRolePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/iam-role-policy/index.js',
) as typeof IamRolePolicyModule;
const { RouteTable } = requireCjs('@cdktf/provider-aws/lib/route-table/index.js') as typeof RouteTableModule;
type RouteTable = RouteTableModule.RouteTable;
const { RouteTableAssociation } = requireCjs(
  '@cdktf/provider-aws/lib/route-table-association/index.js',
) as typeof RouteTableAssociationModule;
const { SecurityGroup } = requireCjs(
  '@cdktf/provider-aws/lib/security-group/index.js',
) as typeof SecurityGroupModule;
type SecurityGroup = SecurityGroupModule.SecurityGroup;
const { Subnet } = requireCjs('@cdktf/provider-aws/lib/subnet/index.js') as typeof SubnetModule;
type Subnet = SubnetModule.Subnet;
const { Vpc } = requireCjs('@cdktf/provider-aws/lib/vpc/index.js') as typeof VpcModule;
type Vpc = VpcModule.Vpc;
const { VpcEndpoint } = requireCjs(
  '@cdktf/provider-aws/lib/vpc-endpoint/index.js',
) as typeof VpcEndpointModule;
type VpcEndpoint = VpcEndpointModule.VpcEndpoint;
const { VpcSecurityGroupEgressRule } = requireCjs(
  '@cdktf/provider-aws/lib/vpc-security-group-egress-rule/index.js',
) as typeof VpcSecurityGroupEgressRuleModule;
const { VpcSecurityGroupIngressRule } = requireCjs(
  '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule/index.js',
) as typeof VpcSecurityGroupIngressRuleModule;

/** Interface endpoints for every service the Lambdas call. */
export const DEFAULT_INTERFACE_ENDPOINTS = [
  'ssm',
  'secretsmanager',
  'sqs',
  'rds',
  'sts',
  'monitoring',
  'events',
  'states',
  'kms',
] as const;
/** Gateway endpoints (free; routes in the private route table). */
export const GATEWAY_ENDPOINTS = ['s3', 'dynamodb'] as const;

export const POSTGRES_PORT = 5432;

export interface RegionalNetworkProps {
  readonly region: string;
  /** Name tag of the VPC and prefix of the other names. */
  readonly vpcName: string;
  /** Block of this region's VPC, from `config.network`; a /16 to /24. */
  readonly cidrBlock: string;
  /** Block of the other region's VPC: its Lambdas reach this region's database over peering. */
  readonly peerCidrBlock: string;
  /** One private subnet per AZ, at least two. @default - `<region>a`, `<region>b` */
  readonly availabilityZones?: readonly string[];
  readonly securityGroupNames: { readonly lambda: string; readonly db: string; readonly endpoints: string };
  readonly dbSubnetGroupName: string;
  /** Services (`com.amazonaws.<region>.<service>`) with an interface endpoint. @default DEFAULT_INTERFACE_ENDPOINTS */
  readonly interfaceEndpoints?: readonly string[];
  readonly flowLogGroupName: string;
  readonly flowLogRoleName: string;
  readonly kmsKeyArn: string;
  readonly accountId: string;
}

function parseCidr(construct: string, prop: string, cidr: string): { base: number; prefix: number } {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  const octets = match ? match.slice(1, 5).map(Number) : [];
  const prefix = match ? Number(match[5]) : NaN;
  if (!match || octets.some((o) => o > 255) || prefix < 16 || prefix > 24) {
    throw new InvalidPropsError(
      construct,
      prop,
      cidr,
      'an IPv4 CIDR block from /16 to /24 such as 10.10.0.0/16',
    );
  }
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  if (base % 2 ** (32 - prefix) !== 0) {
    throw new InvalidPropsError(construct, prop, cidr, 'a block whose address is the network address');
  }
  return { base, prefix };
}

function formatIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/** Terraform's `cidrsubnet(cidr, newBits, index)`, computed at synthesis so tests can read it. */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
  const { base, prefix } = parseCidr('cidrSubnet', 'cidr', cidr);
  const size = 2 ** (32 - prefix - newBits);
  if (index < 0 || index >= 2 ** newBits)
    throw new Error(`cidrSubnet: index ${index} does not fit ${newBits} bits`);
  return `${formatIp(base + index * size)}/${prefix + newBits}`;
}

export class RegionalNetwork extends Construct {
  readonly vpc: Vpc;
  readonly subnets: Subnet[];
  readonly routeTable: RouteTable;
  readonly lambdaSecurityGroup: SecurityGroup;
  readonly dbSecurityGroup: SecurityGroup;
  readonly endpointSecurityGroup: SecurityGroup;
  readonly dbSubnetGroup: DbSubnetGroup;
  readonly interfaceEndpoints: Record<string, VpcEndpoint>;
  readonly gatewayEndpoints: Record<(typeof GATEWAY_ENDPOINTS)[number], VpcEndpoint>;
  readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: RegionalNetworkProps) {
    super(scope, id);
    parseCidr('RegionalNetwork', 'cidrBlock', props.cidrBlock);
    parseCidr('RegionalNetwork', 'peerCidrBlock', props.peerCidrBlock);
    const azs = props.availabilityZones ?? [`${props.region}a`, `${props.region}b`];
    if (
      azs.length < 2 ||
      new Set(azs).size !== azs.length ||
      azs.some((az) => !az.startsWith(props.region))
    ) {
      throw new InvalidPropsError(
        'RegionalNetwork',
        'availabilityZones',
        azs,
        `at least two distinct AZs of ${props.region}`,
      );
    }
    if (azs.length > 16)
      throw new InvalidPropsError('RegionalNetwork', 'availabilityZones', azs, 'at most 16 AZs');

    this.vpc = new Vpc(this, 'vpc', {
      cidrBlock: props.cidrBlock,
      enableDnsHostnames: true, // private DNS of the interface endpoints needs both
      enableDnsSupport: true,
      tags: { Name: props.vpcName },
    });
    // Strip every rule from the default security group: nothing may use it by accident.
    new DefaultSecurityGroup(this, 'default-sg', { vpcId: this.vpc.id });

    this.routeTable = new RouteTable(this, 'private-routes', {
      vpcId: this.vpc.id,
      tags: { Name: `${props.vpcName}-private` },
    });
    // /16 → four /20 per AZ slot (room for 16 AZs); /24 → /28.
    this.subnets = azs.map((az, i) => {
      const subnet = new Subnet(this, `private-${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: cidrSubnet(props.cidrBlock, 4, i),
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.vpcName}-private-${az}` },
      });
      new RouteTableAssociation(this, `private-${i}-routes`, {
        subnetId: subnet.id,
        routeTableId: this.routeTable.id,
      });
      return subnet;
    });
    const subnetIds = this.subnets.map((s) => s.id);

    const sg = (sgId: string, name: string, description: string) =>
      new SecurityGroup(this, sgId, {
        name,
        description,
        vpcId: this.vpc.id,
        // No inline rules: the rule resources below own them (Terraform drops the default egress).
        tags: { Name: name },
      });
    this.lambdaSecurityGroup = sg(
      'lambda-sg',
      props.securityGroupNames.lambda,
      'Platform Lambdas: egress to endpoints and PostgreSQL only',
    );
    this.endpointSecurityGroup = sg(
      'endpoints-sg',
      props.securityGroupNames.endpoints,
      'VPC interface endpoints: HTTPS from the platform Lambdas',
    );
    this.dbSecurityGroup = sg(
      'db-sg',
      props.securityGroupNames.db,
      'Aurora PostgreSQL: 5432 from the platform Lambdas and the peer VPC',
    );

    this.gatewayEndpoints = {
      s3: this.gatewayEndpoint('s3', props),
      dynamodb: this.gatewayEndpoint('dynamodb', props),
    };
    this.interfaceEndpoints = {};
    for (const service of props.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS) {
      if (!/^[a-z0-9.-]+$/.test(service)) {
        throw new InvalidPropsError(
          'RegionalNetwork',
          'interfaceEndpoints',
          service,
          'service names such as ssm or sqs',
        );
      }
      this.interfaceEndpoints[service] = new VpcEndpoint(this, `endpoint-${service}`, {
        vpcId: this.vpc.id,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: 'Interface',
        privateDnsEnabled: true,
        subnetIds,
        securityGroupIds: [this.endpointSecurityGroup.id],
        tags: { Name: `${props.vpcName}-${service}` },
      });
    }

    const lambdaSg = this.lambdaSecurityGroup.id;
    const egress = (
      ruleId: string,
      description: string,
      port: number,
      target: { cidr?: string; prefixList?: string },
    ) =>
      new VpcSecurityGroupEgressRule(this, ruleId, {
        securityGroupId: lambdaSg,
        description,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        ...(target.cidr ? { cidrIpv4: target.cidr } : {}),
        ...(target.prefixList ? { prefixListId: target.prefixList } : {}),
      });
    egress('lambda-to-endpoints', 'HTTPS to the interface endpoints in this VPC', 443, {
      cidr: props.cidrBlock,
    });
    egress('lambda-to-s3', 'HTTPS to S3 through the gateway endpoint', 443, {
      prefixList: this.gatewayEndpoints.s3.prefixListId,
    });
    egress('lambda-to-dynamodb', 'HTTPS to DynamoDB through the gateway endpoint', 443, {
      prefixList: this.gatewayEndpoints.dynamodb.prefixListId,
    });
    egress('lambda-to-db', 'PostgreSQL in this VPC', POSTGRES_PORT, { cidr: props.cidrBlock });
    egress('lambda-to-peer-db', 'PostgreSQL in the peer VPC (readiness checks)', POSTGRES_PORT, {
      cidr: props.peerCidrBlock,
    });

    new VpcSecurityGroupIngressRule(this, 'endpoints-from-lambda', {
      securityGroupId: this.endpointSecurityGroup.id,
      description: 'HTTPS from the platform Lambdas',
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: lambdaSg,
    });
    new VpcSecurityGroupIngressRule(this, 'db-from-lambda', {
      securityGroupId: this.dbSecurityGroup.id,
      description: 'PostgreSQL from the platform Lambdas',
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      referencedSecurityGroupId: lambdaSg,
    });
    new VpcSecurityGroupIngressRule(this, 'db-from-peer', {
      securityGroupId: this.dbSecurityGroup.id,
      description: 'PostgreSQL from the peer VPC over peering',
      ipProtocol: 'tcp',
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      cidrIpv4: props.peerCidrBlock,
    });

    this.dbSubnetGroup = new DbSubnetGroup(this, 'db-subnets', {
      name: props.dbSubnetGroupName,
      description: 'Private subnets of the Aurora member cluster',
      subnetIds,
    });

    const flowLogs = new EncryptedLogGroup(this, 'flow-logs', {
      name: props.flowLogGroupName,
      kmsKeyArn: props.kmsKeyArn,
    });
    const flowLogRole = new IamRole(this, 'flow-log-role', {
      name: props.flowLogRoleName,
      assumeRolePolicy: serviceTrustPolicy('vpc-flow-logs.amazonaws.com', props.accountId),
    });
    new IamRolePolicy(this, 'flow-log-policy', {
      role: flowLogRole.id,
      name: 'write-flow-logs',
      policy: policyDocument(
        [
          {
            sid: 'WriteFlowLogs',
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
            resources: [flowLogs.arn, `${flowLogs.arn}:*`],
          },
        ],
        'flow log role',
      ),
    });
    this.flowLog = new FlowLog(this, 'flow-log', {
      vpcId: this.vpc.id,
      trafficType: 'ALL',
      logDestinationType: 'cloud-watch-logs',
      logDestination: flowLogs.arn,
      iamRoleArn: flowLogRole.arn,
      maxAggregationInterval: 60,
    });
  }

  private gatewayEndpoint(
    service: (typeof GATEWAY_ENDPOINTS)[number],
    props: RegionalNetworkProps,
  ): VpcEndpoint {
    return new VpcEndpoint(this, `endpoint-${service}`, {
      vpcId: this.vpc.id,
      serviceName: `com.amazonaws.${props.region}.${service}`,
      vpcEndpointType: 'Gateway',
      routeTableIds: [this.routeTable.id],
      tags: { Name: `${props.vpcName}-${service}` },
    });
  }
}
