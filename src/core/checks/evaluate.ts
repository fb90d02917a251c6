/**
 * The pure half of the sync checks: observations in, `CheckResult`s out. No AWS call,
 * no clock: everything a check decides on is in its arguments, so each rule is unit-
 * tested on its own (test/core/checks/checks.test.ts).
 */
import type { Datapoint } from './metrics.js';
import type { Outcome } from './outcome.js';
import type { CheckName, CheckResult, CheckValue } from './types.js';

/** Outcomes keyed by region. */
export type ByRegion<T> = Readonly<Record<string, Outcome<T>>>;

export interface GlobalClusterView {
  readonly id: string;
  readonly members: ReadonlyArray<{
    readonly region: string;
    readonly arn: string;
    readonly isWriter: boolean;
  }>;
}

export interface ClusterView {
  readonly id: string;
  readonly status: string;
}

export interface TableView {
  readonly status: string;
  readonly replicas: ReadonlyArray<{ readonly region: string; readonly status: string }>;
}

export interface ReplicationRuleView {
  readonly id: string;
  readonly status: string;
  /** Destination bucket name (from its ARN). */
  readonly destinationBucket: string;
}

export interface MappingView {
  readonly uuid: string;
  readonly state: string;
  readonly eventSourceArn?: string;
}

export interface CanaryView {
  /** Milliseconds from the write until the other region showed it; null when it never did. */
  readonly ms: number | null;
  readonly from: string;
  readonly to: string;
  /** Cleanup problems (the canary stays behind), if any. */
  readonly cleanup?: string;
}

/** A normalised alarm: what it watches and when it fires, without names, ARNs or state. */
export interface AlarmDefinition {
  /** The alarm's name without its region's prefix, e.g. `replication-lag`. */
  readonly key: string;
  readonly definition: Readonly<Record<string, unknown>>;
}

/** `ok`: true (pass), false (fail), or `unknown` when what it needed could not be read. */
const result = (
  name: CheckName,
  ok: boolean | 'unknown',
  observed: CheckValue,
  limit: CheckValue,
  detail: string,
  extra: { unit?: CheckResult['unit']; region?: string } = {},
): CheckResult => ({
  name,
  ok: ok === true,
  status: ok === 'unknown' ? 'unknown' : ok ? 'pass' : 'fail',
  observed,
  limit,
  ...(extra.unit ? { unit: extra.unit } : {}),
  detail,
  ...(extra.region ? { region: extra.region } : {}),
});

/** `label: error` for every failed outcome (a check that has any and nothing else is unknown). */
function failures(entries: ReadonlyArray<readonly [string, Outcome<unknown> | undefined]>): string[] {
  return entries.flatMap(([label, o]) =>
    !o ? [`${label}: not read`] : o.ok ? [] : [`${label}: ${o.unreachable ? 'unreachable' : o.error}`],
  );
}

const list = (items: readonly string[]) => items.join('; ');

// ---- Aurora -------------------------------------------------------------------------

/**
 * Replication lag of every reader member, from `AuroraGlobalDBReplicationLag` (emitted by
 * the secondary cluster once a minute). NO DATAPOINT IN THE WINDOW FAILS THE CHECK: a
 * reader that stopped reporting may have stopped replicating, and "no news" must not
 * open the deploy gate. The worst reader's lag is the observation.
 */
export function evaluateReplicationLag(
  lag: ByRegion<Datapoint | undefined>,
  readers: readonly string[],
  limitMs: number,
  windowMinutes: number,
): CheckResult {
  const name = 'aurora-replication-lag';
  if (readers.length === 0) {
    return result(name, false, null, limitMs, 'the global cluster has no reader member to replicate to', {
      unit: 'ms',
    });
  }
  const broken = failures(readers.map((r) => [r, lag[r]] as const));
  if (broken.length > 0) return result(name, 'unknown', null, limitMs, list(broken), { unit: 'ms' });
  const silent = readers.filter((r) => {
    const o = lag[r];
    return o?.ok === true && o.value === undefined;
  });
  if (silent.length > 0) {
    return result(
      name,
      false,
      null,
      limitMs,
      `no AuroraGlobalDBReplicationLag datapoint from ${silent.join(', ')} in the last ${windowMinutes} min: replication may have stopped, so lag ≤ ${limitMs} ms is unproven`,
      { unit: 'ms', region: silent[0] },
    );
  }
  const worst = readers
    .map((region) => ({ region, point: (lag[region] as { value: Datapoint }).value }))
    .sort((a, b) => b.point.value - a.point.value)[0] as { region: string; point: Datapoint };
  const ok = worst.point.value <= limitMs;
  return result(
    name,
    ok,
    worst.point.value,
    limitMs,
    `${worst.region} is ${worst.point.value} ms behind the writer (at ${worst.point.at})${ok ? '' : `: over the ${limitMs} ms limit`}`,
    { unit: 'ms', region: worst.region },
  );
}

/** Every global cluster member (and each region's named cluster) exists and is `available`. */
export function evaluateMembersAvailable(
  global: Outcome<GlobalClusterView | undefined>,
  clusters: ByRegion<ClusterView | undefined>,
  regions: readonly string[],
): CheckResult {
  const name = 'aurora-members-available';
  const broken = failures([['global cluster', global], ...regions.map((r) => [r, clusters[r]] as const)]);
  if (broken.length > 0) return result(name, 'unknown', null, 'available', list(broken));
  const view = (global as { value: GlobalClusterView | undefined }).value;
  if (!view) return result(name, false, null, 'available', 'the global cluster does not exist');
  const problems: string[] = [];
  const states: string[] = [];
  for (const region of regions) {
    const cluster = (clusters[region] as { value: ClusterView | undefined }).value;
    const member = view.members.find((m) => m.region === region);
    if (!cluster) {
      problems.push(`${region}: no cluster`);
      continue;
    }
    states.push(`${region} ${cluster.status}${member?.isWriter ? ' (writer)' : ''}`);
    if (!member) problems.push(`${region}: ${cluster.id} is not a member of ${view.id}`);
    if (cluster.status !== 'available') problems.push(`${region}: ${cluster.id} is ${cluster.status}`);
  }
  const writers = view.members.filter((m) => m.isWriter);
  if (writers.length !== 1) problems.push(`${writers.length} writer members (expected exactly one)`);
  const observed = states.join(', ') || null;
  return problems.length === 0
    ? result(name, true, observed, 'available', `every member of ${view.id} is available`)
    : result(name, false, observed, 'available', list(problems));
}

// ---- DynamoDB -----------------------------------------------------------------------

/** Each table is ACTIVE in every region and lists the other regions as ACTIVE replicas. */
export function evaluateReplicasActive(
  tables: Readonly<Record<string, ByRegion<TableView | undefined>>>,
  regions: readonly string[],
): CheckResult {
  const name = 'dynamodb-replicas-active';
  const problems: string[] = [];
  const unread: string[] = [];
  for (const [table, byRegion] of Object.entries(tables)) {
    unread.push(...failures(regions.map((r) => [`${table} in ${r}`, byRegion[r]] as const)));
    for (const region of regions) {
      const o = byRegion[region];
      if (!o?.ok) continue;
      if (!o.value) {
        problems.push(`${table}: no table in ${region}`);
        continue;
      }
      if (o.value.status !== 'ACTIVE') problems.push(`${table} in ${region} is ${o.value.status}`);
      for (const other of regions.filter((r) => r !== region)) {
        const replica = o.value.replicas.find((r) => r.region === other);
        if (!replica) problems.push(`${table} in ${region} has no replica in ${other}`);
        else if (replica.status !== 'ACTIVE') {
          problems.push(`${table} in ${region}: replica in ${other} is ${replica.status}`);
        }
      }
    }
  }
  if (problems.length === 0 && unread.length > 0)
    return result(name, 'unknown', null, 'ACTIVE', list(unread));
  const count = Object.keys(tables).length;
  return problems.length === 0
    ? result(
        name,
        true,
        'ACTIVE',
        'ACTIVE',
        `${count} tables ACTIVE with replicas in ${regions.join(' and ')}`,
      )
    : result(name, false, 'not ACTIVE', 'ACTIVE', list([...new Set([...problems, ...unread])]));
}

/**
 * Point-in-time recovery ENABLED on every table in every region where the table exists
 * (a missing table is the replica check's finding, not this one's).
 */
export function evaluatePitr(
  pitr: Readonly<Record<string, ByRegion<string | undefined>>>,
  regions: readonly string[],
): CheckResult {
  const name = 'dynamodb-pitr-enabled';
  const problems: string[] = [];
  const unread: string[] = [];
  for (const [table, byRegion] of Object.entries(pitr)) {
    unread.push(...failures(regions.map((r) => [`${table} in ${r}`, byRegion[r]] as const)));
    for (const region of regions) {
      const o = byRegion[region];
      if (o?.ok && o.value !== undefined && o.value !== 'ENABLED') {
        problems.push(`${table} in ${region}: PITR ${o.value}`);
      }
    }
  }
  if (problems.length === 0 && unread.length > 0)
    return result(name, 'unknown', null, 'ENABLED', list(unread));
  return problems.length === 0
    ? result(name, true, 'ENABLED', 'ENABLED', `PITR on for every table in ${regions.join(' and ')}`)
    : result(name, false, 'not ENABLED', 'ENABLED', list([...problems, ...unread]));
}

// ---- canaries -----------------------------------------------------------------------

/** A canary written in the active region appeared in the other within the timeout. */
export function evaluateCanary(
  name: 'dynamodb-canary' | 's3-canary',
  canary: Outcome<CanaryView>,
  timeoutMs: number,
): CheckResult {
  const what = name === 'dynamodb-canary' ? 'canary item' : 'canary object';
  if (!canary.ok) {
    return result(
      name,
      'unknown',
      null,
      timeoutMs,
      `${what}: ${canary.unreachable ? 'unreachable' : canary.error}`,
      {
        unit: 'ms',
      },
    );
  }
  const { ms, from, to, cleanup } = canary.value;
  const tail = cleanup ? `; cleanup failed: ${cleanup}` : '';
  if (ms === null || ms > timeoutMs) {
    return result(
      name,
      false,
      ms,
      timeoutMs,
      `${what} written in ${from} did not appear in ${to} within ${timeoutMs} ms${tail}`,
      { unit: 'ms', region: to },
    );
  }
  return result(
    name,
    true,
    ms,
    timeoutMs,
    `${what} written in ${from} read back in ${to} after ${ms} ms${tail}`,
    {
      unit: 'ms',
      region: to,
    },
  );
}

// ---- S3 -----------------------------------------------------------------------------

export interface ExpectedRule {
  readonly region: string;
  readonly sourceBucket: string;
  readonly destinationBucket: string;
}

/** For every source bucket, an Enabled rule to its counterpart in the other region. */
export function evaluateReplicationEnabled(
  rules: Readonly<Record<string, Outcome<readonly ReplicationRuleView[]>>>,
  expected: readonly ExpectedRule[],
): CheckResult {
  const name = 's3-replication-enabled';
  const problems: string[] = [];
  const unread: string[] = [];
  for (const want of expected) {
    const o = rules[want.sourceBucket];
    if (!o?.ok) {
      unread.push(...failures([[want.sourceBucket, o]]));
      continue;
    }
    const rule = o.value.find((r) => r.destinationBucket === want.destinationBucket);
    if (!rule) problems.push(`${want.sourceBucket}: no rule replicating to ${want.destinationBucket}`);
    else if (rule.status !== 'Enabled')
      problems.push(`${want.sourceBucket}: rule ${rule.id} is ${rule.status}`);
  }
  if (problems.length === 0 && unread.length > 0)
    return result(name, 'unknown', null, 'Enabled', list(unread));
  return problems.length === 0
    ? result(
        name,
        true,
        'Enabled',
        'Enabled',
        `${expected.length} replication rules enabled (both directions)`,
      )
    : result(name, false, 'not Enabled', 'Enabled', list([...problems, ...unread]));
}

/**
 * `OperationsPendingReplication` per rule, the worst one observed. No datapoint counts as
 * nothing pending (S3 reports the metric while there is replication traffic); the S3
 * canary proves separately that replication moves at all.
 */
export function evaluatePendingOperations(
  pending: Readonly<Record<string, Outcome<Datapoint | undefined>>>,
  limit: number,
): CheckResult {
  const name = 's3-pending-operations';
  const broken = failures(Object.entries(pending));
  if (broken.length > 0) return result(name, 'unknown', null, limit, list(broken), { unit: 'operations' });
  const values = Object.entries(pending).map(([rule, o]) => ({
    rule,
    value: (o as { value: Datapoint | undefined }).value?.value ?? 0,
  }));
  if (values.length === 0) {
    return result(name, false, null, limit, 'no replication rule to measure', { unit: 'operations' });
  }
  const worst = values.sort((a, b) => b.value - a.value)[0] as { rule: string; value: number };
  const ok = worst.value <= limit;
  return result(
    name,
    ok,
    worst.value,
    limit,
    ok
      ? `at most ${worst.value} operations pending (${worst.rule})`
      : `${worst.value} operations pending on ${worst.rule}: over the limit of ${limit}`,
    { unit: 'operations' },
  );
}

// ---- Lambda -------------------------------------------------------------------------

/** Every function's `CodeSha256` is the same in every region. */
export function evaluateCodeEqual(
  functions: Readonly<Record<string, ByRegion<string | undefined>>>,
  regions: readonly string[],
): CheckResult {
  const name = 'lambda-code-equal';
  const problems: string[] = [];
  const unread: string[] = [];
  for (const [fn, byRegion] of Object.entries(functions)) {
    const broken = failures(regions.map((r) => [`${fn} in ${r}`, byRegion[r]] as const));
    if (broken.length > 0) {
      unread.push(...broken);
      continue;
    }
    const hashes = regions.map((r) => (byRegion[r] as { value: string | undefined }).value);
    if (hashes.some((h) => !h))
      problems.push(`${fn}: missing in ${regions.filter((_, i) => !hashes[i]).join(', ')}`);
    else if (new Set(hashes).size > 1) {
      problems.push(`${fn}: ${regions.map((r, i) => `${r} ${String(hashes[i]).slice(0, 12)}…`).join(' ≠ ')}`);
    }
  }
  const count = Object.keys(functions).length;
  if (problems.length === 0 && unread.length > 0) return result(name, 'unknown', null, 'equal', list(unread));
  return problems.length === 0
    ? result(name, true, 'equal', 'equal', `${count} functions, same CodeSha256 in ${regions.join(' and ')}`)
    : result(name, false, 'differs', 'equal', list([...problems, ...unread]));
}

// ---- SSM ----------------------------------------------------------------------------

/**
 * Every parameter outside the region-specific prefix exists in every region with the same
 * value (this includes `active-region` and `epoch`: a region that missed a failover
 * while dark has stale copies). Values are never echoed: they may be secrets.
 */
export function evaluateParametersEqual(
  parameters: ByRegion<Readonly<Record<string, string>>>,
  regions: readonly string[],
  regionalPrefix: string,
): CheckResult {
  const name = 'ssm-parameters-equal';
  const broken = failures(regions.map((r) => [r, parameters[r]] as const));
  if (broken.length > 0) return result(name, 'unknown', null, 'equal', list(broken));
  const views = regions.map((r) => (parameters[r] as { value: Readonly<Record<string, string>> }).value);
  const regional = `${regionalPrefix}/`;
  const names = [...new Set(views.flatMap((v) => Object.keys(v)))]
    .filter((n) => !n.startsWith(regional))
    .sort();
  const problems: string[] = [];
  for (const param of names) {
    const values = views.map((v) => v[param]);
    const missing = regions.filter((_, i) => values[i] === undefined);
    if (missing.length > 0) problems.push(`${param} missing in ${missing.join(', ')}`);
    else if (new Set(values).size > 1) problems.push(`${param} differs between ${regions.join(' and ')}`);
  }
  if (names.length === 0) return result(name, false, 0, 'equal', 'no shared parameters found');
  return problems.length === 0
    ? result(
        name,
        true,
        names.length,
        'equal',
        `${names.length} parameters equal (region-specific ones under ${regionalPrefix} excluded)`,
      )
    : result(name, false, problems.length, 'equal', list(problems));
}

// ---- alarms -------------------------------------------------------------------------

export interface RawAlarm {
  readonly AlarmName?: string;
  readonly Namespace?: string;
  readonly MetricName?: string;
  readonly Statistic?: string;
  readonly ExtendedStatistic?: string;
  readonly Period?: number;
  readonly EvaluationPeriods?: number;
  readonly DatapointsToAlarm?: number;
  readonly Threshold?: number;
  readonly ComparisonOperator?: string;
  readonly TreatMissingData?: string;
  readonly Unit?: string;
  readonly ActionsEnabled?: boolean;
  readonly AlarmActions?: readonly string[];
  readonly OKActions?: readonly string[];
  readonly Dimensions?: ReadonlyArray<{ readonly Name?: string; readonly Value?: string }>;
}

/**
 * What an alarm watches and when it fires, comparable across regions: the region's name
 * prefix is cut from its name and from dimension values (a cluster or function name);
 * actions are counted, not compared (their ARNs are regional).
 */
export function normalizeAlarm(alarm: RawAlarm, regionalNamePrefix: string): AlarmDefinition {
  const strip = (value: string | undefined) =>
    value?.startsWith(regionalNamePrefix) ? `<region>-${value.slice(regionalNamePrefix.length)}` : value;
  const dimensions = [...(alarm.Dimensions ?? [])]
    .map((d) => `${d.Name}=${strip(d.Value)}`)
    .sort()
    .join(',');
  return {
    key: (strip(alarm.AlarmName) ?? '').replace(/^<region>-/, ''),
    definition: {
      namespace: alarm.Namespace,
      metric: alarm.MetricName,
      dimensions,
      statistic: alarm.Statistic ?? alarm.ExtendedStatistic,
      period: alarm.Period,
      evaluationPeriods: alarm.EvaluationPeriods,
      datapointsToAlarm: alarm.DatapointsToAlarm,
      threshold: alarm.Threshold,
      comparison: alarm.ComparisonOperator,
      treatMissingData: alarm.TreatMissingData,
      unit: alarm.Unit,
      actionsEnabled: alarm.ActionsEnabled,
      alarmActions: alarm.AlarmActions?.length ?? 0,
      okActions: alarm.OKActions?.length ?? 0,
    },
  };
}

/** The same alarms (by key) with the same definitions in every region. */
export function evaluateAlarmsEqual(
  alarms: ByRegion<readonly AlarmDefinition[]>,
  regions: readonly string[],
): CheckResult {
  const name = 'alarm-definitions-equal';
  const broken = failures(regions.map((r) => [r, alarms[r]] as const));
  if (broken.length > 0) return result(name, 'unknown', null, 'equal', list(broken));
  const views = regions.map(
    (r) =>
      new Map((alarms[r] as { value: readonly AlarmDefinition[] }).value.map((a) => [a.key, a.definition])),
  );
  const keys = [...new Set(views.flatMap((v) => [...v.keys()]))].sort();
  const problems: string[] = [];
  for (const key of keys) {
    const defs = views.map((v) => v.get(key));
    const missing = regions.filter((_, i) => !defs[i]);
    if (missing.length > 0) {
      problems.push(`${key} missing in ${missing.join(', ')}`);
      continue;
    }
    const [first, ...rest] = defs as Array<Readonly<Record<string, unknown>>>;
    const fields = Object.keys(first ?? {}).filter((f) => rest.some((d) => d[f] !== first?.[f]));
    if (fields.length > 0) {
      problems.push(
        `${key}: ${fields.map((f) => `${f} ${regions.map((_, i) => String(defs[i]?.[f])).join(' ≠ ')}`).join(', ')}`,
      );
    }
  }
  if (keys.length === 0) return result(name, false, 0, 'equal', 'no alarms found');
  return problems.length === 0
    ? result(
        name,
        true,
        keys.length,
        'equal',
        `${keys.length} alarms defined alike in ${regions.join(' and ')}`,
      )
    : result(name, false, problems.length, 'equal', list(problems));
}

// ---- fencing ------------------------------------------------------------------------

/** Lambda mapping states that can still hand messages to the function. */
export function mappingConsumes(state: string): boolean {
  return state !== 'Disabled';
}

/**
 * The split-brain guard: exactly one region's trade-processor mapping consumes orders,
 * and it is the active region's.
 */
export function evaluateMappingGuard(
  mappings: ByRegion<readonly MappingView[]>,
  regions: readonly string[],
  activeRegion: string,
): CheckResult {
  const name = 'event-source-mapping-guard';
  const limit = `enabled only in ${activeRegion}`;
  const broken = failures(regions.map((r) => [r, mappings[r]] as const));
  if (broken.length > 0) return result(name, 'unknown', null, limit, list(broken));
  const states = regions.map((region) => {
    const found = (mappings[region] as { value: readonly MappingView[] }).value;
    return { region, found, enabled: found.some((m) => mappingConsumes(m.state)) };
  });
  const observed = states
    .map((s) => `${s.region} ${s.found.length === 0 ? 'none' : s.found.map((m) => m.state).join('/')}`)
    .join(', ');
  const enabled = states.filter((s) => s.enabled).map((s) => s.region);
  const missing = states.filter((s) => s.found.length === 0).map((s) => s.region);
  if (missing.length > 0) {
    return result(
      name,
      false,
      observed,
      limit,
      `no trade-processor event source mapping in ${missing.join(', ')}`,
    );
  }
  if (enabled.length > 1) {
    return result(name, false, observed, limit, `split brain: mappings enabled in ${enabled.join(' and ')}`);
  }
  if (enabled.length === 0) {
    return result(
      name,
      false,
      observed,
      limit,
      `no region consumes orders: ${activeRegion}'s mapping is disabled`,
    );
  }
  if (enabled[0] !== activeRegion) {
    return result(
      name,
      false,
      observed,
      limit,
      `${enabled[0]} consumes orders but ${activeRegion} is active`,
    );
  }
  return result(name, true, observed, limit, `only ${activeRegion} (active) consumes orders`);
}

// ---- which region is active ---------------------------------------------------------

export interface ActiveRegion {
  readonly region: string;
  /** Where the answer came from. */
  readonly source: 'ssm' | 'fallback';
  readonly epoch?: number;
}

/**
 * The active region by SSM: the copy with the highest epoch wins (after an unplanned
 * failover the region that was dark still holds the old pair). Without any readable
 * copy: `fallback` (the configured primary).
 */
export function resolveActiveRegion(
  parameters: ByRegion<Readonly<Record<string, string>>>,
  names: { readonly activeRegion: string; readonly epoch: string },
  fallback: string,
): ActiveRegion {
  let best: ActiveRegion | undefined;
  for (const o of Object.values(parameters)) {
    if (!o.ok) continue;
    const region = o.value[names.activeRegion];
    const epoch = Number(o.value[names.epoch]);
    if (!region) continue;
    const e = Number.isFinite(epoch) ? epoch : -1;
    if (!best || e > (best.epoch ?? -1)) best = { region, source: 'ssm', epoch: e };
  }
  return best ?? { region: fallback, source: 'fallback' };
}
