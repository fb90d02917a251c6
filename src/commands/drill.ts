import { resolve } from 'node:path';
import { Flags } from '@oclif/core';
import { DrCommand, type Finished } from '../cli/base-command.js';
import type { DrConfig } from '../config/schema.js';
import type { DrillResult } from '../core/drill/command-flow.js';
import type { DrillReport, ScenarioName } from '../core/drill/model.js';

export type { DrillResult } from '../core/drill/command-flow.js';

export default class Drill extends DrCommand<DrillResult> {
  static override summary =
    'Game day in one command: fail over, measure RTO/RPO, fail back, write the report.';
  static override description = `Takes the DR lease (operation drill), runs each scenario — pre-checks (verify-sync), the failover (planned: switchover; region-outage: the primary stops answering, its health check fails and the automatic trigger fires the unplanned failover), synthetic orders through the new primary's intake until processed, RTO per component (detection, DNS shift, writer promotion, order intake, order processing) and RPO (lag at the cut, canary orders), failback, post-checks — and writes report.md, report.json and a self-contained report.html (timeline against the RTO objective, a verdict per objective) to --report.

With --sandbox it drives the live sandbox: it starts the sandbox when none runs (and stops it again), and the sandbox's runtime when it runs without one (dr sandbox up --no-runtime; stopped again). The runtime plays the platform (order APIs, trade processors, Route 53's health checkers, the scheduled watchdog, a database server per region with real replication); orders are SigV4-signed POST /orders as on AWS, the outage is the emulator's switch, and an unplanned failover really loses what had not replicated. --pace aws runs health checks, TTL and watchdog as configured, so the figures are what AWS would measure (every figure says its pace).

On AWS the outage is a data-plane blackout of the primary: its order API stage throttled to 0 (every request answers 429, so Route 53's health checks and the watchdog's probes fail) and its trade processor's reserved concurrency set to 0. The failover-watchdog Lambda must act on its own (auto-failover is switched on for the drill). Orders are SigV4-signed POST /orders on the regional APIs; processed orders are counted through the RDS Data API. The outage is undone before the failback; if a drill dies mid-outage, --restore-outage undoes it (the undo record is .dr/drill-outage.json).

SIGINT or SIGTERM (Ctrl-C) stops the drill at its next wait: a failover or failback already running is let finish (its state machine execution runs server-side and is never stopped midway; if it outlasts the settle timeout the message names the command that re-attaches to it), the outage the drill made is ended, auto-failover and the lease are given back, everything the drill started is stopped (a sandbox runtime it started, with its databases; a sandbox it started), and a partial report says where it stopped ("interrupted" in report.json). It prints "dr: drill interrupted at <step> (<signal>): <what was put back>; partial report <dir>" and exits 130; if the platform is left failed over the line says to run dr failback. A second signal while it puts things back is ignored (with a message): stopping halfway would leave a region dark or PostgreSQL running; SIGKILL still ends it at once, leaving them.

Exit 0 when every objective passes, 3 when a measured objective fails, 1 when the drill could not run to its end, 2 without a terminal and without --yes, 4 when another operation holds the lease, 130 when interrupted.`;
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
    pace: Flags.string({
      summary:
        "With --sandbox: the sandbox runtime's pace. compressed: health checks, TTL and watchdog 50× faster than on AWS; aws: as configured, so RTO figures are what AWS would measure. [default: the running runtime's, else compressed]",
      options: ['compressed', 'aws'],
    }),
    'take-over': Flags.boolean({
      summary:
        "Take over the DR lease of another operator's operation that nothing runs any more (its process is gone); recorded in the lease.",
      default: false,
    }),
  };

  protected async execute(): Promise<Finished<DrillResult>> {
    const { flags } = await this.parse(Drill);
    const flow = await import('../core/drill/command-flow.js');
    const scenarios = flow.drillScenarios(flags.scenario);
    if (flags.pace && !flags.sandbox) {
      const { UsageError } = await import('../contract/errors.js');
      throw new UsageError(
        "--pace sets the sandbox runtime's clocks: use it with --sandbox (on AWS the drill runs at AWS's pace)",
      );
    }
    const config = await this.loadDrConfig(flags.config);
    if (flags['restore-outage']) return { result: await this.restoreOutage(flags, config) };
    if (flags['dry-run']) {
      if (!this.jsonEnabled()) {
        const { renderDrillPlan } = await import('../cli/render/drill.js');
        this.log(`${renderDrillPlan(scenarios, config.regions)}\n\nDry run: nothing was started or changed.`);
      }
      return { result: { kind: 'dry-run', scenarios } };
    }
    const { terminalConfirm } = await import('../cli/confirm.js');
    if (!(await terminalConfirm({ yes: flags.yes })(flow.drillQuestion(scenarios, config, flags.sandbox)))) {
      return {
        result: { kind: 'cancelled' },
        notice: 'cancelled; nothing was changed',
        noticeUnderJson: true,
      };
    }
    const { signal, dispose } = await this.interruptOnSignals();
    let run: { report: DrillReport; startedSandbox: boolean };
    try {
      run = flags.sandbox
        ? await this.sandboxDrill(flags, config, scenarios, signal)
        : { report: await this.awsDrill(flags, config, scenarios, signal), startedSandbox: false };
    } catch (error) {
      // Not interrupted: nothing is left to put back, signals act as usual again. After an
      // interrupt the handler stays, so a second signal cannot cut the partial report short.
      // (Interrupted before the drill began, the sandbox throws an InterruptedError itself.)
      if (!signal.aborted) dispose();
      throw error;
    }
    if (!signal.aborted) dispose();
    const { report, startedSandbox } = run;
    const { files, outcome, notice } = await flow.concludeDrill(report, flags.report, scenarios.length);
    if (!this.jsonEnabled()) {
      const { renderDrillReport } = await import('../cli/render/drill.js');
      this.log(renderDrillReport(report, files));
    }
    return {
      result: { kind: 'done', report, files, startedSandbox },
      outcome,
      ...(notice !== undefined ? { notice } : {}),
    };
  }

  /**
   * The first SIGINT/SIGTERM aborts the returned signal (reason: an `Interrupt`): the
   * drill stops at its next wait and puts back what it changed. Later ones are ignored
   * with a message: stopping the clean-up halfway is what left a region dark and
   * PostgreSQL running. The process exits once the command is done.
   */
  private async interruptOnSignals(): Promise<{ signal: AbortSignal; dispose: () => void }> {
    const { Interrupt } = await import('../core/drill/interrupt.js');
    const controller = new AbortController();
    let first: string | undefined;
    const onSignal = (name: NodeJS.Signals) => {
      if (first) {
        this.logToStderr(
          `dr: ${name} ignored: still putting back what the drill changed after ${first} (ending the outage, stopping what it started); SIGKILL would leave that half-done`,
        );
        return;
      }
      first = name;
      this.exitWhenFinished();
      this.logToStderr(
        `dr: ${name}: stopping the drill at its next step, then putting back what it changed (a second signal is ignored)`,
      );
      controller.abort(new Interrupt(name));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const dispose = () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    };
    return { signal: controller.signal, dispose };
  }

  private async sandboxDrill(
    flags: { config: string; 'take-over': boolean; pace?: string },
    config: DrConfig,
    scenarios: ScenarioName[],
    signal: AbortSignal,
  ): Promise<{ report: DrillReport; startedSandbox: boolean }> {
    const [{ runSandboxDrill }, { paceOf }] = await Promise.all([
      import('../sandbox/drill/sandbox-drill.js'),
      import('../sandbox/runtime/pace.js'),
    ]);
    const settings = { timeoutMs: 3000, maxAttempts: 1 };
    return runSandboxDrill({
      config,
      configFile: resolve(flags.config),
      scenarios,
      reporter: await this.reporter(),
      operatorClients: () => this.operatorClients({ sandbox: true }, config, settings),
      ...(flags.pace ? { pace: paceOf(flags.pace) } : {}),
      signal,
      ...(flags['take-over'] ? { takeOver: true } : {}),
    });
  }

  private async awsDrill(
    flags: { profile?: string; 'take-over': boolean },
    config: DrConfig,
    scenarios: ScenarioName[],
    signal: AbortSignal,
  ): Promise<DrillReport> {
    const { runAwsDrill } = await import('../core/drill/aws-drill.js');
    const clients = await this.operatorClients(flags, config, { timeoutMs: 5000, maxAttempts: 2 });
    try {
      return await runAwsDrill({
        clients,
        config,
        scenarios,
        reporter: await this.reporter(),
        signal,
        ...(flags['take-over'] ? { takeOver: true } : {}),
      });
    } finally {
      clients.destroy();
    }
  }

  private async restoreOutage(
    flags: { profile?: string; sandbox: boolean },
    config: DrConfig,
  ): Promise<DrillResult> {
    const { UsageError } = await import('../contract/errors.js');
    if (flags.sandbox) {
      throw new UsageError('--restore-outage is for drills on AWS; in the sandbox use `dr sandbox restore`');
    }
    const { restoreDrillOutage } = await import('../core/drill/aws-drill.js');
    const clients = await this.operatorClients(flags, config, { timeoutMs: 5000, maxAttempts: 2 });
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
