/**
 * The hourly readiness check: run the verify-sync checks (src/core/checks, injected as
 * `runChecks`), then, all three attempted even when one fails:
 * - publish `FailoverReadiness` (1 ready / 0 not) and one `FailoverReadinessCheck` datum
 *   per check (1 pass / 0 fail, dimension `Check`);
 * - put a `dr.readiness` event on the region's DR bus (forwarded to the other region);
 * - write the JSON report to the region's audit-log bucket.
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

/** The report the check writes and announces. */
export interface ReadinessReport extends ReadinessOutcome {
  readonly region: string;
  /** ISO 8601. */
  readonly checkedAt: string;
}

export interface ReadinessDeps {
  readonly region: string;
  readonly runChecks: () => Promise<ReadinessOutcome>;
  readonly publish: (metrics: readonly MetricDatum[]) => Promise<void>;
  /** Puts the `dr.readiness` event on the region's DR bus. */
  readonly announce?: (report: ReadinessReport) => Promise<void>;
  /** Writes the report to the region's audit-log bucket. */
  readonly record?: (report: ReadinessReport) => Promise<void>;
  readonly now?: () => Date;
}

/** Publishing, announcing or recording failed; the others were still attempted. */
export class ReadinessDeliveryError extends Error {
  override readonly name = 'ReadinessDeliveryError';
  constructor(
    readonly failures: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`readiness result not fully delivered: ${failures.join('; ')}`, options);
  }
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
  const report: ReadinessReport = {
    ...outcome,
    region: deps.region,
    checkedAt: (deps.now?.() ?? new Date()).toISOString(),
  };
  const deliveries: Array<[string, Promise<void>]> = [
    [
      'metrics',
      deps.publish([
        { name: READINESS_METRIC, value: outcome.ready ? 1 : 0, dimensions: { Region: deps.region } },
        ...(outcome.checks ?? []).map((c) => ({
          name: CHECK_METRIC,
          value: c.ok ? 1 : 0,
          dimensions: { Region: deps.region, Check: c.name },
        })),
      ]),
    ],
    ...(deps.announce ? [['event', deps.announce(report)] as [string, Promise<void>]] : []),
    ...(deps.record ? [['audit report', deps.record(report)] as [string, Promise<void>]] : []),
  ];
  const settled = await Promise.allSettled(deliveries.map(([, p]) => p));
  const failures = settled.flatMap((r, i) =>
    r.status === 'rejected'
      ? [`${deliveries[i]?.[0]}: ${(r.reason as Error)?.message ?? String(r.reason)}`]
      : [],
  );
  // A lost metric or report must not pass silently: the invocation fails and is retried.
  if (failures.length > 0) throw new ReadinessDeliveryError(failures);
  return outcome;
}
