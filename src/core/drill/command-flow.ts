/**
 * What `dr drill` does around the drill itself: which scenarios run, what the operator
 * confirms, and how a finished drill ends the command (its report written; interrupted,
 * stopped or missing an objective, each with its outcome and the one line that says so).
 * Core prints nothing: the command shows the report and the line.
 */
import type { DrConfig } from '../../config/schema.js';
import { InterruptedError, type Outcome } from '../../contract/errors.js';
import type { WrittenReport } from '../report/write.js';
import type { DrillReport, ScenarioName } from './model.js';

/** What `dr drill` returns (`--json` prints it). */
export type DrillResult =
  | { readonly kind: 'dry-run'; readonly scenarios: readonly ScenarioName[] }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'outage-restored'; readonly region: string | null }
  | {
      readonly kind: 'done';
      readonly report: DrillReport;
      readonly files: WrittenReport;
      /** True when this run started the sandbox (and stopped it again). */
      readonly startedSandbox: boolean;
    };

/** `--scenario`, or both: the planned switchover, then the region outage. */
export function drillScenarios(scenario: string | undefined): ScenarioName[] {
  return scenario ? [scenario as ScenarioName] : ['planned', 'region-outage'];
}

/** What the operator confirms: where the drill runs, and what an outage on AWS refuses meanwhile. */
export function drillQuestion(
  scenarios: readonly ScenarioName[],
  config: DrConfig,
  sandbox: boolean,
): string {
  const outage = scenarios.includes('region-outage') && !sandbox;
  return `drill ${scenarios.join(' + ')}${sandbox ? ' in the sandbox' : ' on AWS'}: fail over to ${config.regions.secondary} and back${outage ? `; the outage throttles ${config.regions.primary}'s order API to 0 (clients' orders there are refused) until the failover is done` : ''}`;
}

/** How a drill that wrote its report ends: its outcome and, when not ok, the line saying why. */
export interface DrillConclusion {
  readonly files: WrittenReport;
  readonly outcome: Outcome;
  readonly notice?: string;
}

/**
 * Writes the report to `reportDir` and says how the drill ends: interrupted
 * (`InterruptedError`, exit 130, with where the partial report went); stopped before its
 * end ('failed'); an objective missed ('check-failed'); else 'ok'.
 */
export async function concludeDrill(
  report: DrillReport,
  reportDir: string,
  scenarioCount: number,
): Promise<DrillConclusion> {
  const { writeReport } = await import('../report/write.js');
  const files = await writeReport(report, reportDir);
  if (report.interrupted) {
    const { atStep, signal: name, restored, left } = report.interrupted;
    throw new InterruptedError(
      `drill interrupted at ${atStep} (${name}): ${restored.join(', ') || 'nothing to put back'}${left.length > 0 ? `; ${left.join('; ')}` : ''}; partial report ${files.dir}`,
      { details: { interrupted: report.interrupted, files } },
    );
  }
  const stopped = report.scenarios.length < scenarioCount || report.scenarios.some((s) => s.error);
  if (stopped) {
    const why = report.scenarios.find((s) => s.error)?.error ?? 'not every scenario ran';
    return { files, outcome: 'failed', notice: `the drill stopped: ${why}; report in ${files.dir}` };
  }
  if (report.verdict !== 'pass') {
    const failed = report.scenarios.flatMap((s) =>
      s.objectives.filter((o) => o.verdict === 'fail').map((o) => `${s.name}: ${o.title}`),
    );
    return {
      files,
      outcome: 'check-failed',
      notice: `objectives missed (${failed.join(', ')}); report in ${files.dir}`,
    };
  }
  return { files, outcome: 'ok' };
}
