/**
 * The sync checks `dr verify-sync` and the readiness-check Lambda share (one module, so
 * the two cannot drift). Every read is started at once; a read waits only for what it
 * needs (the S3 pending-operations metrics for the rule ids, the canaries for the
 * active region), then the pure evaluations in ./evaluate.ts decide.
 *
 * A region that does not answer is not a failed check: it is reported in `unreachable`
 * (the CLI exits 5, the Lambda reports "not ready"), and the checks that needed it say so.
 * Missing or expired credentials throw `CredentialsError` once every read has settled.
 */
import type { AwsClients } from '../../aws/clients.js';
import { Naming, type LambdaFunctionName } from '../../contract/naming.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { dynamoCanary, s3Canary } from './canary.js';
import {
  evaluateAlarmsEqual,
  evaluateCanary,
  evaluateCodeEqual,
  evaluateMappingGuard,
  evaluateMembersAvailable,
  evaluatePendingOperations,
  evaluatePitr,
  evaluateParametersEqual,
  evaluateReplicasActive,
  evaluateReplicationEnabled,
  evaluateReplicationLag,
  normalizeAlarm,
  resolveActiveRegion,
  type ActiveRegion,
  type CanaryView,
  type ExpectedRule,
} from './evaluate.js';
import { readLatest, type Datapoint } from './metrics.js';
import { settle, UnreachableRegions, valueOf, type Outcome, type Unreachable } from './outcome.js';
import { evaluatePermissions, readPermissions } from './permissions.js';
import {
  readAlarms,
  readCluster,
  readCodeSha,
  readGlobalCluster,
  readMappings,
  readParameters,
  readPitr,
  readReplicationLag,
  readReplicationRules,
  readTable,
} from './read.js';
import { limitsFromParameters, type CheckResult, type SyncLimits } from './types.js';

export * from './types.js';
export type { Unreachable } from './outcome.js';

/** Minutes of CloudWatch history a metric check looks at (AWS publishes these every minute). */
export const METRIC_WINDOW_MINUTES = 5;

export interface SyncCheckOptions {
  readonly clients: AwsClients;
  readonly naming: Naming;
  /**
   * What the checks hold observations against.
   * @default - the objectives the stacks wrote into the active region's shared SSM parameters
   */
  readonly limits?: SyncLimits;
  readonly reporter?: Reporter;
}

export interface SyncCheckRun {
  readonly checks: CheckResult[];
  readonly ok: boolean;
  readonly activeRegion: ActiveRegion;
  readonly limits: SyncLimits;
  /** Regions that did not answer (the checks needing them are unknown). */
  readonly unreachable: Unreachable[];
  readonly ms: number;
}

export async function runSyncChecks(options: SyncCheckOptions): Promise<SyncCheckRun> {
  const started = Date.now();
  const { clients, naming } = options;
  const reporter = options.reporter ?? silentReporter;
  const primary = naming.regionOf('primary');
  const secondary = naming.regionOf('secondary');
  const regions = [primary, secondary] as const;
  const other = (region: string) => (region === primary ? secondary : primary);
  const unreachable = new UnreachableRegions();
  const s = <T>(read: Promise<T>) => settle(read, unreachable);
  const perRegion = <T>(read: (region: string) => Promise<T>) =>
    Object.fromEntries(regions.map((r) => [r, s(read(r))])) as Record<string, Promise<Outcome<T>>>;
  const allOf = async <T>(byKey: Record<string, Promise<T>>) =>
    Object.fromEntries(await Promise.all(Object.entries(byKey).map(async ([k, p]) => [k, await p] as const)));

  const step = reporter.step(`Reading ${primary} and ${secondary}`);

  // ---- level 1: everything whose name comes from naming -------------------------------
  const parameters = perRegion((r) => readParameters(clients.ssm(r), naming.ssmPrefix()));
  const globalCluster = s(readGlobalCluster(clients.rds(primary), naming.globalCluster()));
  const clusters = perRegion((r) => readCluster(clients.rds(r), naming.dbCluster(r)));
  const lagWindow = METRIC_WINDOW_MINUTES * 60;
  const lag = perRegion((r) => readReplicationLag(clients.cloudwatch(r), naming.dbCluster(r), lagWindow));
  const tableNames = {
    [naming.sessionsTable()]: Naming.sessionsTableKey,
    [naming.leaseTable()]: Naming.leaseTableKey,
  };
  const tables = Object.fromEntries(
    Object.keys(tableNames).map((t) => [t, perRegion((r) => readTable(clients.dynamodb(r), t))]),
  );
  const pitr = Object.fromEntries(
    Object.keys(tableNames).map((t) => [t, perRegion((r) => readPitr(clients.dynamodb(r), t))]),
  );
  const purposes = ['config', 'audit-logs'] as const;
  const expectedRules: ExpectedRule[] = regions.flatMap((r) =>
    purposes.map((p) => ({
      region: r,
      sourceBucket: naming.bucket(r, p),
      destinationBucket: naming.bucket(other(r), p),
    })),
  );
  const rules = Object.fromEntries(
    expectedRules.map((e) => [e.sourceBucket, s(readReplicationRules(clients.s3(e.region), e.sourceBucket))]),
  );
  const functions = Object.fromEntries(
    Naming.functions.map((fn: LambdaFunctionName) => [
      fn,
      perRegion((r) => readCodeSha(clients.lambda(r), naming.lambda(r, fn))),
    ]),
  );
  const alarms = perRegion(async (r) =>
    (await readAlarms(clients.cloudwatch(r), naming.regional(r, ''))).map((a) =>
      normalizeAlarm(a, naming.regional(r, '')),
    ),
  );
  const mappings = perRegion((r) => readMappings(clients.lambda(r), naming.lambda(r, 'trade-processor')));
  // IAM policy simulation of every DR role's path calls (needs the regional parameters' ids).
  const permissions = s(
    allOf(parameters).then((read) =>
      readPermissions(
        clients,
        naming,
        Object.fromEntries(
          Object.entries(read).map(([r, o]) => [r, valueOf(o as Outcome<Record<string, string>>)]),
        ),
      ),
    ),
  );

  // ---- level 2: S3 pending operations per rule (needs the rule ids) --------------------
  // A bucket whose rules could not be read leaves its pending operations unknown.
  const unreadRules: Record<string, Outcome<never>> = {};
  const pending = Promise.all(
    expectedRules.map(async (e) => {
      const read = await rules[e.sourceBucket];
      if (read && !read.ok) unreadRules[`${e.sourceBucket} replication rules`] = read;
      const found = valueOf(read) ?? [];
      return found
        .filter((rule) => rule.destinationBucket === e.destinationBucket)
        .map((rule) => ({ ...e, rule }));
    }),
  ).then(async (found) => {
    const byRegion = regions.map((region) => found.flat().filter((f) => f.region === region));
    const out: Record<string, Outcome<Datapoint | undefined>> = { ...unreadRules };
    await Promise.all(
      byRegion.map(async (list) => {
        if (list.length === 0) return;
        const queries = list.map((f, i) => ({
          id: `pending${i}`,
          namespace: 'AWS/S3',
          metricName: 'OperationsPendingReplication',
          dimensions: {
            SourceBucket: f.sourceBucket,
            DestinationBucket: f.destinationBucket,
            RuleId: f.rule.id,
          },
          stat: 'Maximum' as const,
        }));
        const read = await s(readLatest(clients.cloudwatch(list[0]?.region ?? primary), queries, lagWindow));
        list.forEach((f, i) => {
          const label = `${f.sourceBucket} → ${f.destinationBucket} (${f.rule.id})`;
          out[label] = read.ok ? { ok: true, value: read.value[`pending${i}`] } : read;
        });
      }),
    );
    return out;
  });

  // ---- the canaries: from the active region to the other ------------------------------
  const resolved = (async () => {
    const params = await allOf(parameters);
    const active = resolveActiveRegion(
      params,
      { activeRegion: naming.ssmActiveRegion(), epoch: naming.ssmEpoch() },
      primary,
    );
    const shared = Object.fromEntries(
      Object.entries(valueOf(params[active.region]) ?? {}).flatMap(([name, value]) =>
        name.startsWith(`${naming.ssmSharedPrefix()}/`)
          ? [[name.slice(naming.ssmSharedPrefix().length + 1), value]]
          : [],
      ),
    );
    return { active, limits: options.limits ?? limitsFromParameters(shared) };
  })();
  const canaries = resolved.then(({ active, limits }) => {
    const from = regions.includes(active.region as (typeof regions)[number]) ? active.region : primary;
    const to = other(from);
    const timeoutMs = limits.canaryTimeoutSeconds * 1000;
    if (unreachable.credentials) {
      const skipped: Outcome<never> = {
        ok: false,
        error: 'skipped: no usable credentials',
        unreachable: false,
      };
      return [skipped, skipped] as [Outcome<CanaryView>, Outcome<CanaryView>];
    }
    const dark = [from, to].find((r) => unreachable.has(r));
    if (dark) {
      // Writing into a region that already failed to answer would only add timeouts.
      const skipped: Outcome<never> = {
        ok: false,
        error: `skipped: ${dark} unreachable`,
        unreachable: true,
        region: dark,
      };
      return [skipped, skipped] as [Outcome<CanaryView>, Outcome<CanaryView>];
    }
    return Promise.all([
      s(
        dynamoCanary({
          from: { region: from, dynamodb: clients.dynamodb(from) },
          to: { region: to, dynamodb: clients.dynamodb(to) },
          table: naming.sessionsTable(),
          keyAttribute: Naming.sessionsTableKey,
          ttlAttribute: Naming.ttlAttribute,
          timeoutMs,
        }),
      ),
      s(
        s3Canary({
          from: { region: from, s3: clients.s3(from), bucket: naming.bucket(from, 'config') },
          to: { region: to, s3: clients.s3(to), bucket: naming.bucket(to, 'config') },
          timeoutMs,
        }),
      ),
    ]);
  });

  const [
    params,
    global,
    clusterViews,
    lagPoints,
    tableViews,
    pitrViews,
    ruleViews,
    fnViews,
    alarmViews,
    mappingViews,
  ] = await Promise.all([
    allOf(parameters),
    globalCluster,
    allOf(clusters),
    allOf(lag),
    Promise.all(
      Object.entries(tables).map(async ([t, byRegion]) => [t, await allOf(byRegion)] as const),
    ).then(Object.fromEntries),
    Promise.all(Object.entries(pitr).map(async ([t, byRegion]) => [t, await allOf(byRegion)] as const)).then(
      Object.fromEntries,
    ),
    allOf(rules),
    Promise.all(
      Object.entries(functions).map(async ([f, byRegion]) => [f, await allOf(byRegion)] as const),
    ).then(Object.fromEntries),
    allOf(alarms),
    allOf(mappings),
  ]);
  step.update('canaries');
  const [pendingViews, { active, limits }, [dynamoResult, s3Result], permissionsView] = await Promise.all([
    pending,
    resolved,
    canaries,
    permissions,
  ]);
  // Missing or expired credentials: no check could be evaluated (CredentialsError, exit 6).
  unreachable.throwIfCredentials();

  const readers = valueOf(global)
    ?.members.filter((m) => !m.isWriter)
    .map((m) => m.region) ?? [other(active.region)];
  const timeoutMs = limits.canaryTimeoutSeconds * 1000;
  const checks: CheckResult[] = [
    evaluateReplicationLag(lagPoints, readers, limits.maxReplicationLagMs, METRIC_WINDOW_MINUTES),
    evaluateMembersAvailable(global, clusterViews, regions),
    evaluateReplicasActive(tableViews, regions),
    evaluatePitr(pitrViews, regions),
    evaluateCanary('dynamodb-canary', dynamoResult, timeoutMs),
    evaluateReplicationEnabled(ruleViews, expectedRules),
    evaluatePendingOperations(pendingViews, limits.maxS3PendingOperations),
    evaluateCanary('s3-canary', s3Result, timeoutMs),
    evaluateCodeEqual(fnViews, regions),
    evaluateParametersEqual(params, regions, naming.ssmRegionalPrefix()),
    evaluateAlarmsEqual(alarmViews, regions),
    evaluateMappingGuard(mappingViews, regions, active.region),
    evaluatePermissions(permissionsView),
  ];
  const failed = checks.filter((c) => c.status === 'fail').length;
  const unknown = checks.filter((c) => c.status === 'unknown').length;
  const down = unreachable.list();
  if (down.length > 0) step.fail(`${down.map((d) => d.region).join(', ')} unreachable`);
  else if (failed > 0) step.fail(`${failed} of ${checks.length} checks failed`);
  else if (unknown > 0) step.fail(`${unknown} of ${checks.length} checks could not be evaluated`);
  else step.succeed(`${checks.length} checks passed`);
  return {
    checks,
    ok: failed === 0 && unknown === 0 && down.length === 0,
    activeRegion: active,
    limits,
    unreachable: down,
    ms: Date.now() - started,
  };
}
