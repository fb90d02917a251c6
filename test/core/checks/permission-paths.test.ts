/**
 * The list of calls each DR actor makes (src/core/checks/permission-paths.ts) does not
 * drift from the code that makes them:
 * - the state machines: every Task of the failover and failback definitions is a listed
 *   call of that region's state-machine role, and every listed call (but the implicit ones
 *   a service makes for it: KMS, the Data API's secret read) is a Task;
 * - the operator: the calls a traced CLI makes on the deployed sandbox during an unplanned
 *   failover, a failback (fencing the returned region, real verify-sync gate), a planned
 *   failover and `dr status` are all listed for the operator, in the region it made them;
 * - the failover watchdog: the calls its Lambda's code (runWatchdog, watchdogEffects) makes
 *   when it starts a failover and when it asks for approval are listed for its role.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CallTrace, traceClients } from '../../../src/core/call-trace.js';
import {
  requiredCalls,
  type PathTargets,
  type RequiredCall,
} from '../../../src/core/checks/permission-paths.js';
import { operate } from '../../../src/core/failover/operate.js';
import { collectStatus } from '../../../src/core/status.js';
import { requireInSync, verifySync } from '../../../src/core/verify-sync.js';
import { drDefinition } from '../../../src/infra/constructs/regional/state-machine-definition.js';
import { runWatchdog, watchdogEffects } from '../../../src/core/failover/watchdog.js';
import {
  configureEmulator,
  restoreRegion,
  setHealthCheckStatus,
  setOutage,
} from '../../../src/sandbox/emulator.js';
import { sandboxHealthProbe } from '../../../src/sandbox/watchdog.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import {
  config,
  naming,
  platformState,
  primary,
  secondary,
  setAutoFailover,
  unplannedFailover,
} from '../failover/helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);

const REGIONS = [primary, secondary];
/** Placeholder ids: the list's actions and roles do not depend on them. */
const targets: PathTargets = {
  partition: 'aws',
  accountId: '123456789012',
  regions: REGIONS.map((region) => ({
    region,
    kmsKeyArn: `arn:aws:kms:${region}:123456789012:key/k`,
    eventSourceMappingUuid: 'u',
    fenceSecretArn: `arn:aws:secretsmanager:${region}:123456789012:secret:f`,
    appSecretArn: `arn:aws:secretsmanager:${region}:123456789012:secret:a`,
  })),
};
const listed = requiredCalls(naming, targets);

/** `arn:aws:states:::aws-sdk:rdsdata:executeStatement` → `rds-data:ExecuteStatement`. */
function taskAction(resource: string): string {
  // `...:::aws-sdk:<service>:<action>` and the optimized `...:::<service>:<action>` alike
  const [service, action] = resource.split(':').slice(-2);
  const prefix =
    ({ rdsdata: 'rds-data', eventbridge: 'events' } as Record<string, string>)[service ?? ''] ?? service;
  return `${prefix}:${(action ?? '').charAt(0).toUpperCase()}${(action ?? '').slice(1)}`;
}

/** Every Task resource of a definition, nested states included. */
function taskResources(states: Record<string, unknown>): string[] {
  return Object.values(states).flatMap((state) => {
    const s = state as {
      Type?: string;
      Resource?: string;
      Branches?: Array<{ States: Record<string, unknown> }>;
    };
    return [
      ...(s.Type === 'Task' && s.Resource ? [s.Resource] : []),
      ...(s.Branches ?? []).flatMap((b) => taskResources(b.States)),
    ];
  });
}

/** What a service calls with the caller's permissions (no Task of its own). */
const implicit = (action: string) => action.startsWith('kms:') || action === 'secretsmanager:GetSecretValue';

/** SDK client (src/aws/apis.ts) and operation → IAM action; undefined when no permission is needed. */
function iamAction(service: string, operation: string): string | undefined {
  const prefix: Record<string, string> = {
    sfn: 'states',
    eventbridge: 'events',
    rdsData: 'rds-data',
    secretsManager: 'secretsmanager',
    apiGateway: 'apigateway',
  };
  const special: Record<string, string | undefined> = {
    'sts getCallerIdentity': undefined, // needs no permission
    's3 headObject': 's3:GetObject',
    's3 deleteObject': 's3:DeleteObjectVersion', // the canary deletes exact versions
    's3 getBucketReplication': 's3:GetReplicationConfiguration',
  };
  const key = `${service} ${operation}`;
  if (key in special) return special[key];
  return `${prefix[service] ?? service}:${operation.charAt(0).toUpperCase()}${operation.slice(1)}`;
}

/** Each traced call as `<region> <IAM action>`, once; calls needing no permission left out. */
function madeCalls(trace: CallTrace): string[] {
  return [
    ...new Set(
      trace.calls.flatMap((c) => {
        const action = iamAction(c.service, c.operation);
        return action ? [`${c.region} ${action}`] : [];
      }),
    ),
  ].sort();
}

const has = (calls: readonly RequiredCall[], role: string, region: string, action: string) =>
  calls.some((c) => c.role === role && c.context['aws:RequestedRegion'] === region && c.action === action);

describe('permission paths: the list is the calls the code makes', () => {
  for (const region of REGIONS) {
    for (const kind of ['failover', 'failback'] as const) {
      it(`the ${kind} machine in ${region}: its Tasks are the state-machine role's listed calls`, () => {
        // Given the definition as the stack renders it
        const definition = drDefinition({
          kind,
          region,
          role: region === primary ? 'primary' : 'secondary',
          primaryRegion: primary,
          secondaryRegion: secondary,
          parametersKeyId: targets.regions[0]?.kmsKeyArn ?? '',
        });
        const tasks = new Set(taskResources(definition.States as Record<string, unknown>).map(taskAction));
        const role = naming.role('dr-state-machines', region);
        const roleCalls = listed.filter((c) => c.actor === 'state-machine' && c.role === role);

        // Then every Task is listed, in the machine's own region
        const missing = [...tasks].filter((a) => !has(roleCalls, role, region, a));
        assert.deepEqual(missing, [], `Tasks not in permission-paths.ts: ${missing.join(', ')}`);
        // And every explicit listed call is a Task of the failover or failback machine
        const all = new Set(
          (['failover', 'failback'] as const).flatMap((k) =>
            taskResources(
              drDefinition({
                kind: k,
                region,
                role: region === primary ? 'primary' : 'secondary',
                primaryRegion: primary,
                secondaryRegion: secondary,
                parametersKeyId: 'k',
              }).States as Record<string, unknown>,
            ).map(taskAction),
          ),
        );
        const stale = roleCalls.map((c) => c.action).filter((a) => !implicit(a) && !all.has(a));
        assert.deepEqual(stale, [], `listed but no Task calls it: ${stale.join(', ')}`);
      });
    }
  }

  it('the operator: every call of a traced failover, failback and status is listed, in its region', async () => {
    // Given the CLI's clients, traced, and a platform whose secondary reports its lag
    const trace = new CallTrace();
    const traced = traceClients(clients, trace);
    await configureEmulator(endpoint, { replicationLagMs: 20 });
    const gate = async () => {
      requireInSync(await verifySync({ clients: traced, config }));
    };

    // When an unplanned failover runs, us-east-1 comes back, failback fences it and switches back,
    // a planned failover follows and status looks
    await unplannedFailover(traced, endpoint);
    await restoreRegion(endpoint, primary);
    const common = { clients: traced, config, mode: 'planned' as const, dryRun: false, gate, pollMs: 100 };
    const back = await operate({
      ...common,
      operation: 'failback',
      to: primary,
      syncTimeoutMs: 30_000,
      syncPollMs: 250,
    });
    assert.equal(back.kind === 'done' && back.result.outcome, 'succeeded', JSON.stringify(back));
    const planned = await operate({ ...common, operation: 'failover', to: secondary });
    assert.equal(planned.kind === 'done' && planned.result.outcome, 'succeeded', JSON.stringify(planned));
    assert.equal((await platformState(clients)).writer, secondary);
    await collectStatus({ clients: traced, config });

    // Then each call made is listed for the operator (or needs no permission)
    const role = naming.role('operator');
    const made = madeCalls(trace);
    assert.ok(made.length > 20, `only ${made.length} distinct calls traced`);
    const missing = made.filter((m) => {
      const [region = '', action = ''] = m.split(' ');
      return !has(listed, role, region, action);
    });
    // status's Route 53 reads scoped to ids Route 53 assigns are left out of the list by decision
    const excluded = new Set([
      'us-east-1 route53:GetHealthCheckStatus',
      'us-east-1 route53:ListResourceRecordSets',
    ]);
    assert.deepEqual(
      missing.filter((m) => !excluded.has(m)),
      [],
      `calls made but not in permission-paths.ts: ${missing.join(', ')}`,
    );
  });

  it('the failover watchdog: the calls it makes to start a failover and to ask for approval are listed', async () => {
    // Given the watchdog's code in us-east-2 with traced clients (its probe, sandbox-only, untraced)
    const trace = new CallTrace();
    const traced = traceClients(clients, trace);
    const threshold = config.dns.healthCheck.failureThreshold;
    const watch = () =>
      runWatchdog({
        effects: watchdogEffects({
          clients: traced,
          config,
          region: secondary,
          probe: sandboxHealthProbe({ clients, config, watched: primary }),
        }),
        region: secondary,
        watched: primary,
        probes: threshold,
        probeIntervalMs: 0,
        requiredFailures: threshold,
      });
    const fqdn = naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, primary);
    const checks = (await clients.route53(primary).listHealthChecks({})).HealthChecks ?? [];
    const checkId = checks.find((c) => c.HealthCheckConfig?.FullyQualifiedDomainName === fqdn)?.Id ?? '';

    // When it asks for approval (the deployed default) while us-east-1 is out
    await setOutage(endpoint, primary, 'refuse');
    assert.equal((await watch()).decision.action, 'request-approval');
    await restoreRegion(endpoint, primary);
    // And, with auto-failover on and the primary's health check failing, starts the failover
    await setAutoFailover(clients, 'on');
    await setHealthCheckStatus(endpoint, checkId, 'Failure');
    const fired = await watch();
    assert.equal(fired.decision.action, 'failover', fired.decision.reason);

    // Then every call it made is listed for its role, in its own region
    const role = naming.role('failover-watchdog-exec', secondary);
    const made = madeCalls(trace);
    assert.ok(
      made.includes(`${secondary} sns:Publish`) && made.includes(`${secondary} states:StartExecution`),
    );
    const missing = made.filter((m) => {
      const [region = '', action = ''] = m.split(' ');
      return !has(listed, role, region, action);
    });
    assert.deepEqual(missing, [], `calls made but not in permission-paths.ts: ${missing.join(', ')}`);
  });
});
