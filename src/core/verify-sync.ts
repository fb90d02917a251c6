/**
 * `dr verify-sync`: the deploy gate. Runs the shared sync checks (./checks) against both
 * regions with the config's objectives as limits. Failed checks are a result, not an
 * exception (the CLI prints every one and exits 3; so does a check that could not be
 * evaluated, shown as unknown); a region that does not answer throws
 * `RegionUnreachableError` (exit 5), missing or expired credentials `CredentialsError`
 * (exit 6): nothing about sync can be said then.
 */
import type { AwsClients } from '../aws/clients.js';
import type { DrConfig } from '../config/schema.js';
import { Naming } from '../contract/naming.js';
import { runSyncChecks, type CheckResult, type SyncLimits } from './checks/index.js';
import { CheckFailedError, RegionUnreachableError, type Conclusion } from '../contract/errors.js';
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
  /** Checks that could not be evaluated (a read failed): not failed, but not proven either. */
  readonly unknown: number;
  readonly checks: CheckResult[];
  readonly ms: number;
}

/** A check failed: carries the whole result, so a caller (the failover gate) can show every check. */
export class SyncCheckFailedError extends CheckFailedError {
  constructor(readonly result: VerifySyncResult) {
    const failed = result.checks.filter((c) => c.status === 'fail');
    const unknown = result.checks.filter((c) => c.status === 'unknown');
    const names = (checks: CheckResult[]) => checks.map((c) => c.name).join(', ');
    super(
      failed.length > 0
        ? `${failed.length} of ${result.checks.length} sync checks failed (${names(failed)})${unknown.length > 0 ? ` and ${unknown.length} could not be evaluated (${names(unknown)})` : ''}: fix them and run \`dr verify-sync\` again`
        : `sync not proven: ${unknown.length} of ${result.checks.length} sync checks could not be evaluated (${names(unknown)}): each check's detail names the read that could not be made; fix it and run \`dr verify-sync\` again`,
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
  const failed = run.checks.filter((c) => c.status === 'fail').length;
  const unknown = run.checks.filter((c) => c.status === 'unknown').length;
  return {
    ok: run.ok,
    regions: config.regions,
    activeRegion: run.activeRegion.region,
    limits: run.limits,
    passed: run.checks.filter((c) => c.status === 'pass').length,
    failed,
    unknown,
    checks: run.checks,
    ms: run.ms,
  };
}

/**
 * Throws `SyncCheckFailedError` (exit 3) unless every check passed: the gate before a
 * failover. A check that could not be evaluated keeps the gate shut too.
 */
export function requireInSync(result: VerifySyncResult): VerifySyncResult {
  if (!result.ok) throw new SyncCheckFailedError(result);
  return result;
}

/**
 * How `dr verify-sync` ends. Not in sync is a result, not an exception: every check is
 * still shown, and the command ends 'check-failed' with `SyncCheckFailedError`'s line (a
 * check that could not be evaluated counts too); else 'ok'.
 */
export function concludeVerifySync(result: VerifySyncResult): Conclusion<VerifySyncResult> {
  if (result.ok) return { result, outcome: 'ok' };
  return { result, outcome: 'check-failed', notice: new SyncCheckFailedError(result).message };
}
