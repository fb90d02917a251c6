import { Flags } from '@oclif/core';
import type { Finished } from '../cli/base-command.js';
import { OperationCommand, TAKE_OVER_FLAG } from '../cli/operation-command.js';
import type { OperateResult } from '../core/failover/operate.js';

export default class Failback extends OperationCommand {
  static override summary = 'Move the writer role back to the primary region after a failover.';
  static override description =
    'A planned failover back to the configured primary. First waits, up to --sync-timeout, until the old primary has re-joined the global cluster as a secondary (Aurora re-syncs it once its region is back; a detached cluster stops failback with how to re-create it, exit 3) and verify-sync passes (on timeout exit 3, naming the checks still failing); then fences the secondary, Aurora switchover, shift traffic, verify, record. Same plan, confirmation, lease, re-attach and timing as `dr failover`.';
  static override examples = [
    '<%= config.bin %> failback --dry-run',
    '<%= config.bin %> failback --yes --json',
  ];

  static override flags = {
    'dry-run': Flags.boolean({ summary: 'Print the plan; change nothing.', default: false }),
    yes: Flags.boolean({
      summary: 'Do not ask for confirmation (required without a terminal).',
      default: false,
    }),
    'sync-timeout': Flags.integer({
      summary: 'Seconds to wait for the old primary to re-join and verify-sync to pass.',
      min: 1,
      max: 24 * 3600,
      default: 1800,
    }),
    'take-over': TAKE_OVER_FLAG,
  };

  protected async execute(): Promise<Finished<OperateResult>> {
    const { flags } = await this.parse(Failback);
    const config = await this.loadDrConfig(flags.config);
    const { refuseWithoutTerminal } = await import('../cli/confirm.js');
    if (!flags['dry-run'] && !flags.yes) refuseWithoutTerminal('fail back');
    const to = config.regions.primary;
    return this.operate(flags, {
      operation: 'failback',
      to,
      mode: 'planned',
      what: `fail back to ${to}`,
      dryRun: flags['dry-run'],
      takeOver: flags['take-over'],
      sandbox: flags.sandbox,
      syncTimeoutMs: flags['sync-timeout'] * 1000,
    });
  }
}
