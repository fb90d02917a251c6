/**
 * `dr verify-sync`: the deploy gate. Runs the shared sync checks (./checks) against both
 * regions with the config's objectives as limits. Failed checks are a result, not an
 * exception (the CLI prints every one and exits 3); a region that does not answer throws
 * `RegionUnreachableError` (exit 5): nothing about sync can be said then.
 */
import type { AwsClients } from '../aws/clients.js';
import type { DrConfig } from '../config/schema.js';
import { Naming } from '../infra/naming.js';
import { runSyncChecks, type CheckResult, type SyncLimits } from './checks/index.js';
import { CheckFailedError, RegionUnreachableError } from './errors.js';
import type { Reporter } from './reporter.js';

export interface VerifySyncOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly reporter?: Reporter;
}

export interface VerifySyncResult {
  /** True when every check passed. */
  readonly ok: boolean;
  readonly regions: { readonly primary: string; readonly secondary: string };
  /** The region SSM names active (highest epoch wins); the canaries are written there. */
  readonly activeRegion: string;
  readonly limits: SyncLimits;
  readonly passed: number;
  readonly failed: number;
  readonly checks: CheckResult[];
  readonly ms: number;
}

/** A check failed: carries the whole result, so a caller (the failover gate) can show every check. */
export class SyncCheckFailedError extends CheckFailedError {
  constructor(readonly result: VerifySyncResult) {
    const failed = result.checks.filter((c) => !c.ok);
    super(
      `${failed.length} of ${result.checks.length} sync checks failed (${failed.map((c) => c.name).join(', ')}): fix them and run \`dr verify-sync\` again`,
    );
  }
}

export async function verifySync(options: VerifySyncOptions): Promise<VerifySyncResult> {
  const { config } = options;
  const run = await runSyncChecks({
    clients: options.clients,
    naming: new Naming(config),
    limits: {
      maxReplicationLagMs: config.objectives.maxReplicationLagMs,
      maxS3PendingOperations: config.objectives.maxS3PendingOperations,
      canaryTimeoutSeconds: config.objectives.canaryTimeoutSeconds,
    },
    ...(options.reporter ? { reporter: options.reporter } : {}),
  });
  const [down, ...more] = run.unreachable;
  if (down) {
    const also = more.length > 0 ? ` (also ${more.map((d) => d.region).join(', ')})` : '';
    throw new RegionUnreachableError(`${down.message}${also}; sync cannot be verified`, down.region);
  }
  const failed = run.checks.filter((c) => !c.ok).length;
  return {
    ok: run.ok,
    regions: config.regions,
    activeRegion: run.activeRegion.region,
    limits: run.limits,
    passed: run.checks.length - failed,
    failed,
    checks: run.checks,
    ms: run.ms,
  };
}

/** Throws `SyncCheckFailedError` (exit 3) unless every check passed: the gate before a failover. */
export function requireInSync(result: VerifySyncResult): VerifySyncResult {
  if (!result.ok) throw new SyncCheckFailedError(result);
  return result;
}
