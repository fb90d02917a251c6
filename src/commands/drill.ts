import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { DrCommand } from '../cli/base-command.js';
import { ExitCode } from '../cli/exit-codes.js';
import type { DrillReport, ScenarioName } from '../core/drill/model.js';

export type DrillResult =
  | { readonly kind: 'dry-run'; readonly scenarios: readonly ScenarioName[] }
  | { readonly kind: 'cancelled' }
  | {
      readonly kind: 'done';
      readonly report: DrillReport;
      readonly files: {
        readonly dir: string;
        readonly json: string;
        readonly markdown: string;
        readonly html: string;
      };
      readonly startedSandbox: boolean;
    };

export default class Drill extends DrCommand<DrillResult> {
  static override summary =
    'Game day in one command: fail over, measure RTO/RPO, fail back, write the report.';
  static override description = `Takes the DR lease (operation drill), runs each scenario — pre-checks (verify-sync), the failover (planned: switchover; region-outage: the primary stops answering, its health check fails and the automatic trigger fires the unplanned failover), synthetic orders through the new primary's intake until processed, RTO per component (detection, DNS shift, writer promotion, order intake, order processing) and RPO (lag at the cut, canary orders), failback, post-checks — and writes report.md, report.json and a self-contained report.html (timeline against the RTO objective, a verdict per objective) to --report.

With --sandbox it starts the sandbox when none runs (and stops it again), starts a throw-away PostgreSQL for the trade processor, which runs in-process, and runs both scenarios unless --scenario is given. On AWS the drill is not available yet.

Exit 0 when every objective passes, 3 when a measured objective fails, 1 when the drill could not run to its end, 2 without a terminal and without --yes, 4 when another operation holds the lease.`;
  static override examples = [
    '<%= config.bin %> drill --sandbox',
    '<%= config.bin %> drill --sandbox --scenario region-outage --report ./game-day --yes',
    '<%= config.bin %> drill --sandbox --dry-run',
  ];

  static override flags = {
    scenario: Flags.string({
      summary: 'Run one scenario. [default: planned, then region-outage]',
      options: ['planned', 'region-outage'],
    }),
    report: Flags.string({
      summary: 'Directory for report.md, report.json, report.html.',
      default: 'drill-report',
    }),
    'dry-run': Flags.boolean({ summary: 'Print what the drill would do; change nothing.', default: false }),
    yes: Flags.boolean({
      summary: 'Do not ask for confirmation (required without a terminal).',
      default: false,
    }),
  };

  async run(): Promise<DrillResult> {
    const { flags } = await this.parse(Drill);
    const scenarios: ScenarioName[] = flags.scenario
      ? [flags.scenario as ScenarioName]
      : ['planned', 'region-outage'];
    const config = await this.loadDrConfig(flags.config);
    const { UsageError } = await import('../core/errors.js');
    if (!flags.sandbox) {
      throw new UsageError(
        'dr drill runs against the local sandbox for now: pass --sandbox (the AWS game day needs processing checks through the RDS Data API, not built yet)',
      );
    }
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) {
        const { renderDrillPlan } = await import('../cli/render/drill.js');
        this.log(`${renderDrillPlan(scenarios, config.regions)}\n\nDry run: nothing was started or changed.`);
      }
      return { kind: 'dry-run', scenarios };
    }
    const { confirmOrRefuse } = await import('../core/failover/confirm.js');
    const what = `drill ${scenarios.join(' + ')}: fail over to ${config.regions.secondary} and back`;
    if (!(await confirmOrRefuse(what, { yes: flags.yes }))) {
      this.logToStderr('dr: cancelled; nothing was changed');
      return { kind: 'cancelled' };
    }
    const [{ runSandboxDrill }, { writeReport }, { createClients }] = await Promise.all([
      import('../core/drill/sandbox-drill.js'),
      import('../core/report/write.js'),
      import('../aws/clients.js'),
    ]);
    const { report, startedSandbox } = await runSandboxDrill({
      config,
      configFile: resolve(flags.config),
      scenarios,
      reporter: await this.reporter(),
      clientsFor: async (endpoint) => createClients({ endpoint, timeoutMs: 3000, maxAttempts: 1 }),
    });
    const files = await writeReport(report, flags.report);
    if (!this.jsonEnabled()) {
      const { renderDrillReport } = await import('../cli/render/drill.js');
      this.log(renderDrillReport(report, files));
    }
    const stopped = report.scenarios.length < scenarios.length || report.scenarios.some((s) => s.error);
    if (stopped) {
      const why = report.scenarios.find((s) => s.error)?.error ?? 'not every scenario ran';
      process.exitCode = ExitCode.Failed;
      if (!this.jsonEnabled()) this.logToStderr(`dr: the drill stopped: ${why}; report in ${files.dir}`);
    } else if (report.verdict !== 'pass') {
      process.exitCode = ExitCode.CheckFailed;
      const failed = report.scenarios.flatMap((s) =>
        s.objectives.filter((o) => o.verdict === 'fail').map((o) => `${s.name}: ${o.title}`),
      );
      if (!this.jsonEnabled())
        this.logToStderr(`dr: objectives missed (${failed.join(', ')}); report in ${files.dir}`);
    }
    return { kind: 'done', report, files, startedSandbox };
  }
}
