import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { DrCommand } from '../cli/base-command.js';
import { ExitCode } from '../cli/exit-codes.js';
import type { DrConfig } from '../config/schema.js';
import type { DrillReport, ScenarioName } from '../core/drill/model.js';

export type DrillResult =
  | { readonly kind: 'dry-run'; readonly scenarios: readonly ScenarioName[] }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'outage-restored'; readonly region: string | null }
  | {
      readonly kind: 'done';
      readonly report: DrillReport;
      readonly files: {
        readonly dir: string;
        readonly json: string;
        readonly markdown: string;
        readonly html: string;
      };
      /** True when this run started the sandbox (and stopped it again). */
      readonly startedSandbox: boolean;
    };

export default class Drill extends DrCommand<DrillResult> {
  static override summary =
    'Game day in one command: fail over, measure RTO/RPO, fail back, write the report.';
  static override description = `Takes the DR lease (operation drill), runs each scenario — pre-checks (verify-sync), the failover (planned: switchover; region-outage: the primary stops answering, its health check fails and the automatic trigger fires the unplanned failover), synthetic orders through the new primary's intake until processed, RTO per component (detection, DNS shift, writer promotion, order intake, order processing) and RPO (lag at the cut, canary orders), failback, post-checks — and writes report.md, report.json and a self-contained report.html (timeline against the RTO objective, a verdict per objective) to --report.

With --sandbox it starts the sandbox when none runs (and stops it again), starts a throw-away PostgreSQL for the trade processor, which runs in-process, and runs both scenarios unless --scenario is given; the outage is the emulator's switch.

On AWS the outage is a data-plane blackout of the primary: its order API stage throttled to 0 (every request answers 429, so Route 53's health checks and the watchdog's probes fail) and its trade processor's reserved concurrency set to 0. The failover-watchdog Lambda must act on its own (auto-failover is switched on for the drill). Orders are SigV4-signed POST /orders on the regional APIs; processed orders are counted through the RDS Data API. The outage is undone before the failback; if a drill dies mid-outage, --restore-outage undoes it (the undo record is .dr/drill-outage.json).

Exit 0 when every objective passes, 3 when a measured objective fails, 1 when the drill could not run to its end, 2 without a terminal and without --yes, 4 when another operation holds the lease.`;
  static override examples = [
    '<%= config.bin %> drill --sandbox',
    '<%= config.bin %> drill --sandbox --scenario region-outage --report ./game-day --yes',
    '<%= config.bin %> drill --sandbox --dry-run',
    '<%= config.bin %> drill --scenario planned --profile dr-operator --yes',
    '<%= config.bin %> drill --restore-outage',
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
    'restore-outage': Flags.boolean({
      summary: 'Undo the outage a drill on AWS left behind (.dr/drill-outage.json), then stop.',
      default: false,
      exclusive: ['dry-run', 'scenario'],
    }),
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
    if (flags['restore-outage']) return this.restoreOutage(flags, config);
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) {
        const { renderDrillPlan } = await import('../cli/render/drill.js');
        this.log(`${renderDrillPlan(scenarios, config.regions)}\n\nDry run: nothing was started or changed.`);
      }
      return { kind: 'dry-run', scenarios };
    }
    const { confirmOrRefuse } = await import('../core/failover/confirm.js');
    const outage = scenarios.includes('region-outage') && !flags.sandbox;
    const what = `drill ${scenarios.join(' + ')}${flags.sandbox ? ' in the sandbox' : ' on AWS'}: fail over to ${config.regions.secondary} and back${outage ? `; the outage throttles ${config.regions.primary}'s order API to 0 (clients' orders there are refused) until the failover is done` : ''}`;
    if (!(await confirmOrRefuse(what, { yes: flags.yes }))) {
      this.logToStderr('dr: cancelled; nothing was changed');
      return { kind: 'cancelled' };
    }
    const { report, startedSandbox } = flags.sandbox
      ? await this.sandboxDrill(flags, config, scenarios)
      : { report: await this.awsDrill(flags, config, scenarios), startedSandbox: false };
    const { writeReport } = await import('../core/report/write.js');
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

  private async sandboxDrill(
    flags: { config: string },
    config: DrConfig,
    scenarios: ScenarioName[],
  ): Promise<{ report: DrillReport; startedSandbox: boolean }> {
    const [{ runSandboxDrill }, { createClients }] = await Promise.all([
      import('../sandbox/drill/sandbox-drill.js'),
      import('../aws/clients.js'),
    ]);
    return runSandboxDrill({
      config,
      configFile: resolve(flags.config),
      scenarios,
      reporter: await this.reporter(),
      clientsFor: async (endpoint) => createClients({ endpoint, timeoutMs: 3000, maxAttempts: 1 }),
    });
  }

  private async awsDrill(
    flags: { profile?: string },
    config: DrConfig,
    scenarios: ScenarioName[],
  ): Promise<DrillReport> {
    const { runAwsDrill } = await import('../core/drill/aws-drill.js');
    const clients = await this.awsClients(flags, { timeoutMs: 5000, maxAttempts: 2 });
    try {
      return await runAwsDrill({
        clients,
        config,
        scenarios,
        reporter: await this.reporter(),
        ...(flags.profile ? { profile: flags.profile } : {}),
      });
    } finally {
      clients.destroy();
    }
  }

  private async restoreOutage(
    flags: { profile?: string; sandbox: boolean },
    config: DrConfig,
  ): Promise<DrillResult> {
    const { UsageError } = await import('../core/errors.js');
    if (flags.sandbox) {
      throw new UsageError('--restore-outage is for drills on AWS; in the sandbox use `dr sandbox restore`');
    }
    const { restoreDrillOutage } = await import('../core/drill/aws-drill.js');
    const clients = await this.awsClients(flags, { timeoutMs: 5000, maxAttempts: 2 });
    try {
      const undone = await restoreDrillOutage({ clients, config });
      if (!this.jsonEnabled()) {
        this.log(
          undone
            ? `Restored ${undone.region}: order API stage throttling and trade processor concurrency as before the drill (${undone.injectedAt}).`
            : 'No drill outage to undo (.dr/drill-outage.json does not exist).',
        );
      }
      return { kind: 'outage-restored', region: undone?.region ?? null };
    } finally {
      clients.destroy();
    }
  }
}
