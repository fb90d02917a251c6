/**
 * The AWS half of the sync checks (and of `dr status`): one small read per call, each
 * returning the view the evaluations take. "Not there" is a value (undefined, or an
 * empty list), not an error; every other failure propagates to `settle`.
 */
import type {
  CloudWatchApi,
  DynamoDbApi,
  LambdaApi,
  RdsApi,
  Route53Api,
  S3Api,
  SsmApi,
} from '../../aws/clients.js';
import { errorName } from '../../aws/errors.js';
import { paginated } from '../../aws/paginate.js';
import type {
  ClusterView,
  GlobalClusterView,
  MappingView,
  RawAlarm,
  ReplicationRuleView,
  TableView,
} from './evaluate.js';
import { readLatest, type Datapoint } from './metrics.js';
import { regionOfArn } from './outcome.js';

/** Every parameter under `path` (paginated, SecureStrings decrypted), name → value. */
export async function readParameters(
  ssm: SsmApi,
  path: string,
  recursive = true,
): Promise<Record<string, string>> {
  return (await readParametersDated(ssm, path, recursive)).values;
}

/**
 * Every parameter under `path` (paginated, SecureStrings decrypted): name → value, and
 * name → when it was last written (ISO; absent when the service does not say).
 */
export async function readParametersDated(
  ssm: SsmApi,
  path: string,
  recursive = true,
): Promise<{ values: Record<string, string>; modified: Record<string, string> }> {
  const values: Record<string, string> = {};
  const modified: Record<string, string> = {};
  const pages = paginated(ssm).getParametersByPath({
    Path: path,
    Recursive: recursive,
    WithDecryption: true,
    MaxResults: 10,
  });
  for await (const page of pages) {
    for (const p of page.Parameters ?? []) {
      if (!p.Name || p.Value === undefined) continue;
      values[p.Name] = p.Value;
      if (p.LastModifiedDate) modified[p.Name] = new Date(p.LastModifiedDate).toISOString();
    }
  }
  return { values, modified };
}

/** The id of the public hosted zone `domain`, or undefined when there is none. */
export async function readHostedZoneId(route53: Route53Api, domain: string): Promise<string | undefined> {
  const out = await route53.listHostedZonesByName({ DNSName: domain, MaxItems: 1 });
  return out.HostedZones?.find((z) => z.Name === `${domain}.`)?.Id;
}

/** Every Route 53 health check (paginated): id and the domain name it probes. */
export async function readHealthChecks(route53: Route53Api): Promise<Array<{ id: string; fqdn: string }>> {
  const found: Array<{ id: string; fqdn: string }> = [];
  for await (const page of paginated(route53).listHealthChecks({})) {
    for (const c of page.HealthChecks ?? []) {
      found.push({ id: c.Id ?? '', fqdn: c.HealthCheckConfig?.FullyQualifiedDomainName ?? '' });
    }
    // Route 53 says whether more follow; a marker on the last page is not a next page.
    if (!page.IsTruncated) break;
  }
  return found;
}

export async function readGlobalCluster(rds: RdsApi, id: string): Promise<GlobalClusterView | undefined> {
  try {
    const found = (await rds.describeGlobalClusters({ GlobalClusterIdentifier: id })).GlobalClusters?.[0];
    if (!found) return undefined;
    return {
      id,
      members: (found.GlobalClusterMembers ?? []).map((m) => ({
        arn: m.DBClusterArn ?? '',
        region: regionOfArn(m.DBClusterArn) ?? '',
        isWriter: m.IsWriter === true,
      })),
    };
  } catch (error) {
    if (errorName(error) === 'GlobalClusterNotFoundFault') return undefined;
    throw error;
  }
}

export async function readCluster(rds: RdsApi, id: string): Promise<ClusterView | undefined> {
  try {
    const found = (await rds.describeDBClusters({ DBClusterIdentifier: id })).DBClusters?.[0];
    return found ? { id, status: found.Status ?? 'unknown' } : undefined;
  } catch (error) {
    if (errorName(error) === 'DBClusterNotFoundFault') return undefined;
    throw error;
  }
}

export async function readTable(dynamodb: DynamoDbApi, name: string): Promise<TableView | undefined> {
  try {
    const table = (await dynamodb.describeTable({ TableName: name })).Table;
    if (!table) return undefined;
    return {
      status: table.TableStatus ?? 'unknown',
      replicas: (table.Replicas ?? []).map((r) => ({
        region: r.RegionName ?? '',
        status: r.ReplicaStatus ?? 'unknown',
      })),
    };
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** `ENABLED`/`DISABLED`, or undefined when the table does not exist. */
export async function readPitr(dynamodb: DynamoDbApi, name: string): Promise<string | undefined> {
  try {
    const out = await dynamodb.describeContinuousBackups({ TableName: name });
    return (
      out.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ??
      'DISABLED'
    );
  } catch (error) {
    const name_ = errorName(error);
    if (name_ === 'TableNotFoundException' || name_ === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** The bucket's replication rules; none when it has no replication configuration. */
export async function readReplicationRules(s3: S3Api, bucket: string): Promise<ReplicationRuleView[]> {
  try {
    const config = (await s3.getBucketReplication({ Bucket: bucket })).ReplicationConfiguration;
    return (config?.Rules ?? []).map((r) => ({
      id: r.ID ?? '',
      status: r.Status ?? 'unknown',
      destinationBucket: (r.Destination?.Bucket ?? '').split(':::').pop() ?? '',
    }));
  } catch (error) {
    if (errorName(error) === 'ReplicationConfigurationNotFoundError') return [];
    throw error;
  }
}

/** The function's `CodeSha256`, or undefined when there is no such function. */
export async function readCodeSha(lambda: LambdaApi, fn: string): Promise<string | undefined> {
  try {
    return (await lambda.getFunction({ FunctionName: fn })).Configuration?.CodeSha256;
  } catch (error) {
    if (errorName(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** Metric alarms whose names start with `prefix` (optionally only those in `state`). */
export async function readAlarms(
  cloudwatch: CloudWatchApi,
  prefix: string,
  state?: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA',
): Promise<Array<RawAlarm & { StateValue?: string; StateReason?: string; StateUpdatedTimestamp?: Date }>> {
  const out: Array<RawAlarm & { StateValue?: string; StateReason?: string; StateUpdatedTimestamp?: Date }> =
    [];
  const pages = paginated(cloudwatch).describeAlarms({
    AlarmNamePrefix: prefix,
    AlarmTypes: ['MetricAlarm'],
    ...(state ? { StateValue: state } : {}),
    MaxRecords: 100,
  });
  for await (const page of pages) out.push(...(page.MetricAlarms ?? []));
  return out;
}

/** The event source mappings of a function. */
export async function readMappings(lambda: LambdaApi, fn: string): Promise<MappingView[]> {
  const out: MappingView[] = [];
  for await (const page of paginated(lambda).listEventSourceMappings({ FunctionName: fn })) {
    for (const m of page.EventSourceMappings ?? []) {
      out.push({
        uuid: m.UUID ?? '',
        state: m.State ?? 'unknown',
        ...(m.EventSourceArn ? { eventSourceArn: m.EventSourceArn } : {}),
      });
    }
  }
  return out;
}

/**
 * Aurora's replication lag as a reader cluster reports it: the newest
 * `AuroraGlobalDBReplicationLag` (AWS/RDS, Maximum, ms) of `cluster` in the last
 * `windowSeconds` before `now`; undefined when there is no datapoint. A failed call
 * propagates as `readLatest` throws it. The one read of the sync checks, `dr status` and
 * the drill's lag at the cut.
 */
export async function readReplicationLag(
  cloudwatch: CloudWatchApi,
  cluster: string,
  windowSeconds: number,
  now: Date = new Date(),
): Promise<Datapoint | undefined> {
  const points = await readLatest(
    cloudwatch,
    [
      {
        id: 'lag',
        namespace: 'AWS/RDS',
        metricName: 'AuroraGlobalDBReplicationLag',
        dimensions: { DBClusterIdentifier: cluster },
        stat: 'Maximum',
      },
    ],
    windowSeconds,
    now,
  );
  return points.lag;
}
