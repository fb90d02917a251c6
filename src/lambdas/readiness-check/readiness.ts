/**
 * The hourly readiness check: run the verify-sync checks, publish `FailoverReadiness`
 * (1 ready / 0 not). MINIMAL ON PURPOSE: the checks themselves are `dr verify-sync`'s,
 * being built in src/core by another session; the next step injects them as the
 * `runChecks` dependency and adds one metric per check, the EventBridge event and the
 * audit-log report. Nothing here re-implements a check.
 */
export interface ReadinessOutcome {
  readonly ready: boolean;
  /** Why not ready, when known. */
  readonly reasons?: readonly string[];
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
  ]);
  return outcome;
}
