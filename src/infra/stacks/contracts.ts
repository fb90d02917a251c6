/**
 * What the regional stacks hand to the global stack. The regional stacks deploy first
 * and in parallel (nothing in one region depends on the other); the global stack comes
 * after both and holds everything that spans regions: Route 53, ACM and the API custom
 * domains, the Aurora global database, the DynamoDB global table, S3 replication in
 * both directions, VPC peering, cross-region EventBridge forwarding, the IAM operator
 * role, the dashboard. Cross-stack values flow as cdktf references, which also give
 * `dr deploy` its order.
 */
import type { LambdaFunctionName, RegionRole } from '../../contract/naming.js';

export interface RegionalVpc {
  readonly vpcId: string;
  readonly cidrBlock: string;
  /** Private subnets, at least two AZs. */
  readonly privateSubnetIds: string[];
  /** Route tables of the private subnets (peering routes go here). */
  readonly privateRouteTableIds: string[];
}

export interface RegionalFunction {
  readonly functionName: string;
  readonly arn: string;
  /** The execution role's name, for policies the global stack attaches (database access). */
  readonly roleName: string;
}

/** Everything of a region the global stack needs, as cdktf tokens. */
export interface RegionalResources {
  readonly role: RegionRole;
  readonly region: string;
  readonly vpc: RegionalVpc;
  /** The region's customer-managed KMS key (S3, SQS, SNS, Aurora, logs, DynamoDB replica). */
  readonly kmsKeyArn: string;
  /** DB subnet group and security group the Aurora member cluster of this region uses. */
  readonly dbSubnetGroupName: string;
  readonly dbSecurityGroupId: string;
  /** REST API and its deployed stage, mapped to the custom domains by the global stack. */
  readonly restApiId: string;
  readonly restApiStageName: string;
  readonly configBucket: { readonly bucket: string; readonly arn: string };
  readonly auditLogBucket: { readonly bucket: string; readonly arn: string };
  readonly eventBus: { readonly name: string; readonly arn: string };
  readonly alarmTopicArn: string;
  readonly functions: Readonly<Record<LambdaFunctionName, RegionalFunction>>;
  /** Role the region's failover/failback state machines run as; the global stack attaches the cross-region policy. */
  readonly stateMachineRoleName: string;
}
