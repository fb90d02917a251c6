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

  constructor(scope: Construct, id: string, props: GlobalStackProps) {
    super(scope, id);
    const { naming, tags, config } = props;
    this.primaryProvider = new AwsProvider(this, 'aws', {
      region: naming.regionOf('primary'),
      defaultTags: [{ tags: { ...tags } }],
    });
    this.secondaryProvider = new AwsProvider(this, 'aws-secondary', {
      alias: 'secondary',
      region: naming.regionOf('secondary'),
      defaultTags: [{ tags: { ...tags } }],
    });
    configureBackend(this, id, config.stateBackend);

    const region: Record<RegionRole, RegionalResources> = {
      primary: props.primary,
      secondary: props.secondary,
    };
    const provider: Record<RegionRole, AwsProvider> = {
      primary: this.primaryProvider,
      secondary: this.secondaryProvider,
    };
    const other = (role: RegionRole): RegionRole => (role === 'primary' ? 'secondary' : 'primary');
    const arnContext: ArnContext = {
      partition: new DataAwsPartition(this, 'partition').partition,
      accountId: new DataAwsCallerIdentity(this, 'account').accountId,
    };
    const { domain, apiSubdomain, healthCheck, ttlSeconds } = config.dns;
    const apiDomain = naming.apiDomain(domain, apiSubdomain);

    // ---- DNS: zone, per-region certificates and custom domains, failover records ----
    // The zone is either an existing one (looked up here) or the zone stack's: never
    // created in this stack, whose certificates cannot validate before the parent
    // delegates to the zone (`dr deploy` checks that between the two stacks).
    let zoneId: string;
    if (config.dns.hostedZoneId) {
      if (props.zone) {
        throw new Error(
          `GlobalStack: dns.hostedZoneId is set (${config.dns.hostedZoneId}), so no created zone may be given`,
        );
      }
      // An existing, already delegated zone: looked up, never created or changed here.
      // Route 53 is global; its control plane (and this lookup) is in us-east-1.
      const home = ROLES.find((role) => region[role].region === ROUTE53_HOME_REGION);
      const existing = new DataAwsRoute53Zone(this, 'existing-zone', {
        provider: home
          ? provider[home]
          : new AwsProvider(this, 'aws-route53', {
              alias: 'route53',
              region: ROUTE53_HOME_REGION,
              defaultTags: [{ tags: { ...tags } }],
            }),
        zoneId: config.dns.hostedZoneId,
        privateZone: false,
      });
      this.zoneNameServers = existing.nameServers;
      zoneId = existing.zoneId;
    } else {
      if (!props.zone) {
        throw new Error(
          'GlobalStack: without dns.hostedZoneId the zone comes from the zone stack; none was given',
        );
      }
      this.zoneNameServers = props.zone.nameServers;
      zoneId = props.zone.zoneId;
    }
    const apiDomains = {} as Record<RegionRole, RegionalApiDomain>;
    const failoverRecords = {} as Record<RegionRole, HealthCheckedRecord>;
    for (const role of ROLES) {
      const r = region[role];
      const regionalDomain = naming.regionalApiDomain(domain, apiSubdomain, r.region);
      apiDomains[role] = new RegionalApiDomain(this, `${role}-api-domain`, {
        provider: provider[role],
        zoneId,
        apiDomain,
        regionalDomain,
        restApiId: r.restApiId,
        stageName: r.restApiStageName,
      });
      failoverRecords[role] = new HealthCheckedRecord(this, `${role}-failover`, {
        zoneId,
        recordName: apiDomain,
        failover: role === 'primary' ? 'PRIMARY' : 'SECONDARY',
        target: apiDomains[role].apiDomainName.regionalDomainName,
        probeFqdn: regionalDomain,
        path: healthCheck.path,
        intervalSeconds: healthCheck.intervalSeconds,
        failureThreshold: healthCheck.failureThreshold,
        ttlSeconds,
      });
    }
    this.apiDomains = apiDomains;
    this.failoverRecords = failoverRecords;

    // ---- Aurora PostgreSQL global database -----------------------------------------
    const member = (role: RegionRole) => ({
      provider: provider[role],
      clusterIdentifier: naming.dbCluster(region[role].region),
      instanceIdentifier: naming.dbInstance(region[role].region),
      kmsKeyArn: region[role].kmsKeyArn,
      dbSubnetGroupName: region[role].dbSubnetGroupName,
      securityGroupIds: [region[role].dbSecurityGroupId],
    });
    // The master user's credentials: generated in the apply and written (write-only) to
    // this secret by the database construct; the replica serves a promoted secondary.
    this.dbMasterSecret = new ReplicatedSecret(this, 'db-master-secret', {
      provider: this.primaryProvider,
      name: naming.dbMasterSecret(),
      description: `Master user ${Naming.dbMasterUser} of the orders database; its value is generated in the apply, write-only`,
      region: props.primary.region,
      kmsKeyArn: props.primary.kmsKeyArn,
      replicaRegion: props.secondary.region,
      replicaKmsKeyArn: props.secondary.kmsKeyArn,
    });
    const masterSecretArn = { primary: this.dbMasterSecret.arn, secondary: this.dbMasterSecret.replicaArn };
    this.database = new AuroraGlobalDatabase(this, 'database', {
      globalClusterIdentifier: naming.globalCluster(),
      masterUsername: Naming.dbMasterUser,
      masterSecretId: this.dbMasterSecret.secret.id,
      engineVersion: config.database.engineVersion,
      databaseName: config.database.databaseName,
      instanceClass: config.database.instanceClass,
      backupRetentionDays: config.database.backupRetentionDays,
      masterPasswordVersion: config.database.masterPasswordVersion,
      monitoringRoleName: naming.role('rds-monitoring'),
      primary: member('primary'),
      secondary: member('secondary'),
    });
    const clusters = { primary: this.database.primaryCluster, secondary: this.database.secondaryCluster };
    new ClusterBackups(this, 'database-backups', {
      roleName: naming.role('backup'),
      accountId: arnContext.accountId,
      clusters: ROLES.map((role) => ({
        key: role,
        provider: provider[role],
        clusterArn: clusters[role].arn,
        kmsKeyArn: region[role].kmsKeyArn,
        vaultName: naming.backupVault(region[role].region),
      })),
    });

    this.dbSecret = new ReplicatedSecret(this, 'db-app-secret', {
      provider: this.primaryProvider,
      name: naming.dbAppSecret(),
      description: `Password of the ${Naming.dbAppUser} database user; its value is set outside Terraform`,
      region: props.primary.region,
      kmsKeyArn: props.primary.kmsKeyArn,
      replicaRegion: props.secondary.region,
      replicaKmsKeyArn: props.secondary.kmsKeyArn,
    });
    const secretArn = { primary: this.dbSecret.arn, secondary: this.dbSecret.replicaArn };
    // The failover's fence step writes dr_fence as its own least-privilege user, never as
    // the trade processor (which may not change the fence's region or epoch).
    this.dbFenceSecret = new ReplicatedSecret(this, 'db-fence-secret', {
      provider: this.primaryProvider,
      name: naming.dbFenceSecret(),
      description: `Password of the ${Naming.dbFenceUser} database user; its value is set outside Terraform`,
      region: props.primary.region,
      kmsKeyArn: props.primary.kmsKeyArn,
      replicaRegion: props.secondary.region,
      replicaKmsKeyArn: props.secondary.kmsKeyArn,
    });
    const fenceSecretArn = { primary: this.dbFenceSecret.arn, secondary: this.dbFenceSecret.replicaArn };
    for (const role of ROLES) {
      const r = region[role];
      new RegionalDbAccess(this, `${role}-db-access`, {
        provider: provider[role],
        region: r.region,
        arnContext,
        endpointParameterName: naming.ssmDbEndpoint(),
        secretArnParameterName: naming.ssmDbSecretArn(),
        clusterEndpoint: clusters[role].endpoint,
        clusterResourceId: clusters[role].clusterResourceId,
        secretArn: secretArn[role],
        fenceSecret: { parameterName: naming.ssmDbFenceSecretArn(), arn: fenceSecretArn[role] },
        masterSecret: { parameterName: naming.ssmDbMasterSecretArn(), arn: masterSecretArn[role] },
        kmsKeyArn: r.kmsKeyArn,
        dbUser: Naming.dbAppUser,
        roles: {
          'trade-processor': r.functions['trade-processor'].roleName,
          health: r.functions.health.roleName,
        },
      });
    }

    // ---- DynamoDB global tables: sessions, and the operation lease -----------------
    const globalTable = (tableId: string, tableName: string, hashKey: string) =>
      new GlobalTable(this, tableId, {
        provider: this.primaryProvider,
        tableName,
        region: props.primary.region,
        hashKey,
        ttlAttribute: Naming.ttlAttribute,
        kmsKeyArn: props.primary.kmsKeyArn,
        replicas: [{ region: props.secondary.region, kmsKeyArn: props.secondary.kmsKeyArn }],
      });
    // The lease must outlive us-east-1: a failover run from us-east-2 takes it there.
    this.sessionsTable = globalTable('sessions-table', naming.sessionsTable(), Naming.sessionsTableKey);
    this.leaseTable = globalTable('lease-table', naming.leaseTable(), Naming.leaseTableKey);
    const tableArn = (t: GlobalTable, role: RegionRole) =>
      role === 'primary' ? t.arn : (t.replicaArns[0] ?? '');

    // ---- S3 replication, both directions (see BucketReplication on loops) ----------
    const replication = {} as Record<RegionRole, BucketReplication>;
    for (const role of ROLES) {
      const from = region[role];
      const to = region[other(role)];
      replication[role] = new BucketReplication(this, `${role}-bucket-replication`, {
        provider: provider[role],
        sourceRegion: from.region,
        destinationRegion: to.region,
        accountId: arnContext.accountId,
        roleName: naming.role('s3-replication', from.region),
        sourceKmsKeyArn: from.kmsKeyArn,
        destinationKmsKeyArn: to.kmsKeyArn,
        pairs: [
          { key: 'config', source: from.configBucket, destination: to.configBucket },
          { key: 'audit-logs', source: from.auditLogBucket, destination: to.auditLogBucket },
        ],
      });
    }

    // ---- VPC peering and routes ----------------------------------------------------
    const peered = (role: RegionRole) => ({
      provider: provider[role],
      region: region[role].region,
      vpcId: region[role].vpc.vpcId,
      cidrBlock: region[role].vpc.cidrBlock,
      routeTableIds: region[role].vpc.privateRouteTableIds,
    });
    this.peering = new CrossRegionPeering(this, 'peering', {
      requester: peered('primary'),
      accepter: peered('secondary'),
    });

    // ---- EventBridge: critical events to the other region, both ways ---------------
    for (const role of ROLES) {
      const from = region[role];
      new EventForwarding(this, `${role}-event-forwarding`, {
        provider: provider[role],
        sourceRegion: from.region,
        accountId: arnContext.accountId,
        sourceBusName: from.eventBus.name,
        targetBusArn: region[other(role)].eventBus.arn,
        roleName: naming.role('event-forwarding', from.region),
        drEventsRuleName: naming.eventForwardRule(from.region, 'dr-events'),
        alarmsRuleName: naming.eventForwardRule(from.region, 'alarms'),
        alarmNamePrefix: naming.prefix,
      });
    }

    // ---- IAM: state machines, readiness checks, operators --------------------------
    const targets = (role: RegionRole): DrRegionTargets => {
      const r = region[role];
      return {
        region: r.region,
        kmsKeyArn: r.kmsKeyArn,
        dbClusterArn: clusters[role].arn,
        configBucketArn: r.configBucket.arn,
        auditLogBucketArn: r.auditLogBucket.arn,
        eventBusArn: r.eventBus.arn,
        tradeProcessorArn: r.functions['trade-processor'].arn,
        functionNames: Naming.functions.map((fn) => naming.lambda(r.region, fn)),
        stateMachineNames: [
          naming.stateMachine(r.region, 'failover'),
          naming.stateMachine(r.region, 'failback'),
        ],
        queueNames: [naming.ordersQueue(r.region), naming.ordersDlq(r.region)],
        leaseTableArn: tableArn(this.leaseTable, role),
        sessionsTableArn: tableArn(this.sessionsTable, role),
        dbSecretArn: secretArn[role],
        restApiId: r.restApiId,
        restApiStageName: r.restApiStageName,
      };
    };
    const access: DrAccessTargets = {
      arnContext,
      ssmPrefix: naming.ssmPrefix(),
      fencingParameterNames: [naming.ssmActiveRegion(), naming.ssmEpoch()],
      alarmNamePrefix: naming.prefix,
      metricsNamespace: naming.metricsNamespace(),
      globalClusterArn: this.database.globalCluster.arn,
      healthCheckArns: ROLES.map((role) => failoverRecords[role].healthCheck.arn),
      hostedZoneArn: `arn:${arnContext.partition}:route53:::hostedzone/${zoneId}`,
      autoFailoverParameterName: naming.ssmShared('auto-failover'),
      // The roles the iam-permissions check simulates (the operator's SimulateDrRoles grant).
      simulatedRoleArns: [
        `arn:${arnContext.partition}:iam::${arnContext.accountId}:role/${naming.role('operator')}`,
        ...ROLES.flatMap((role) =>
          [
            region[role].stateMachineRoleName,
            ...(['failover-watchdog', 'readiness-check', 'trade-processor'] as const).map(
              (fn) => region[role].functions[fn].roleName,
            ),
          ].map((name) => `arn:${arnContext.partition}:iam::${arnContext.accountId}:role/${name}`),
        ),
      ],
      regions: [targets('primary'), targets('secondary')],
    };
    new RolePolicy(this, 'state-machine-policy', {
      policyName: 'dr-cross-region',
      roles: { primary: props.primary.stateMachineRoleName, secondary: props.secondary.stateMachineRoleName },
      // The state machines read the fence writer's secret only (dr-access names it
      // `dbSecretArn`: the secret the fence step passes to the Data API).
      statements: stateMachineStatements({
        ...access,
        regions: [
          { ...targets('primary'), dbSecretArn: fenceSecretArn.primary },
          { ...targets('secondary'), dbSecretArn: fenceSecretArn.secondary },
        ],
      }),
    });
    new RolePolicy(this, 'readiness-policy', {
      policyName: 'dr-cross-region-read',
      roles: {
        primary: props.primary.functions['readiness-check'].roleName,
        secondary: props.secondary.functions['readiness-check'].roleName,
      },
      statements: readinessStatements(access),
    });
    this.operatorRole = new OperatorRole(this, 'operator', {
      roleName: naming.role('operator'),
      arnContext,
      ...(config.operators ? { operators: config.operators } : {}),
      statements: operatorStatements(access),
      drill: { policyName: naming.role('operator-drill'), statements: drillStatements(access) },
    });

    // ---- Dashboard -----------------------------------------------------------------
    const column = (role: RegionRole): DashboardRegion => {
      const r = region[role];
      const to = region[other(role)];
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
    };
    new DrDashboard(this, 'dashboard', {
      provider: this.primaryProvider,
      dashboardName: naming.dashboard(),
      regions: [column('primary'), column('secondary')],
    });
  }
}
