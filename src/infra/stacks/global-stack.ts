/**
 * What spans regions. Deployed after both regional stacks (and after the zone stack,
 * when the platform creates its zone: ./zone-stack.ts); see contracts.ts. This
 * stack only wires the constructs of src/infra/constructs/global to the two regions'
 * resources (cdktf cross-stack references, which also make it depend on both
 * regional stacks) and to the two providers.
 */
import { TerraformStack } from '../cdktf.js';
import type * as ProviderModule from '@cdktf/provider-aws/lib/provider/index.js';
import type * as DataAwsCallerIdentityModule from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import type * as DataAwsPartitionModule from '@cdktf/provider-aws/lib/data-aws-partition/index.js';
import type * as DataAwsRoute53ZoneModule from '@cdktf/provider-aws/lib/data-aws-route53-zone/index.js';
import type { Construct } from 'constructs';
import type { DrConfig } from '../../config/schema.js';
import { Naming, type RegionRole } from '../../contract/naming.js';
import { configureBackend } from '../backend.js';
import type { RegionalResources } from './contracts.js';
import type { ArnContext } from '../constructs/global/policy.js';
import { ROUTE53_HOME_REGION } from '../constructs/global/public-zone.js';
import type { CreatedZone } from './zone-stack.js';
import { ClusterBackups } from '../constructs/global/cluster-backups.js';
import { RegionalApiDomain } from '../constructs/global/regional-api-domain.js';
import { HealthCheckedRecord } from '../constructs/global/health-checked-record.js';
import { AuroraGlobalDatabase } from '../constructs/global/aurora-global-database.js';
import { ReplicatedSecret } from '../constructs/global/replicated-secret.js';
import { RegionalDbAccess } from '../constructs/global/regional-db-access.js';
import { GlobalTable } from '../constructs/global/global-table.js';
import { BucketReplication } from '../constructs/global/bucket-replication.js';
import { CrossRegionPeering } from '../constructs/global/cross-region-peering.js';
import { EventForwarding } from '../constructs/global/event-forwarding.js';
import {
  OperatorRole,
  RolePolicy,
  drillStatements,
  operatorStatements,
  readinessStatements,
  stateMachineStatements,
  type DrAccessTargets,
  type DrRegionTargets,
} from '../constructs/global/dr-access.js';
import { DrDashboard, type DashboardRegion } from '../constructs/global/dr-dashboard.js';
import { requireCjs } from '../cjs.js';

const { AwsProvider } = requireCjs('@cdktf/provider-aws/lib/provider/index.js') as typeof ProviderModule;
type AwsProvider = ProviderModule.AwsProvider;
const { DataAwsCallerIdentity } = requireCjs(
  '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js',
) as typeof DataAwsCallerIdentityModule;
type DataAwsCallerIdentity = DataAwsCallerIdentityModule.DataAwsCallerIdentity;
const { DataAwsPartition } = requireCjs(
  '@cdktf/provider-aws/lib/data-aws-partition/index.js',
) as typeof DataAwsPartitionModule;
type DataAwsPartition = DataAwsPartitionModule.DataAwsPartition;
const { DataAwsRoute53Zone } = requireCjs(
  '@cdktf/provider-aws/lib/data-aws-route53-zone/index.js',
) as typeof DataAwsRoute53ZoneModule;

export interface GlobalStackProps {
  readonly config: DrConfig;
  readonly naming: Naming;
  readonly tags: Readonly<Record<string, string>>;
  readonly primary: RegionalResources;
  readonly secondary: RegionalResources;
  /**
   * The zone the zone stack created (./zone-stack.ts), required without
   * `dns.hostedZoneId` and refused with it. Referencing it makes this stack deploy after
   * the zone stack, so `dr deploy` can check the parent's delegation in between.
   */
  readonly zone?: CreatedZone;
}

const ROLES: readonly RegionRole[] = ['primary', 'secondary'];

const other = (role: RegionRole): RegionRole => (role === 'primary' ? 'secondary' : 'primary');

/**
 * What every phase of the constructor reads: the stack it builds in (the scope of every
 * construct, so each keeps the construct path it always had), each region's resources
 * and provider, and the partition and account.
 */
interface GlobalBuild {
  readonly stack: TerraformStack;
  readonly config: DrConfig;
  readonly naming: Naming;
  readonly tags: Readonly<Record<string, string>>;
  readonly region: Readonly<Record<RegionRole, RegionalResources>>;
  readonly provider: Readonly<Record<RegionRole, AwsProvider>>;
  readonly arnContext: ArnContext;
  /** The API's failover name, `<apiSubdomain>.<domain>`. */
  readonly apiDomain: string;
}

/** The database's three secrets: master user, application user, fence writer. */
interface DbSecrets {
  readonly master: ReplicatedSecret;
  readonly app: ReplicatedSecret;
  readonly fence: ReplicatedSecret;
}

/** What the DR roles' policies name, from the phases before them. */
interface AccessInputs {
  readonly zoneId: string;
  readonly failoverRecords: Readonly<Record<RegionRole, HealthCheckedRecord>>;
  readonly database: AuroraGlobalDatabase;
  readonly secrets: DbSecrets;
  readonly sessionsTable: GlobalTable;
  readonly leaseTable: GlobalTable;
}

export class GlobalStack extends TerraformStack {
  /** Provider for the primary region (also Route 53, IAM: their control planes live in us-east-1). */
  readonly primaryProvider: AwsProvider;
  readonly secondaryProvider: AwsProvider;
  /** Name servers of the zone, which the parent domain must delegate to. */
  readonly zoneNameServers: string[];
  readonly apiDomains: Readonly<Record<RegionRole, RegionalApiDomain>>;
  readonly failoverRecords: Readonly<Record<RegionRole, HealthCheckedRecord>>;
  readonly database: AuroraGlobalDatabase;
  readonly dbSecret: ReplicatedSecret;
  /** The master user's credentials (deploy's migrations run as it). */
  readonly dbMasterSecret: ReplicatedSecret;
  readonly dbFenceSecret: ReplicatedSecret;
  readonly sessionsTable: GlobalTable;
  readonly leaseTable: GlobalTable;
  readonly peering: CrossRegionPeering;
  readonly operatorRole: OperatorRole;

  /**
   * The phases in the order they were always built in: the order of creation is the
   * order of the resources in the synthesized JSON, which must not change.
   */
  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id);
    const { naming, tags } = props;
    this.primaryProvider = new AwsProvider(this, 'aws', {
      region: naming.regionOf('primary'),
      defaultTags: [{ tags: { ...tags } }],
    });
    this.secondaryProvider = new AwsProvider(this, 'aws-secondary', {
      alias: 'secondary',
      region: naming.regionOf('secondary'),
      defaultTags: [{ tags: { ...tags } }],
    });
    configureBackend(this, id, props.config.stateBackend);
    const build = globalBuild(this, props);

    const zone = hostedZone(build, props.zone);
    this.zoneNameServers = zone.nameServers;
    const dns = apiDnsRecords(build, zone.zoneId);
    this.apiDomains = dns.apiDomains;
    this.failoverRecords = dns.failoverRecords;
    const master = masterSecret(build);
    this.dbMasterSecret = master;
    this.database = globalDatabase(build, master);
    const secrets: DbSecrets = { master, ...userSecrets(build) };
    this.dbSecret = secrets.app;
    this.dbFenceSecret = secrets.fence;
    regionalDbAccess(build, this.database, secrets);
    this.sessionsTable = globalTable(
      build,
      'sessions-table',
      naming.sessionsTable(),
      Naming.sessionsTableKey,
    );
    this.leaseTable = globalTable(build, 'lease-table', naming.leaseTable(), Naming.leaseTableKey);
    bucketReplication(build);
    this.peering = vpcPeering(build);
    eventForwarding(build);
    this.operatorRole = drRoles(build, {
      zoneId: zone.zoneId,
      failoverRecords: dns.failoverRecords,
      database: this.database,
      secrets,
      sessionsTable: this.sessionsTable,
      leaseTable: this.leaseTable,
    });
    dashboard(build);
  }
}

/** The phases' common inputs; looks up the partition and the account (two data sources). */
function globalBuild(stack: GlobalStack, props: GlobalStackProps): GlobalBuild {
  const { config, naming } = props;
  return {
    stack,
    config,
    naming,
    tags: props.tags,
    region: { primary: props.primary, secondary: props.secondary },
    provider: { primary: stack.primaryProvider, secondary: stack.secondaryProvider },
    arnContext: {
      partition: new DataAwsPartition(stack, 'partition').partition,
      accountId: new DataAwsCallerIdentity(stack, 'account').accountId,
    },
    apiDomain: naming.apiDomain(config.dns.domain, config.dns.apiSubdomain),
  };
}

/**
 * The zone is either an existing one (looked up here) or the zone stack's: never
 * created in this stack, whose certificates cannot validate before the parent
 * delegates to the zone (`dr deploy` checks that between the two stacks).
 */
function hostedZone(
  b: GlobalBuild,
  created: CreatedZone | undefined,
): { zoneId: string; nameServers: string[] } {
  const { hostedZoneId } = b.config.dns;
  if (hostedZoneId) {
    if (created) {
      throw new Error(
        `GlobalStack: dns.hostedZoneId is set (${hostedZoneId}), so no created zone may be given`,
      );
    }
    // An existing, already delegated zone: looked up, never created or changed here.
    // Route 53 is global; its control plane (and this lookup) is in us-east-1.
    const home = ROLES.find((role) => b.region[role].region === ROUTE53_HOME_REGION);
    const existing = new DataAwsRoute53Zone(b.stack, 'existing-zone', {
      provider: home
        ? b.provider[home]
        : new AwsProvider(b.stack, 'aws-route53', {
            alias: 'route53',
            region: ROUTE53_HOME_REGION,
            defaultTags: [{ tags: { ...b.tags } }],
          }),
      zoneId: hostedZoneId,
      privateZone: false,
    });
    return { zoneId: existing.zoneId, nameServers: existing.nameServers };
  }
  if (!created) {
    throw new Error(
      'GlobalStack: without dns.hostedZoneId the zone comes from the zone stack; none was given',
    );
  }
  return { zoneId: created.zoneId, nameServers: created.nameServers };
}

/** Per region a certificate and custom domain, and the health-checked failover record. */
function apiDnsRecords(
  b: GlobalBuild,
  zoneId: string,
): {
  apiDomains: Record<RegionRole, RegionalApiDomain>;
  failoverRecords: Record<RegionRole, HealthCheckedRecord>;
} {
  const { domain, apiSubdomain, healthCheck, ttlSeconds } = b.config.dns;
  const apiDomains = {} as Record<RegionRole, RegionalApiDomain>;
  const failoverRecords = {} as Record<RegionRole, HealthCheckedRecord>;
  for (const role of ROLES) {
    const r = b.region[role];
    const regionalDomain = b.naming.regionalApiDomain(domain, apiSubdomain, r.region);
    apiDomains[role] = new RegionalApiDomain(b.stack, `${role}-api-domain`, {
      provider: b.provider[role],
      zoneId,
      apiDomain: b.apiDomain,
      regionalDomain,
      restApiId: r.restApiId,
      stageName: r.restApiStageName,
    });
    failoverRecords[role] = new HealthCheckedRecord(b.stack, `${role}-failover`, {
      zoneId,
      recordName: b.apiDomain,
      failover: role === 'primary' ? 'PRIMARY' : 'SECONDARY',
      target: apiDomains[role].apiDomainName.regionalDomainName,
      probeFqdn: regionalDomain,
      path: healthCheck.path,
      intervalSeconds: healthCheck.intervalSeconds,
      failureThreshold: healthCheck.failureThreshold,
      ttlSeconds,
    });
  }
  return { apiDomains, failoverRecords };
}

/** A secret of the primary region, replicated to the secondary (each under its region's key). */
function replicatedSecret(b: GlobalBuild, id: string, name: string, description: string): ReplicatedSecret {
  const { primary, secondary } = b.region;
  return new ReplicatedSecret(b.stack, id, {
    provider: b.provider.primary,
    name,
    description,
    region: primary.region,
    kmsKeyArn: primary.kmsKeyArn,
    replicaRegion: secondary.region,
    replicaKmsKeyArn: secondary.kmsKeyArn,
  });
}

/**
 * The master user's credentials: generated in the apply and written (write-only) to
 * this secret by the database construct; the replica serves a promoted secondary.
 */
function masterSecret(b: GlobalBuild): ReplicatedSecret {
  return replicatedSecret(
    b,
    'db-master-secret',
    b.naming.dbMasterSecret(),
    `Master user ${Naming.dbMasterUser} of the orders database; its value is generated in the apply, write-only`,
  );
}

/** The Aurora PostgreSQL global database, one member cluster per region, and its backups. */
function globalDatabase(b: GlobalBuild, master: ReplicatedSecret): AuroraGlobalDatabase {
  const { config, naming, region, provider } = b;
  const member = (role: RegionRole) => ({
    provider: provider[role],
    clusterIdentifier: naming.dbCluster(region[role].region),
    instanceIdentifier: naming.dbInstance(region[role].region),
    kmsKeyArn: region[role].kmsKeyArn,
    dbSubnetGroupName: region[role].dbSubnetGroupName,
    securityGroupIds: [region[role].dbSecurityGroupId],
  });
  const database = new AuroraGlobalDatabase(b.stack, 'database', {
    globalClusterIdentifier: naming.globalCluster(),
    masterUsername: Naming.dbMasterUser,
    masterSecretId: master.secret.id,
    engineVersion: config.database.engineVersion,
    databaseName: config.database.databaseName,
    instanceClass: config.database.instanceClass,
    backupRetentionDays: config.database.backupRetentionDays,
    masterPasswordVersion: config.database.masterPasswordVersion,
    monitoringRoleName: naming.role('rds-monitoring'),
    primary: member('primary'),
    secondary: member('secondary'),
  });
  new ClusterBackups(b.stack, 'database-backups', {
    roleName: naming.role('backup'),
    accountId: b.arnContext.accountId,
    clusters: ROLES.map((role) => ({
      key: role,
      provider: provider[role],
      clusterArn: clusterOf(database, role).arn,
      kmsKeyArn: region[role].kmsKeyArn,
      vaultName: naming.backupVault(region[role].region),
    })),
  });
  return database;
}

function clusterOf(database: AuroraGlobalDatabase, role: RegionRole): AuroraGlobalDatabase['primaryCluster'] {
  return role === 'primary' ? database.primaryCluster : database.secondaryCluster;
}

/** A replicated secret's ARN in a region: the secret in the primary, its replica in the secondary. */
function secretArnIn(secret: ReplicatedSecret, role: RegionRole): string {
  return role === 'primary' ? secret.arn : secret.replicaArn;
}

/**
 * The application user's and the fence writer's passwords. The failover's fence step
 * writes dr_fence as its own least-privilege user, never as the trade processor (which
 * may not change the fence's region or epoch).
 */
function userSecrets(b: GlobalBuild): { app: ReplicatedSecret; fence: ReplicatedSecret } {
  const app = replicatedSecret(
    b,
    'db-app-secret',
    b.naming.dbAppSecret(),
    `Password of the ${Naming.dbAppUser} database user; its value is set outside Terraform`,
  );
  const fence = replicatedSecret(
    b,
    'db-fence-secret',
    b.naming.dbFenceSecret(),
    `Password of the ${Naming.dbFenceUser} database user; its value is set outside Terraform`,
  );
  return { app, fence };
}

/** Per region: the endpoint and secret parameters, and the functions' database access. */
function regionalDbAccess(b: GlobalBuild, database: AuroraGlobalDatabase, secrets: DbSecrets): void {
  const { naming } = b;
  for (const role of ROLES) {
    const r = b.region[role];
    const cluster = clusterOf(database, role);
    new RegionalDbAccess(b.stack, `${role}-db-access`, {
      provider: b.provider[role],
      region: r.region,
      arnContext: b.arnContext,
      endpointParameterName: naming.ssmDbEndpoint(),
      secretArnParameterName: naming.ssmDbSecretArn(),
      clusterEndpoint: cluster.endpoint,
      clusterResourceId: cluster.clusterResourceId,
      secretArn: secretArnIn(secrets.app, role),
      fenceSecret: { parameterName: naming.ssmDbFenceSecretArn(), arn: secretArnIn(secrets.fence, role) },
      masterSecret: { parameterName: naming.ssmDbMasterSecretArn(), arn: secretArnIn(secrets.master, role) },
      kmsKeyArn: r.kmsKeyArn,
      dbUser: Naming.dbAppUser,
      roles: {
        'trade-processor': r.functions['trade-processor'].roleName,
        health: r.functions.health.roleName,
      },
    });
  }
}

/**
 * A DynamoDB global table of the primary with a replica in the secondary: the sessions,
 * and the operation lease (which must outlive us-east-1: a failover run from us-east-2
 * takes it there).
 */
function globalTable(b: GlobalBuild, tableId: string, tableName: string, hashKey: string): GlobalTable {
  const { primary, secondary } = b.region;
  return new GlobalTable(b.stack, tableId, {
    provider: b.provider.primary,
    tableName,
    region: primary.region,
    hashKey,
    ttlAttribute: Naming.ttlAttribute,
    kmsKeyArn: primary.kmsKeyArn,
    replicas: [{ region: secondary.region, kmsKeyArn: secondary.kmsKeyArn }],
  });
}

/** A global table's ARN in a region: the table in the primary, its replica in the secondary. */
function tableArnIn(table: GlobalTable, role: RegionRole): string {
  return role === 'primary' ? table.arn : (table.replicaArns[0] ?? '');
}

/** S3 replication, both directions (see BucketReplication on loops). */
function bucketReplication(b: GlobalBuild): void {
  for (const role of ROLES) {
    const from = b.region[role];
    const to = b.region[other(role)];
    new BucketReplication(b.stack, `${role}-bucket-replication`, {
      provider: b.provider[role],
      sourceRegion: from.region,
      destinationRegion: to.region,
      accountId: b.arnContext.accountId,
      roleName: b.naming.role('s3-replication', from.region),
      sourceKmsKeyArn: from.kmsKeyArn,
      destinationKmsKeyArn: to.kmsKeyArn,
      pairs: [
        { key: 'config', source: from.configBucket, destination: to.configBucket },
        { key: 'audit-logs', source: from.auditLogBucket, destination: to.auditLogBucket },
      ],
    });
  }
}

/** VPC peering between the regions, and the routes to the other VPC. */
function vpcPeering(b: GlobalBuild): CrossRegionPeering {
  const peered = (role: RegionRole) => ({
    provider: b.provider[role],
    region: b.region[role].region,
    vpcId: b.region[role].vpc.vpcId,
    cidrBlock: b.region[role].vpc.cidrBlock,
    routeTableIds: b.region[role].vpc.privateRouteTableIds,
  });
  return new CrossRegionPeering(b.stack, 'peering', {
    requester: peered('primary'),
    accepter: peered('secondary'),
  });
}

/** EventBridge: critical events to the other region, both ways. */
function eventForwarding(b: GlobalBuild): void {
  const { naming } = b;
  for (const role of ROLES) {
    const from = b.region[role];
    new EventForwarding(b.stack, `${role}-event-forwarding`, {
      provider: b.provider[role],
      sourceRegion: from.region,
      accountId: b.arnContext.accountId,
      sourceBusName: from.eventBus.name,
      targetBusArn: b.region[other(role)].eventBus.arn,
      roleName: naming.role('event-forwarding', from.region),
      drEventsRuleName: naming.eventForwardRule(from.region, 'dr-events'),
      alarmsRuleName: naming.eventForwardRule(from.region, 'alarms'),
      alarmNamePrefix: naming.prefix,
    });
  }
}

/** One region's resources the DR roles act on (dr-access.ts). */
function regionTargets(b: GlobalBuild, inputs: AccessInputs, role: RegionRole): DrRegionTargets {
  const { naming } = b;
  const r = b.region[role];
  return {
    region: r.region,
    kmsKeyArn: r.kmsKeyArn,
    dbClusterArn: clusterOf(inputs.database, role).arn,
    configBucketArn: r.configBucket.arn,
    auditLogBucketArn: r.auditLogBucket.arn,
    eventBusArn: r.eventBus.arn,
    tradeProcessorArn: r.functions['trade-processor'].arn,
    functionNames: Naming.functions.map((fn) => naming.lambda(r.region, fn)),
    stateMachineNames: [naming.stateMachine(r.region, 'failover'), naming.stateMachine(r.region, 'failback')],
    queueNames: [naming.ordersQueue(r.region), naming.ordersDlq(r.region)],
    leaseTableArn: tableArnIn(inputs.leaseTable, role),
    sessionsTableArn: tableArnIn(inputs.sessionsTable, role),
    dbSecretArn: secretArnIn(inputs.secrets.app, role),
    restApiId: r.restApiId,
    restApiStageName: r.restApiStageName,
  };
}

/** Everything the DR roles act on, in both regions and across them. */
function accessTargets(b: GlobalBuild, inputs: AccessInputs): DrAccessTargets {
  const { naming, arnContext } = b;
  const roleArn = (name: string) => `arn:${arnContext.partition}:iam::${arnContext.accountId}:role/${name}`;
  return {
    arnContext,
    ssmPrefix: naming.ssmPrefix(),
    fencingParameterNames: [naming.ssmActiveRegion(), naming.ssmEpoch()],
    alarmNamePrefix: naming.prefix,
    metricsNamespace: naming.metricsNamespace(),
    globalClusterArn: inputs.database.globalCluster.arn,
    healthCheckArns: ROLES.map((role) => inputs.failoverRecords[role].healthCheck.arn),
    hostedZoneArn: `arn:${arnContext.partition}:route53:::hostedzone/${inputs.zoneId}`,
    autoFailoverParameterName: naming.ssmShared('auto-failover'),
    // The roles the iam-permissions check simulates (the operator's SimulateDrRoles grant).
    simulatedRoleArns: [
      roleArn(naming.role('operator')),
      ...ROLES.flatMap((role) =>
        [
          b.region[role].stateMachineRoleName,
          ...(['failover-watchdog', 'readiness-check', 'trade-processor'] as const).map(
            (fn) => b.region[role].functions[fn].roleName,
          ),
        ].map(roleArn),
      ),
    ],
    regions: [regionTargets(b, inputs, 'primary'), regionTargets(b, inputs, 'secondary')],
  };
}

/** IAM: the state machines' and readiness checks' cross-region policies, the operator role. */
function drRoles(b: GlobalBuild, inputs: AccessInputs): OperatorRole {
  const { naming, region } = b;
  const access = accessTargets(b, inputs);
  const fenceWriter = (role: RegionRole): DrRegionTargets => ({
    ...regionTargets(b, inputs, role),
    dbSecretArn: secretArnIn(inputs.secrets.fence, role),
  });
  new RolePolicy(b.stack, 'state-machine-policy', {
    policyName: 'dr-cross-region',
    roles: { primary: region.primary.stateMachineRoleName, secondary: region.secondary.stateMachineRoleName },
    // The state machines read the fence writer's secret only (dr-access names it
    // `dbSecretArn`: the secret the fence step passes to the Data API).
    statements: stateMachineStatements({
      ...access,
      regions: [fenceWriter('primary'), fenceWriter('secondary')],
    }),
  });
  new RolePolicy(b.stack, 'readiness-policy', {
    policyName: 'dr-cross-region-read',
    roles: {
      primary: region.primary.functions['readiness-check'].roleName,
      secondary: region.secondary.functions['readiness-check'].roleName,
    },
    statements: readinessStatements(access),
  });
  return new OperatorRole(b.stack, 'operator', {
    roleName: naming.role('operator'),
    arnContext: b.arnContext,
    ...(b.config.operators ? { operators: b.config.operators } : {}),
    statements: operatorStatements(access),
    drill: { policyName: naming.role('operator-drill'), statements: drillStatements(access) },
  });
}

/** One region's column of the dashboard: its resources, and replication to the other region. */
function dashboardColumn(b: GlobalBuild, role: RegionRole): DashboardRegion {
  const { naming } = b;
  const r = b.region[role];
  const to = b.region[other(role)];
  return {
    region: r.region,
    label: `${role} ${r.region}`,
    dbClusterIdentifier: naming.dbCluster(r.region),
    tradeProcessorName: naming.lambda(r.region, 'trade-processor'),
    apiName: naming.restApi(r.region),
    ordersQueueName: naming.ordersQueue(r.region),
    dlqName: naming.ordersDlq(r.region),
    replicationRules: (['config', 'audit-logs'] as const).map((key) => ({
      sourceBucket: naming.bucket(r.region, key),
      destinationBucket: naming.bucket(to.region, key),
      ruleId: BucketReplication.ruleId(key, to.region),
    })),
    tableNames: [naming.sessionsTable(), naming.leaseTable()],
    otherRegion: to.region,
  };
}

function dashboard(b: GlobalBuild): void {
  new DrDashboard(b.stack, 'dashboard', {
    provider: b.provider.primary,
    dashboardName: b.naming.dashboard(),
    regions: [dashboardColumn(b, 'primary'), dashboardColumn(b, 'secondary')],
  });
}
