/**
 * `dr status`: where things stand, on one screen. Read-only.
 *
 * Every read starts at once (level 1: all names come from naming); what needs an id
 * from level 1 starts, all together, once level 1 has answered (level 2: the DNS
 * records and health-check status need the zone and health-check ids, the S3
 * replication metrics the rule ids). The client calls are traced, and the result
 * carries the measured number of sequential levels (src/core/call-trace.ts).
 *
 * Level 1 also reads the operation lease from both replicas and the failover/failback
 * state machine ARNs; level 2 lists their RUNNING executions. `unsafe` names the unsafe
 * states those reads show (src/core/status-unsafe.ts; the CLI exits 3).
 *
 * A region that does not answer is shown as unreachable with its error; everything
 * else is still shown, and `unreachable` lists it (the CLI exits 5). Missing or expired
 * credentials throw `CredentialsError` once level 1 has settled (the CLI exits 6).
 */
import type { AwsClients } from '../aws/clients.js';
import type { DrConfig } from '../config/schema.js';
import { Naming } from '../contract/naming.js';
import { CallTrace, traceClients, type TraceSummary } from './call-trace.js';
import { resolveActiveRegion } from './checks/evaluate.js';
import { readLatest, type Datapoint, type MetricQuery } from './checks/metrics.js';
import {
  errorOf,
  settle,
  UnreachableRegions,
  valueOf,
  type Outcome,
  type Unreachable,
} from './checks/outcome.js';
import {
  readAlarms,
  readCluster,
  readGlobalCluster,
  readHealthChecks,
  readHostedZoneId,
  readMappings,
  readParametersDated,
  readPitr,
  readReplicationRules,
  readTable,
} from './checks/read.js';
import { leaseLiveness, readLease, type LeaseRecord } from './failover/lease.js';
import { LEASE_ID, readStateMachineArn } from './failover/plan.js';
import type { FailoverMode, OperationKind } from '../contract/steps.js';
import { silentReporter, type Reporter } from './reporter.js';
import { rtoBudget, type RtoBudget } from './rto-budget.js';
import { evaluateUnsafe, mappingTakesOrders, type UnsafeFinding } from './status-unsafe.js';

export type { UnsafeCode, UnsafeFinding } from './status-unsafe.js';

/** The metric the readiness-check Lambda publishes (1 ready, 0 not), per region. */
export const READINESS_METRIC = 'FailoverReadiness';
/** Route 53 considers an endpoint healthy while more than 18% of its checkers do. */
const HEALTHY_FRACTION = 0.18;
/** Global control planes (Route 53) sign for us-east-1. */
const GLOBAL_REGION = 'us-east-1';

export interface StatusOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly reporter?: Reporter;
  /** @default - now */
  readonly now?: Date;
}

export interface RegionControl {
  readonly region: string;
  readonly activeRegion?: string;
  readonly epoch?: number;
  readonly error?: string;
}

export interface DnsRecordStatus {
  readonly failover: 'PRIMARY' | 'SECONDARY';
  readonly region: string | null;
  readonly target: string | null;
  readonly healthCheckId: string | null;
  /** null: not known (no health check, or its status could not be read). */
  readonly healthy: boolean | null;
  /** Checkers reporting success / all checkers. */
  readonly checkers?: { readonly healthy: number; readonly total: number };
  readonly error?: string;
}

export interface DnsStatus {
  readonly name: string;
  readonly records: DnsRecordStatus[];
  /** The region Route 53 answers with now (PRIMARY unless it is unhealthy and SECONDARY is healthy). */
  readonly servingRegion: string | null;
  readonly error?: string;
}

export interface AuroraMemberStatus {
  readonly region: string;
  readonly cluster: string;
  readonly status: string | null;
  readonly writer: boolean | null;
  readonly lag: Datapoint | null;
  readonly error?: string;
}

export interface AuroraStatus {
  readonly globalCluster: string;
  readonly writerRegion: string | null;
  readonly members: AuroraMemberStatus[];
  readonly error?: string;
}

export interface TableRegionStatus {
  readonly region: string;
  readonly status: string | null;
  readonly replicas: ReadonlyArray<{ readonly region: string; readonly status: string }>;
  readonly pitr: string | null;
  readonly error?: string;
}

export interface TableStatus {
  readonly table: string;
  readonly regions: TableRegionStatus[];
}

export interface ReplicationStatus {
  readonly region: string;
  readonly sourceBucket: string;
  readonly destinationBucket: string | null;
  readonly ruleId: string | null;
  readonly status: string | null;
  readonly pendingOperations: number | null;
  readonly pendingBytes: number | null;
  /** `ReplicationLatency`, seconds. */
  readonly latencySeconds: number | null;
  readonly error?: string;
}

export interface FiringAlarm {
  readonly name: string;
  readonly reason: string;
  readonly since: string | null;
}

export interface RegionAlarms {
  readonly region: string;
  readonly firing: FiringAlarm[];
  readonly error?: string;
}

export interface MappingStatus {
  readonly region: string;
  readonly states: string[];
  readonly consuming: boolean | null;
  readonly error?: string;
}

export interface ReadinessStatus {
  readonly region: string;
  /** null: no `FailoverReadiness` datapoint in the window. */
  readonly ready: boolean | null;
  readonly at: string | null;
  readonly error?: string;
}

export interface LeaseStatus {
  readonly holder: string;
  readonly operation: LeaseRecord['operation'];
  readonly operationId: string;
  readonly startedAt: string;
  /** ISO. */
  readonly expiresAt: string;
  readonly expired: boolean;
  readonly to?: string;
  readonly mode?: FailoverMode;
  readonly session?: string;
  /** ISO time of the holder's last heartbeat. */
  readonly heartbeatAt?: string;
  /** Whether the process holding it still runs (`leaseLiveness`), and why. */
  readonly running: boolean;
  readonly reason: string;
  /** The replicas that answered with this item. */
  readonly readFrom: string[];
}

export interface ExecutionInFlight {
  readonly region: string;
  readonly operation: OperationKind;
  readonly execution: string;
  readonly executionArn: string;
  readonly startedAt: string | null;
}

export interface OperationsStatus {
  /** The DR lease (either replica: the most recent item); null when no replica holds one. */
  readonly lease: LeaseStatus | null;
  /** RUNNING failover/failback executions in the regions that answered. */
  readonly inFlight: ExecutionInFlight[];
  /** Per region, what could not be read (lease, state machines, executions). */
  readonly errors: ReadonlyArray<{ readonly region: string; readonly error: string }>;
}

export interface StatusResult {
  readonly generatedAt: string;
  readonly regions: { readonly primary: string; readonly secondary: string };
  readonly active: {
    /** By SSM (highest epoch wins); null when no region answered. */
    readonly region: string | null;
    readonly epoch: number | null;
    /** True when every region that answered holds the same active-region and epoch. */
    readonly agreed: boolean;
    readonly byRegion: RegionControl[];
    /** Where DNS sends orders now. */
    readonly dnsServingRegion: string | null;
  };
  readonly dns: DnsStatus;
  readonly aurora: AuroraStatus;
  readonly dynamodb: TableStatus[];
  readonly s3: ReplicationStatus[];
  readonly alarms: RegionAlarms[];
  readonly eventSourceMappings: MappingStatus[];
  readonly readiness: ReadinessStatus[];
  readonly rto: RtoBudget;
  readonly operations: OperationsStatus;
  /** Unsafe states seen (empty: none); the CLI exits 3 when there is any. */
  readonly unsafe: UnsafeFinding[];
  readonly unreachable: Unreachable[];
  readonly trace: TraceSummary;
}

const METRIC_WINDOW_SECONDS = 5 * 60;
/** The readiness check runs hourly: look back a little over two runs. */
const READINESS_WINDOW_SECONDS = 2.5 * 3600;

const err = (o: Outcome<unknown> | undefined) => {
  const e = errorOf(o);
  return e ? { error: e } : {};
};

export async function collectStatus(options: StatusOptions): Promise<StatusResult> {
  const { config } = options;
  const reporter = options.reporter ?? silentReporter;
  const now = options.now ?? new Date();
  const naming = new Naming(config);
  const trace = new CallTrace();
  const clients = traceClients(options.clients, trace);
  const primary = naming.regionOf('primary');
  const secondary = naming.regionOf('secondary');
  const regions = [primary, secondary] as const;
  const unreachable = new UnreachableRegions();
  const s = <T>(read: Promise<T>) => settle(read, unreachable);
  const perRegion = <T>(read: (region: string) => Promise<T>) =>
    regions.map((region) => s(read(region)).then((outcome) => ({ region, outcome })));
  const step = reporter.step(`Reading ${primary} and ${secondary}`);

  // ---- level 1 --------------------------------------------------------------------------
  const control = perRegion((r) => readParametersDated(clients.ssm(r), naming.ssmPrefix(), false));
  const route53 = clients.route53(GLOBAL_REGION);
  const domain = config.dns.domain;
  const zone = s(
    readHostedZoneId(route53, domain).then((id) => {
      if (!id) throw new Error(`no hosted zone ${domain}`);
      return id;
    }),
  );
  const healthChecks = s(readHealthChecks(route53));
  const globals = perRegion((r) => readGlobalCluster(clients.rds(r), naming.globalCluster()));
  const clusters = perRegion((r) => readCluster(clients.rds(r), naming.dbCluster(r)));
  const lag = perRegion(
    async (r) =>
      (
        await readLatest(
          clients.cloudwatch(r),
          [
            {
              id: 'lag',
              namespace: 'AWS/RDS',
              metricName: 'AuroraGlobalDBReplicationLag',
              dimensions: { DBClusterIdentifier: naming.dbCluster(r) },
              stat: 'Maximum',
            },
          ],
          METRIC_WINDOW_SECONDS,
          now,
        )
      ).lag,
  );
  const readiness = perRegion(
    async (r) =>
      (
        await readLatest(
          clients.cloudwatch(r),
          [
            {
              id: 'ready',
              namespace: naming.metricsNamespace(),
              metricName: READINESS_METRIC,
              dimensions: { Region: r },
              stat: 'Minimum',
            },
          ],
          READINESS_WINDOW_SECONDS,
          now,
        )
      ).ready,
  );
  const tableNames = [naming.sessionsTable(), naming.leaseTable()];
  const tables = tableNames.map((table) => ({
    table,
    described: perRegion((r) => readTable(clients.dynamodb(r), table)),
    pitr: perRegion((r) => readPitr(clients.dynamodb(r), table)),
  }));
  const purposes = ['config', 'audit-logs'] as const;
  const buckets = regions.flatMap((region) =>
    purposes.map((purpose) => {
      const bucket = naming.bucket(region, purpose);
      return { region, bucket, rules: s(readReplicationRules(clients.s3(region), bucket)) };
    }),
  );
  const firing = perRegion((r) => readAlarms(clients.cloudwatch(r), naming.regional(r, ''), 'ALARM'));
  const mappings = perRegion((r) => readMappings(clients.lambda(r), naming.lambda(r, 'trade-processor')));
  const leases = perRegion((r) => readLease(clients.dynamodb(r), naming.leaseTable(), LEASE_ID));
  const operationKinds: readonly OperationKind[] = ['failover', 'failback'];
  const machines = perRegion((r) =>
    Promise.all(
      operationKinds.map(async (operation) => ({
        operation,
        arn: await readStateMachineArn(clients, naming, r, operation),
      })),
    ),
  );

  // ---- level 1 ends: every read above has answered or failed ---------------------------
  const [
    controlRead,
    zoneRead,
    healthCheckList,
    globalRead,
    clusterRead,
    lagRead,
    readinessRead,
    tableRead,
    bucketRead,
    firingRead,
    mappingRead,
    leaseRead,
    machineRead,
  ] = await Promise.all([
    Promise.all(control),
    zone,
    healthChecks,
    Promise.all(globals),
    Promise.all(clusters),
    Promise.all(lag),
    Promise.all(readiness),
    Promise.all(
      tables.map(async (t) => ({
        table: t.table,
        described: await Promise.all(t.described),
        pitr: await Promise.all(t.pitr),
      })),
    ),
    Promise.all(buckets.map(async (b) => ({ ...b, rules: await b.rules }))),
    Promise.all(firing),
    Promise.all(mappings),
    Promise.all(leases),
    Promise.all(machines),
  ]);
  // Missing or expired credentials: nothing could be read, so nothing is shown (exit 6).
  unreachable.throwIfCredentials();

  // ---- level 2, all at once after level 1 (the barrier keeps the levels apart, so the
  // trace counts them exactly): DNS records and health-check status, S3 metrics ---------
  const apiName = naming.apiDomain(domain, config.dns.apiSubdomain);
  const records = (async () => {
    if (!zoneRead.ok) return zoneRead;
    return s(
      route53
        .listResourceRecordSets({ HostedZoneId: zoneRead.value, StartRecordName: apiName, MaxItems: 20 })
        .then((out) => (out.ResourceRecordSets ?? []).filter((r) => r.Name === `${apiName}.` && r.Failover)),
    );
  })();
  const healthStatus = (async () => {
    if (!healthCheckList.ok) return new Map<string, Outcome<{ healthy: number; total: number }>>();
    const probes = new Set(regions.map((r) => naming.regionalApiDomain(domain, config.dns.apiSubdomain, r)));
    const wanted = healthCheckList.value.filter((c) => probes.has(c.fqdn));
    const read = await Promise.all(
      wanted.map(async (c) => {
        const outcome = await s(
          route53.getHealthCheckStatus({ HealthCheckId: c.id }).then((out) => {
            const observations = out.HealthCheckObservations ?? [];
            const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
            return { healthy, total: observations.length };
          }),
        );
        return [c.id, outcome] as const;
      }),
    );
    return new Map(read);
  })();
  const replicationMetrics = (async () => {
    const out = new Map<string, Outcome<Record<string, Datapoint | undefined>>>();
    await Promise.all(
      regions.map(async (region) => {
        const entries = bucketRead
          .filter((b) => b.region === region)
          .flatMap((b) => (b.rules.ok ? b.rules.value.map((rule) => ({ bucket: b.bucket, rule })) : []));
        if (entries.length === 0) return;
        const queries: MetricQuery[] = entries.flatMap((e, i) => {
          const dimensions = {
            SourceBucket: e.bucket,
            DestinationBucket: e.rule.destinationBucket,
            RuleId: e.rule.id,
          };
          return [
            { id: `ops${i}`, metricName: 'OperationsPendingReplication', stat: 'Maximum' as const },
            { id: `bytes${i}`, metricName: 'BytesPendingReplication', stat: 'Maximum' as const },
            { id: `latency${i}`, metricName: 'ReplicationLatency', stat: 'Maximum' as const },
          ].map((q) => ({ ...q, namespace: 'AWS/S3', dimensions }));
        });
        const metrics = await s(readLatest(clients.cloudwatch(region), queries, METRIC_WINDOW_SECONDS, now));
        entries.forEach((e, i) => {
          out.set(
            `${e.bucket}/${e.rule.id}`,
            metrics.ok
              ? {
                  ok: true,
                  value: {
                    ops: metrics.value[`ops${i}`],
                    bytes: metrics.value[`bytes${i}`],
                    latency: metrics.value[`latency${i}`],
                  },
                }
              : metrics,
          );
        });
      }),
    );
    return out;
  })();
  // RUNNING executions of each region's failover and failback state machines.
  const executions = Promise.all(
    machineRead.map(async ({ region, outcome }) => {
      if (!outcome.ok) return { region, outcome };
      const listed = await s(
        Promise.all(
          outcome.value
            .filter((m) => m.arn)
            .map(async (m) => {
              const out = await clients
                .sfn(region)
                .listExecutions({ stateMachineArn: m.arn, statusFilter: 'RUNNING', maxResults: 10 });
              return (out.executions ?? []).map((e): ExecutionInFlight => ({
                region,
                operation: m.operation,
                execution: e.name ?? '',
                executionArn: e.executionArn ?? '',
                startedAt: e.startDate ? new Date(e.startDate).toISOString() : null,
              }));
            }),
        ),
      );
      return { region, outcome: listed.ok ? { ok: true as const, value: listed.value.flat() } : listed };
    }),
  );
  const [recordRead, healthRead, replicationRead, executionRead] = await Promise.all([
    records,
    healthStatus,
    replicationMetrics,
    executions,
  ]);

  // Active region: SSM per region, highest epoch wins.
  const byRegion: RegionControl[] = controlRead.map(({ region, outcome }) => {
    const values = valueOf(outcome)?.values;
    const epoch = Number(values?.[naming.ssmEpoch()]);
    return {
      region,
      ...(values?.[naming.ssmActiveRegion()] ? { activeRegion: values[naming.ssmActiveRegion()] } : {}),
      ...(Number.isFinite(epoch) && values?.[naming.ssmEpoch()] !== undefined ? { epoch } : {}),
      ...err(outcome),
    };
  });
  const answered = controlRead.filter((c) => c.outcome.ok);
  const active = resolveActiveRegion(
    Object.fromEntries(
      controlRead.map((c) => [
        c.region,
        c.outcome.ok ? { ok: true as const, value: c.outcome.value.values } : c.outcome,
      ]),
    ),
    { activeRegion: naming.ssmActiveRegion(), epoch: naming.ssmEpoch() },
    primary,
  );
  const agreed =
    new Set(byRegion.filter((c) => !c.error).map((c) => `${c.activeRegion ?? ''}@${c.epoch ?? ''}`)).size <=
    1;

  // DNS.
  const regionOfProbe = new Map(
    (valueOf(healthCheckList) ?? []).flatMap((c) =>
      regions
        .filter((r) => c.fqdn === naming.regionalApiDomain(domain, config.dns.apiSubdomain, r))
        .map((r) => [c.id, r] as const),
    ),
  );
  const recordList = valueOf(recordRead) ?? [];
  const dnsRecords: DnsRecordStatus[] = (['PRIMARY', 'SECONDARY'] as const).map((failover) => {
    const rec = recordList.find((r) => r.Failover === failover);
    const hcId = rec?.HealthCheckId ?? null;
    const hc = hcId ? healthRead.get(hcId) : undefined;
    const checkers = valueOf(hc);
    const fallbackRegion = failover === 'PRIMARY' ? primary : secondary;
    return {
      failover,
      region: rec ? ((hcId ? regionOfProbe.get(hcId) : undefined) ?? fallbackRegion) : null,
      target: rec?.ResourceRecords?.[0]?.Value ?? rec?.AliasTarget?.DNSName ?? null,
      healthCheckId: hcId,
      healthy: checkers && checkers.total > 0 ? checkers.healthy / checkers.total > HEALTHY_FRACTION : null,
      ...(checkers ? { checkers } : {}),
      ...(rec ? err(hc) : { error: 'no such record' }),
    };
  });
  const [primaryRecord, secondaryRecord] = dnsRecords as [DnsRecordStatus, DnsRecordStatus];
  const dnsError = errorOf(zoneRead) ?? errorOf(recordRead) ?? errorOf(healthCheckList);
  const servingRegion = dnsError
    ? null
    : primaryRecord.healthy === false && secondaryRecord.healthy === true
      ? secondaryRecord.region
      : primaryRecord.region;

  // Aurora.
  const globalView = globalRead.map((g) => valueOf(g.outcome)).find((v) => v !== undefined);
  const globalError = globalRead.every((g) => !g.outcome.ok)
    ? globalRead.map((g) => `${g.region}: ${errorOf(g.outcome)}`).join('; ')
    : globalView
      ? undefined
      : `no global cluster ${naming.globalCluster()}`;
  const members: AuroraMemberStatus[] = regions.map((region) => {
    const cluster = clusterRead.find((c) => c.region === region)?.outcome;
    const lagOutcome = lagRead.find((l) => l.region === region)?.outcome;
    const member = globalView?.members.find((m) => m.region === region);
    return {
      region,
      cluster: naming.dbCluster(region),
      status: valueOf(cluster)?.status ?? (cluster?.ok ? 'missing' : null),
      writer: member ? member.isWriter : null,
      lag: valueOf(lagOutcome) ?? null,
      ...(errorOf(cluster) ? err(cluster) : err(lagOutcome)),
    };
  });

  // The operation lease (the most recent item of the replicas that answered) and what runs.
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const leaseSeen = leaseRead.flatMap(({ region, outcome }) => {
    const lease = valueOf(outcome);
    return lease ? [{ region, lease }] : [];
  });
  const freshness = (l: LeaseRecord) => l.heartbeatAt ?? Math.floor(Date.parse(l.startedAt) / 1000);
  const newest = [...leaseSeen].sort((a, b) => freshness(b.lease) - freshness(a.lease))[0]?.lease;
  const leaseStatus: LeaseStatus | null = newest
    ? (() => {
        const liveness = leaseLiveness(newest, now);
        return {
          holder: newest.holder,
          operation: newest.operation,
          operationId: newest.operationId,
          startedAt: newest.startedAt,
          expiresAt: new Date(newest.expiresAt * 1000).toISOString(),
          expired: newest.expiresAt < nowSeconds,
          ...(newest.to ? { to: newest.to } : {}),
          ...(newest.mode ? { mode: newest.mode } : {}),
          ...(newest.session ? { session: newest.session } : {}),
          ...(newest.heartbeatAt !== undefined
            ? { heartbeatAt: new Date(newest.heartbeatAt * 1000).toISOString() }
            : {}),
          running: liveness.running,
          reason: liveness.reason,
          readFrom: leaseSeen
            .filter(
              (l) => l.lease.operationId === newest.operationId && l.lease.startedAt === newest.startedAt,
            )
            .map((l) => l.region),
        };
      })()
    : null;
  const inFlight = executionRead.flatMap(({ outcome }) => valueOf(outcome) ?? []);
  const operationErrors = regions.flatMap((region) => {
    const found = [
      leaseRead.find((l) => l.region === region)?.outcome,
      machineRead.find((m) => m.region === region)?.outcome,
      executionRead.find((e) => e.region === region)?.outcome,
    ]
      .map((o) => errorOf(o))
      .find((e) => e !== undefined);
    return found ? [{ region, error: found }] : [];
  });
  const movedAt =
    controlRead
      .map((c) => valueOf(c.outcome)?.modified[naming.ssmActiveRegion()])
      .filter((t): t is string => t !== undefined)
      .sort()
      .at(-1) ?? null;
  const writerRegion = globalView?.members.find((m) => m.isWriter)?.region ?? null;
  const unsafe = evaluateUnsafe({
    config,
    now,
    regions,
    activeRegion: answered.length > 0 ? active.region : null,
    control: byRegion.filter((c) => !c.error),
    parameterNames: { activeRegion: naming.ssmActiveRegion(), epoch: naming.ssmEpoch() },
    movedAt,
    mappings: mappingRead.map(({ region, outcome }) => ({
      region,
      ...(outcome.ok ? { mappings: outcome.value } : {}),
    })),
    dnsServingRegion: servingRegion,
    dnsName: apiName,
    writerRegion,
    lease: leaseStatus,
    inFlight,
    executionsUnknown: executionRead.filter((e) => !e.outcome.ok).map((e) => e.region),
  });

  const result: StatusResult = {
    generatedAt: now.toISOString(),
    regions: { primary, secondary },
    active: {
      region: answered.length > 0 ? active.region : null,
      epoch: answered.length > 0 ? (active.epoch ?? null) : null,
      agreed,
      byRegion,
      dnsServingRegion: servingRegion,
    },
    dns: { name: apiName, records: dnsRecords, servingRegion, ...(dnsError ? { error: dnsError } : {}) },
    aurora: {
      globalCluster: naming.globalCluster(),
      writerRegion,
      members,
      ...(globalError ? { error: globalError } : {}),
    },
    dynamodb: tableRead.map((t) => ({
      table: t.table,
      regions: t.described.map(({ region, outcome }) => {
        const pitr = t.pitr.find((p) => p.region === region)?.outcome;
        const view = valueOf(outcome);
        return {
          region,
          status: view?.status ?? (outcome.ok ? 'missing' : null),
          replicas: [...(view?.replicas ?? [])],
          pitr: valueOf(pitr) ?? null,
          ...(errorOf(outcome) ? err(outcome) : err(pitr)),
        };
      }),
    })),
    s3: bucketRead.flatMap((b): ReplicationStatus[] => {
      if (!b.rules.ok || b.rules.value.length === 0) {
        return [
          {
            region: b.region,
            sourceBucket: b.bucket,
            destinationBucket: null,
            ruleId: null,
            status: b.rules.ok ? 'none' : null,
            pendingOperations: null,
            pendingBytes: null,
            latencySeconds: null,
            ...err(b.rules),
          },
        ];
      }
      return b.rules.value.map((rule) => {
        const metrics = replicationRead.get(`${b.bucket}/${rule.id}`);
        const m = valueOf(metrics);
        return {
          region: b.region,
          sourceBucket: b.bucket,
          destinationBucket: rule.destinationBucket,
          ruleId: rule.id,
          status: rule.status,
          // No datapoint: nothing pending reported.
          pendingOperations: m ? (m.ops?.value ?? 0) : null,
          pendingBytes: m ? (m.bytes?.value ?? 0) : null,
          latencySeconds: m?.latency?.value ?? null,
          ...err(metrics),
        };
      });
    }),
    alarms: firingRead.map(({ region, outcome }) => ({
      region,
      // Filtered here too: moto ignores StateValue next to AlarmNamePrefix.
      firing: (valueOf(outcome) ?? [])
        .filter((a) => a.StateValue === 'ALARM')
        .map((a) => ({
          name: a.AlarmName ?? '',
          reason: a.StateReason ?? '',
          since: a.StateUpdatedTimestamp ? new Date(a.StateUpdatedTimestamp).toISOString() : null,
        })),
      ...err(outcome),
    })),
    eventSourceMappings: mappingRead.map(({ region, outcome }) => {
      const found = valueOf(outcome);
      return {
        region,
        states: (found ?? []).map((m) => m.state),
        consuming: found ? found.some((m) => mappingTakesOrders(m.state)) : null,
        ...err(outcome),
      };
    }),
    readiness: readinessRead.map(({ region, outcome }) => {
      const point = valueOf(outcome);
      return { region, ready: point ? point.value >= 1 : null, at: point?.at ?? null, ...err(outcome) };
    }),
    rto: rtoBudget(config),
    operations: { lease: leaseStatus, inFlight, errors: operationErrors },
    unsafe,
    unreachable: unreachable.list(),
    trace: trace.summary(),
  };
  const down = result.unreachable.map((u) => u.region);
  if (down.length > 0) step.fail(`${down.join(', ')} unreachable`);
  else if (unsafe.length > 0) step.fail(`unsafe: ${unsafe.map((u) => u.code).join(', ')}`);
  else step.succeed(`${result.trace.calls} calls in ${result.trace.levels} levels`);
  return result;
}
