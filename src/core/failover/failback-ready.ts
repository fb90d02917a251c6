/**
 * Before a failback switches over: the old primary must be back in the global cluster as
 * a secondary, and `verify-sync` must pass. Both are waited for, together within one
 * bounded deadline, instead of gated once.
 *
 * What Aurora does to the old primary after FailoverGlobalCluster with AllowDataLoss: it
 * stays a member, not the writer, with `SynchronizationStatus: pending-resync` while its
 * region is unreachable; once the region is back Aurora snapshots it and re-syncs it as a
 * secondary of the new writer (`connected`). So the re-join is Aurora's own, and failback
 * waits for it. A cluster that was removed from the global cluster (detach-and-promote,
 * or by hand) cannot be re-added: Aurora only adds new, empty secondaries, and the
 * detached cluster may hold the writes the failover lost. Failback then stops and says
 * how to re-create it (`dr deploy` re-creates the member; snapshot first), never deletes
 * it itself.
 */
import type { AwsClients } from '../../aws/clients.js';
import { setTimeout as delay } from 'node:timers/promises';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { CheckFailedError } from '../../contract/errors.js';
import { silentReporter, type Reporter } from '../reporter.js';

export type MembershipState = 'writer' | 'connected' | 'pending-resync' | 'detached';

export interface Membership {
  readonly state: MembershipState;
  readonly cluster: string;
  readonly region: string;
  readonly globalCluster: string;
  readonly detail: string;
}

/**
 * How the global cluster sees `region`'s member cluster, read from `readFrom` (any region
 * that answers: the global cluster is visible from every member's region).
 */
export async function readMembership(options: {
  clients: AwsClients;
  config: DrConfig;
  region: string;
  readFrom: string;
}): Promise<Membership> {
  const { clients, config, region, readFrom } = options;
  const naming = new Naming(config);
  const cluster = naming.dbCluster(region);
  const globalCluster = naming.globalCluster();
  const base = { cluster, region, globalCluster };
  // Only `readFrom` is asked: the member is known by its ARN's `:<region>:…:cluster:<id>`.
  const globals = await clients
    .rds(readFrom)
    .describeGlobalClusters({ GlobalClusterIdentifier: globalCluster });
  const member = (globals.GlobalClusters?.[0]?.GlobalClusterMembers ?? []).find(
    (m) => m.DBClusterArn?.endsWith(`:cluster:${cluster}`) && m.DBClusterArn.includes(`:${region}:`),
  );
  if (!member) {
    return {
      ...base,
      state: 'detached',
      detail: `${cluster} (${region}) is not a member of the global cluster ${globalCluster}`,
    };
  }
  if (member.IsWriter) return { ...base, state: 'writer', detail: `${cluster} is the writer` };
  if (member.SynchronizationStatus === 'pending-resync') {
    return {
      ...base,
      state: 'pending-resync',
      detail: `${cluster} (${region}) is pending-resync: Aurora re-joins it as a secondary once it catches up`,
    };
  }
  return { ...base, state: 'connected', detail: `${cluster} (${region}) is a connected secondary` };
}

export class DetachedClusterError extends CheckFailedError {
  constructor(readonly membership: Membership) {
    super(
      `${membership.detail}: Aurora cannot re-add a cluster that holds data. Snapshot it (it may hold writes the failover lost), delete it, run \`dr deploy\` to re-create it as a secondary, then run \`dr failback\` again`,
    );
  }
}

export interface FailbackReadyOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  /** verify-sync; throws `CheckFailedError` naming the failed checks while not in sync. */
  readonly gate: () => Promise<void>;
  /** Both waits together. @default 30 min (re-syncing a large cluster takes a while) */
  readonly timeoutMs?: number;
  /** @default 15 s */
  readonly pollMs?: number;
  readonly reporter?: Reporter;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const FAILBACK_SYNC_TIMEOUT_MS = 30 * 60_000;

/**
 * Waits until the old primary (the configured primary) is a connected secondary, then
 * until `gate` passes; throws `CheckFailedError` at the deadline naming what still fails,
 * or at once for a detached cluster.
 */
export async function awaitFailbackReady(options: FailbackReadyOptions): Promise<void> {
  const { clients, config } = options;
  const reporter = options.reporter ?? silentReporter;
  const timeoutMs = options.timeoutMs ?? FAILBACK_SYNC_TIMEOUT_MS;
  const pollMs = options.pollMs ?? 15_000;
  const sleep = options.sleep ?? delay;
  const started = Date.now();
  const deadline = started + timeoutMs;
  const waited = () => `${Math.round((Date.now() - started) / 1000)} s`;
  const { primary, secondary } = config.regions;

  const rejoin = reporter.step(`Re-join ${new Naming(config).dbCluster(primary)} as a secondary`);
  for (;;) {
    const membership = await readMembership({ clients, config, region: primary, readFrom: secondary });
    if (membership.state === 'detached') {
      rejoin.fail(membership.detail);
      throw new DetachedClusterError(membership);
    }
    if (membership.state === 'connected' || membership.state === 'writer') {
      rejoin.succeed(membership.detail);
      break;
    }
    if (Date.now() + pollMs > deadline) {
      rejoin.fail(membership.detail);
      throw new CheckFailedError(
        `not ready to fail back after ${waited()}: ${membership.detail}; run \`dr failback\` again later, or raise --sync-timeout`,
      );
    }
    rejoin.update(`Re-join: ${membership.detail} (${waited()})`);
    await sleep(pollMs);
  }

  const sync = reporter.step('Gate: verify-sync (until it passes)');
  for (;;) {
    try {
      await options.gate();
      sync.succeed(`in sync after ${waited()}`);
      return;
    } catch (error) {
      if (!(error instanceof CheckFailedError)) {
        sync.fail((error as Error).message);
        throw error;
      }
      if (Date.now() + pollMs > deadline) {
        sync.fail(error.message);
        throw new CheckFailedError(
          `not in sync after ${waited()} (limit ${Math.round(timeoutMs / 1000)} s): ${error.message}`,
          { cause: error },
        );
      }
      sync.update(`Gate: verify-sync: ${error.message} (${waited()}, retrying)`);
      await sleep(pollMs);
    }
  }
}
