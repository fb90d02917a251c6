/**
 * Every name of every resource comes from here, so the stacks, the sandbox,
 * `dr status` and the Lambdas agree on what things are called. No cdktf import: the
 * CLI's core modules and the Lambdas use it without paying for the provider.
 */

export interface NamingInput {
  readonly app: string;
  readonly environment: string;
  readonly regions: { readonly primary: string; readonly secondary: string };
}

export type RegionRole = 'primary' | 'secondary';

/**
 * The keys under `ssmRegionalPrefix()`: written by the regional stack (the `db-*` ones by
 * the global stack), read by the CLI, the Lambdas and the drill. A key not in this list
 * cannot be written or read.
 */
export const REGIONAL_PARAMETERS = [
  'region',
  'role',
  'orders-queue-url',
  'orders-dlq-url',
  'event-bus-name',
  'alarm-topic-arn',
  'config-bucket',
  'audit-logs-bucket',
  'failover-state-machine-arn',
  'failback-state-machine-arn',
  'event-source-mapping-uuid',
  'db-endpoint',
  'db-secret-arn',
  'db-master-secret-arn',
  'db-fence-secret-arn',
] as const;
export type RegionalParameter = (typeof REGIONAL_PARAMETERS)[number];

/** The keys under `ssmSharedPrefix()`: equal in both regions (src/infra/platform-definitions.ts writes them). */
export const SHARED_PARAMETERS = [
  'primary-region',
  'secondary-region',
  'rto-seconds',
  'orchestration-seconds',
  'max-replication-lag-ms',
  'max-s3-pending-operations',
  'canary-timeout-seconds',
  'health-check-interval-seconds',
  'health-check-failure-threshold',
  'health-check-path',
  'dns-ttl-seconds',
  'auto-failover',
  'api-domain',
] as const;
export type SharedParameter = (typeof SHARED_PARAMETERS)[number];

/**
 * What each IAM role (or inline policy) is for: `role(purpose, region?)` names it. The
 * stacks create them; the permission checks and the sandbox act as them.
 */
export type RolePurpose =
  | 'operator'
  | 'operator-drill'
  | 'dr-state-machines'
  | 'dr-bus-alarms'
  | 'flow-logs'
  | 'api-sqs'
  | 'api-cloudwatch'
  | 'rds-monitoring'
  | 'backup'
  | 's3-replication'
  | 'event-forwarding'
  | `${LambdaFunctionName}-exec`;

/** `us-east-1` → `use1`, `eu-central-2` → `euc2`: short enough for 32/64-character limits. */
export function regionCode(region: string): string {
  const [area, direction, number] = region.split('-');
  if (!area || !direction || !number) throw new Error(`not an AWS region: ${region}`);
  return `${area}${direction[0] ?? ''}${number}`;
}

export class Naming {
  /** `<app>-<environment>`, the prefix of every name. */
  readonly prefix: string;

  constructor(readonly input: NamingInput) {
    this.prefix = `${input.app}-${input.environment}`;
  }

  regionOf(role: RegionRole): string {
    return this.input.regions[role];
  }

  roleOf(region: string): RegionRole {
    if (region === this.input.regions.primary) return 'primary';
    if (region === this.input.regions.secondary) return 'secondary';
    throw new Error(`${region} is neither the primary nor the secondary region`);
  }

  /** Regional resource name: `<app>-<env>-<use1>-<what>`. */
  regional(region: string, what: string): string {
    return `${this.prefix}-${regionCode(region)}-${what}`;
  }

  // ---- stacks -------------------------------------------------------------
  /** `zone` exists only while the platform creates its zone (no `dns.hostedZoneId`). */
  stack(kind: 'primary' | 'secondary' | 'global' | 'zone'): string {
    return `${this.prefix}-${kind}`;
  }
  /** Outputs of the zone stack that `dr deploy` reads to check the parent's delegation. */
  static readonly zoneOutputs = { domain: 'domain', zoneId: 'zone_id', nameServers: 'name_servers' } as const;

  // ---- SQS ----------------------------------------------------------------
  ordersQueue(region: string): string {
    return this.regional(region, 'orders');
  }
  ordersDlq(region: string): string {
    return this.regional(region, 'orders-dlq');
  }
  /** Failed asynchronous Lambda invocations (the scheduled readiness check) land here. */
  lambdaDlq(region: string): string {
    return this.regional(region, 'lambda-dlq');
  }

  // ---- Lambda -------------------------------------------------------------
  /** The function names the platform deploys, identical code in both regions. */
  static readonly functions = ['trade-processor', 'health', 'readiness-check', 'failover-watchdog'] as const;
  lambda(region: string, fn: LambdaFunctionName): string {
    return this.regional(region, fn);
  }

  // ---- API Gateway / DNS --------------------------------------------------
  restApi(region: string): string {
    return this.regional(region, 'orders-api');
  }
  apiDomain(domain: string, subdomain: string): string {
    return `${subdomain}.${domain}`;
  }
  /** Regional hostname that each region's health check probes. */
  regionalApiDomain(domain: string, subdomain: string, region: string): string {
    return `${subdomain}-${regionCode(region)}.${domain}`;
  }

  // ---- data ---------------------------------------------------------------
  globalCluster(): string {
    return `${this.prefix}-orders-global`;
  }
  dbCluster(region: string): string {
    return this.regional(region, 'orders-db');
  }
  dbInstance(region: string, index = 1): string {
    return this.regional(region, `orders-db-${index}`);
  }
  /** The cluster's master user: owns the schema; deploy's migrations run as it (RDS Data API). */
  static readonly dbMasterUser = 'dr_admin';
  /**
   * Secrets Manager secret of the master user, replicated to the secondary region: the
   * password is generated in the apply and written to it and to the cluster write-only.
   */
  dbMasterSecret(): string {
    return `${this.prefix}/db/${Naming.dbMasterUser}`;
  }
  /** PostgreSQL user the trade processor (and health check) log in as. */
  static readonly dbAppUser = 'trade_processor';
  /** Secrets Manager secret of the application DB user, replicated to the secondary region. */
  dbAppSecret(): string {
    return `${this.prefix}/db/${Naming.dbAppUser}`;
  }
  /**
   * PostgreSQL user the failover/failback state machines write the `dr_fence` row as
   * (RDS Data API): INSERT/UPDATE/SELECT on dr_fence only (migration 004).
   */
  static readonly dbFenceUser = 'dr_fence_writer';
  /** Secrets Manager secret of the fence writer, replicated to the secondary region. */
  dbFenceSecret(): string {
    return `${this.prefix}/db/${Naming.dbFenceUser}`;
  }
  /** Key attributes and TTL attribute of the global tables (a contract with their readers). */
  static readonly sessionsTableKey = 'session_id';
  static readonly leaseTableKey = 'lease_id';
  static readonly ttlAttribute = 'expires_at';
  /**
   * verify-sync's canaries: the sessions item key and the config-bucket object key start
   * with these, and the DR roles may write only such items and objects (a contract between
   * src/core/checks/canary.ts and the policies).
   */
  static readonly canaryItemPrefix = 'dr-canary-';
  static readonly canaryObjectPrefix = 'canary/';
  sessionsTable(): string {
    return `${this.prefix}-sessions`;
  }
  /** S3 names are global: the region code keeps the two regions apart. */
  bucket(region: string, purpose: 'config' | 'audit-logs'): string {
    return this.regional(region, purpose);
  }

  // ---- control ------------------------------------------------------------
  /** SSM parameter path prefix, e.g. `/dr-prod`. */
  ssmPrefix(): string {
    return `/${this.prefix}`;
  }
  /** Which region holds the writer role. Written only by failover/failback. */
  ssmActiveRegion(): string {
    return `${this.ssmPrefix()}/active-region`;
  }
  /** Fencing epoch: bumped by every failover/failback. */
  ssmEpoch(): string {
    return `${this.ssmPrefix()}/epoch`;
  }
  /** Region-specific settings live under this prefix and may differ between regions. */
  ssmRegionalPrefix(): string {
    return `${this.ssmPrefix()}/regional`;
  }
  /** That region's Aurora cluster endpoint (regional parameter, differs per region). */
  ssmDbEndpoint(): string {
    return this.ssmRegional('db-endpoint');
  }
  /** ARN of the application DB user's secret in that region (the replica in the secondary). */
  ssmDbSecretArn(): string {
    return this.ssmRegional('db-secret-arn');
  }
  /** ARN of the master user's secret in that region (the replica in the secondary). */
  ssmDbMasterSecretArn(): string {
    return this.ssmRegional('db-master-secret-arn');
  }
  /** ARN of the fence writer's secret in that region (the replica in the secondary). */
  ssmDbFenceSecretArn(): string {
    return this.ssmRegional('db-fence-secret-arn');
  }
  /** Shared settings live under this prefix and must be equal in both regions. */
  ssmSharedPrefix(): string {
    return `${this.ssmPrefix()}/shared`;
  }
  stateMachine(region: string, kind: 'failover' | 'failback'): string {
    return this.regional(region, kind);
  }
  eventBus(region: string): string {
    return this.regional(region, 'dr-events');
  }
  /** Rule forwarding this region's critical events (or alarm state changes) to the other region's bus. */
  eventForwardRule(region: string, what: 'dr-events' | 'alarms'): string {
    return this.regional(region, `forward-${what}`);
  }
  alarmTopic(region: string): string {
    return this.regional(region, 'alarms');
  }
  alarm(region: string, what: 'replication-lag' | 'lambda-errors' | 'api-latency-p99' | 'dlq-depth'): string {
    return this.regional(region, what);
  }
  /** AWS Backup vault (and plan) of the region's Aurora member cluster. */
  backupVault(region: string): string {
    return this.regional(region, 'dr-backup');
  }
  /** Route 53 query logs of the hosted zone (Route 53 requires the `/aws/route53/` prefix). */
  dnsQueryLogGroup(domain: string): string {
    return `/aws/route53/${domain}`;
  }
  dashboard(): string {
    return `${this.prefix}-dr`;
  }
  /** The DynamoDB table holding the operation lease (failover, failback, drill). */
  leaseTable(): string {
    return `${this.prefix}-dr-lease`;
  }
  role(what: RolePurpose, region?: string): string {
    return region ? this.regional(region, what) : `${this.prefix}-${what}`;
  }
  /** CloudWatch namespace for the platform's own metrics (readiness). */
  metricsNamespace(): string {
    return `DR/${this.prefix}`;
  }
  /** The `Source` of the platform's EventBridge events (the state machines, the watchdog, the CLI). */
  eventSource(): string {
    return `dr.${this.prefix}`;
  }

  // ---- regional plumbing (network, keys, logs, API stage) -----------------
  vpc(region: string): string {
    return this.regional(region, 'vpc');
  }
  securityGroup(region: string, what: 'lambda' | 'db' | 'endpoints'): string {
    return this.regional(region, `${what}-sg`);
  }
  dbSubnetGroup(region: string): string {
    return this.regional(region, 'orders-db-subnets');
  }
  /** Alias of the region's customer-managed KMS key. */
  kmsAlias(region: string): string {
    return `alias/${this.regional(region, 'dr')}`;
  }
  /** Alias of the zone stack's key that encrypts the Route 53 query logs (us-east-1). */
  dnsQueryLogKmsAlias(): string {
    return `alias/${this.prefix}-dns-query-logs`;
  }
  /** Lambda writes to `/aws/lambda/<function>`; the stack creates it with retention and KMS. */
  lambdaLogGroup(region: string, fn: LambdaFunctionName): string {
    return `/aws/lambda/${this.lambda(region, fn)}`;
  }
  /** Step Functions logs under `/aws/vendedlogs/` (keeps the log resource policy small). */
  stateMachineLogGroup(region: string, kind: 'failover' | 'failback'): string {
    return `/aws/vendedlogs/states/${this.stateMachine(region, kind)}`;
  }
  apiAccessLogGroup(region: string): string {
    return `/aws/apigateway/${this.restApi(region)}/access`;
  }
  vpcFlowLogGroup(region: string): string {
    return `/aws/vpc/${this.vpc(region)}/flow-logs`;
  }
  /** The REST API's one stage, in both regions. */
  restApiStage(): string {
    return 'live';
  }
  /** Shared setting `key` (equal in both regions). */
  ssmShared(key: SharedParameter): string {
    return `${this.ssmSharedPrefix()}/${key}`;
  }
  /** Region-specific setting `key` (differs per region). */
  ssmRegional(key: RegionalParameter): string {
    return `${this.ssmRegionalPrefix()}/${key}`;
  }
}

export type LambdaFunctionName = (typeof Naming.functions)[number];
