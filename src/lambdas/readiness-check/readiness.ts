/**
 * The hourly readiness check: run the verify-sync checks (src/core/checks, injected as
 * `runChecks`), publish `FailoverReadiness` (1 ready / 0 not) and one
 * `FailoverReadinessCheck` datum per check (1 pass / 0 fail, dimension `Check`).
 * Nothing here re-implements a check.
 */
import type { CheckResult, SyncCheckRun } from '../../core/checks/index.js';

export interface ReadinessOutcome {
  readonly ready: boolean;
  /** Why not ready, when known. */
  readonly reasons?: readonly string[];
  /** Every check's result, when the checks ran. */
  readonly checks?: readonly CheckResult[];
}

export interface MetricDatum {
  readonly name: string;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

export interface ReadinessDeps {
  readonly region: string;
  readonly runChecks: () => Promise<ReadinessOutcome>;
  readonly publish: (metrics: readonly MetricDatum[]) => Promise<void>;
}

export const READINESS_METRIC = 'FailoverReadiness';
export const CHECK_METRIC = 'FailoverReadinessCheck';

/** A check run as a readiness outcome: ready only when every check passed and both regions answered. */
export function outcomeFromRun(run: SyncCheckRun): ReadinessOutcome {
  const reasons = [
    ...run.unreachable.map((u) => u.message),
    ...run.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`),
  ];
  return { ready: run.ok, ...(reasons.length > 0 ? { reasons } : {}), checks: run.checks };
}

export async function checkReadiness(deps: ReadinessDeps): Promise<ReadinessOutcome> {
  let outcome: ReadinessOutcome;
  try {
    outcome = await deps.runChecks();
  } catch (error) {
    // A check run that cannot finish has not proven readiness.
    outcome = { ready: false, reasons: [`the checks did not complete: ${(error as Error).message}`] };
  }
  await deps.publish([
    { name: READINESS_METRIC, value: outcome.ready ? 1 : 0, dimensions: { Region: deps.region } },
    ...(outcome.checks ?? []).map((c) => ({
      name: CHECK_METRIC,
      value: c.ok ? 1 : 0,
      dimensions: { Region: deps.region, Check: c.name },
    })),
  ]);
  return outcome;
}
