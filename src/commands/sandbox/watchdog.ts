import { Flags } from '@oclif/core';
import { DrCommand, type Finished } from '../../cli/base-command.js';
import type { SandboxWatchdogResult } from '../../sandbox/watchdog.js';

export default class SandboxWatchdog extends DrCommand<SandboxWatchdogResult> {
  static override summary = 'Run the failover watchdog against the sandbox, in-process.';
  static override description =
    "The sandbox runs no Lambda code, so this runs the failover-watchdog Lambda's own code here: from --region (default the secondary) it probes the other region the way the sandbox can (does it answer; is its Route 53 health check forced to Failure), and when that region is active and failed the health-check threshold in a row it follows auto-failover: `on` starts the unplanned failover in --region and follows it, `approval` only asks (SNS + EventBridge), `off` does nothing. Watches --periods periods (one with --once), --interval seconds between probes.";
  static override examples = [
    '<%= config.bin %> sandbox watchdog --once',
    '<%= config.bin %> sandbox watchdog --periods 30 --interval 1 --json',
  ];

  static override flags = {
    region: Flags.string({ summary: 'Region the watchdog runs in. [default: the secondary]' }),
    once: Flags.boolean({ summary: 'One watch period.', default: false, exclusive: ['periods'] }),
    periods: Flags.integer({ summary: 'Watch periods before giving up.', min: 1, max: 600, default: 10 }),
    interval: Flags.integer({ summary: 'Seconds between probes.', min: 0, max: 60, default: 1 }),
  };

  protected async execute(): Promise<Finished<SandboxWatchdogResult>> {
    const { flags } = await this.parse(SandboxWatchdog);
    const config = await this.loadDrConfig(flags.config);
    const { requireRegion } = await import('../../core/failover/operate.js');
    if (flags.region) requireRegion(config, flags.region);
    const clients = await this.awsClients(
      { ...flags, sandbox: flags.sandbox || process.env.DR_ENDPOINT === undefined },
      { timeoutMs: 3000, maxAttempts: 1 },
    );
    try {
      const { sandboxWatchdog } = await import('../../sandbox/watchdog.js');
      const result = await sandboxWatchdog({
        clients,
        config,
        ...(flags.region ? { region: flags.region } : {}),
        periods: flags.once ? 1 : flags.periods,
        intervalMs: flags.interval * 1000,
        reporter: await this.reporter(),
      });
      if (!this.jsonEnabled()) {
        this.log(`${result.decision.action}: ${result.decision.reason}`);
        if (result.executionArn) this.log(`execution: ${result.executionArn}`);
        if (result.execution) this.log(`failover ${result.execution.status} in ${result.execution.ms} ms`);
      }
      if (result.execution && result.execution.status !== 'SUCCEEDED') {
        this.error(
          `the automatic failover to ${result.region} ended ${result.execution.status}: ${result.execution.failure?.error ?? 'unknown'}`,
          { exit: 1 },
        );
      }
      return { result };
    } finally {
      clients.destroy();
    }
  }
}
