/**
 * The `iam-permissions` sync check: may every DR role make every call of its failover and
 * failback paths? (What ARC Region switch's plan evaluation does.) The calls come from
 * ./permission-paths.ts; IAM answers by policy simulation (`iam:SimulatePrincipalPolicy`
 * with the role's ARN, the actions, the resources and the request context each call
 * carries), so a missing grant fails `dr verify-sync` and the readiness check, not a game day.
 *
 * The ids naming cannot know come from where the platform keeps them: the account and
 * partition from STS, each region's key from its readiness function's `KMSKeyArn`, the
 * event source mapping and the secrets from the regional SSM parameters the checks read.
 *
 * Calls with the same role, resources and context are simulated together (the simulator
 * crosses every action with every resource, so only those may share a request); a few at
 * a time, because IAM throttles. IAM is homed in us-east-1: when it does not answer, the
 * check is unknown and us-east-1 unreachable, like any other read.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { Naming } from '../../contract/naming.js';
import type { Outcome } from './outcome.js';
import {
  GLOBAL_SERVICE_REGION,
  requiredCalls,
  roleArn,
  type Actor,
  type PathTargets,
  type RegionTargets,
  type RequiredCall,
} from './permission-paths.js';
import type { CheckResult } from './types.js';

/** A call IAM would refuse. */
export interface PermissionGap {
  readonly actor: Actor;
  readonly role: string;
  readonly action: string;
  readonly resource: string;
  /** `implicitDeny` (no statement allows it) or `explicitDeny`. */
  readonly decision: string;
  readonly by: string;
}

export interface PermissionsView {
  /** Action × resource pairs simulated. */
  readonly simulated: number;
  readonly gaps: readonly PermissionGap[];
}

/** Simulation requests in flight at once (IAM's request rate is low). */
const CONCURRENCY = 4;

/** Context keys whose value is a list (IAM's `stringList` type). */
const LIST_KEYS = new Set(['dynamodb:leadingkeys']);

/** `arn:aws:sts::123456789012:assumed-role/x/y` → partition and account. */
function accountOf(arn: string | undefined): Pick<PathTargets, 'partition' | 'accountId'> {
  const [, partition, , , accountId] = (arn ?? '').split(':');
  if (!partition || !accountId) throw new Error(`cannot tell the account from the caller ARN ${arn}`);
  return { partition, accountId };
}

/**
 * The account's ids for the list: `parameters` is each region's SSM parameters (name →
 * value) as the sync checks read them. Throws naming what is missing.
 */
export async function readPathTargets(
  clients: AwsClients,
  naming: Naming,
  parameters: Readonly<Record<string, Readonly<Record<string, string>> | undefined>>,
): Promise<PathTargets> {
  const regions = [naming.regionOf('primary'), naming.regionOf('secondary')];
  const [identity, ...keys] = await Promise.all([
    clients.sts(GLOBAL_SERVICE_REGION).getCallerIdentity({}),
    ...regions.map(
      async (r) =>
        (await clients.lambda(r).getFunction({ FunctionName: naming.lambda(r, 'readiness-check') }))
          .Configuration?.KMSKeyArn,
    ),
  ]);
  const targets = regions.map((region, i): RegionTargets => {
    const values = parameters[region] ?? {};
    const need = (name: string, what: string) => {
      const value = values[name];
      if (!value) throw new Error(`${region}: ${what} unknown (SSM ${name} not found)`);
      return value;
    };
    const kmsKeyArn = keys[i];
    if (!kmsKeyArn)
      throw new Error(
        `${region}: key unknown (${naming.lambda(region, 'readiness-check')} has no KMSKeyArn)`,
      );
    return {
      region,
      kmsKeyArn,
      eventSourceMappingUuid: need(naming.ssmRegional('event-source-mapping-uuid'), 'event source mapping'),
      fenceSecretArn: need(naming.ssmDbFenceSecretArn(), 'fence secret'),
      appSecretArn: need(naming.ssmDbSecretArn(), 'application secret'),
    };
  });
  return { ...accountOf(identity.Arn), regions: targets };
}

/** Calls that may share one simulation request. */
export function groupCalls(calls: readonly RequiredCall[]): RequiredCall[][] {
  const groups = new Map<string, RequiredCall[]>();
  for (const call of calls) {
    const key = JSON.stringify([call.role, [...call.resources].sort(), Object.entries(call.context).sort()]);
    const group = groups.get(key) ?? [];
    group.push(call);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/** Runs `work` over `items`, `limit` at a time, in order. */
async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Simulates every call of the list; the gaps are the calls IAM would refuse. */
export async function simulateCalls(
  clients: AwsClients,
  targets: PathTargets,
  calls: readonly RequiredCall[],
): Promise<PermissionsView> {
  const iam = clients.iam(GLOBAL_SERVICE_REGION);
  const groups = groupCalls(calls);
  const answers = await pool(groups, CONCURRENCY, async (group) => {
    const first = group[0] as RequiredCall;
    const actions = [...new Set(group.map((c) => c.action))];
    const results = [];
    let marker: string | undefined;
    do {
      const page = await iam.simulatePrincipalPolicy({
        PolicySourceArn: roleArn(targets, first.role),
        ActionNames: actions,
        ResourceArns: [...first.resources],
        ContextEntries: Object.entries(first.context).map(([name, value]) => ({
          ContextKeyName: name,
          ContextKeyValues: [value],
          ContextKeyType: LIST_KEYS.has(name.toLowerCase()) ? 'stringList' : 'string',
        })),
        ...(marker ? { Marker: marker } : {}),
      });
      results.push(...(page.EvaluationResults ?? []));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    return { group, results };
  });
  const gaps: PermissionGap[] = [];
  let simulated = 0;
  for (const { group, results } of answers) {
    for (const r of results) {
      // With several resources IAM answers per resource (ResourceSpecificResults).
      const perResource = r.ResourceSpecificResults?.length
        ? r.ResourceSpecificResults.map((s) => ({
            resource: s.EvalResourceName,
            decision: s.EvalResourceDecision,
          }))
        : [{ resource: r.EvalResourceName, decision: r.EvalDecision }];
      for (const { resource, decision } of perResource) {
        simulated += 1;
        if (decision === 'allowed') continue;
        const call =
          group.find((c) => c.action.toLowerCase() === r.EvalActionName?.toLowerCase()) ?? group[0];
        gaps.push({
          actor: call?.actor ?? 'operator',
          role: call?.role ?? '',
          action: r.EvalActionName ?? '',
          resource: resource ?? '*',
          decision: decision ?? 'implicitDeny',
          by: call?.by ?? '',
        });
      }
    }
  }
  return { simulated, gaps: dedupe(gaps) };
}

function dedupe(gaps: readonly PermissionGap[]): PermissionGap[] {
  const seen = new Set<string>();
  return gaps.filter((g) => {
    const key = `${g.role} ${g.action} ${g.resource}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Reads the targets, builds the list and simulates it. */
export async function readPermissions(
  clients: AwsClients,
  naming: Naming,
  parameters: Readonly<Record<string, Readonly<Record<string, string>> | undefined>>,
): Promise<PermissionsView> {
  const targets = await readPathTargets(clients, naming, parameters);
  return simulateCalls(clients, targets, requiredCalls(naming, targets));
}

/** One line per gap: `role: action on resource (decision; by)`. */
export function describeGap(g: PermissionGap): string {
  return `${g.role}: ${g.action} on ${g.resource} (${g.decision}; ${g.by})`;
}

/** Pure: the check's verdict on a simulation (or on why none could be made). */
export function evaluatePermissions(view: Outcome<PermissionsView>): CheckResult {
  const name = 'iam-permissions';
  if (!view.ok) {
    return {
      name,
      ok: false,
      status: 'unknown',
      observed: null,
      limit: 0,
      detail: `the DR roles' permissions could not be simulated: ${view.unreachable ? 'unreachable' : view.error}`,
    };
  }
  const { gaps, simulated } = view.value;
  if (gaps.length === 0) {
    return {
      name,
      ok: true,
      status: 'pass',
      observed: 0,
      limit: 0,
      detail: `every DR role may make every call of its failover and failback paths (${simulated} simulated)`,
    };
  }
  return {
    name,
    ok: false,
    status: 'fail',
    observed: gaps.length,
    limit: 0,
    detail: `${gaps.length} of ${simulated} calls would be denied: ${gaps.map(describeGap).join('; ')}`,
  };
}
