import { Flags } from '@oclif/core';
import { DrCommand } from '../cli/base-command.js';
import type { OperateResult } from '../core/failover/operate.js';
import { runOperation } from './failover.js';

export default class Failback extends DrCommand<OperateResult> {
  static override summary = 'Move the writer role back to the primary region after a failover.';
  static override description =
    'A planned failover back to the configured primary: gate on verify-sync (the old primary must have re-joined the global cluster and caught up), fence the secondary, Aurora switchover, shift traffic, verify, record. Same plan, confirmation, lease, re-attach and timing as `dr failover`.';
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
  };

  async run(): Promise<OperateResult> {
    const { flags } = await this.parse(Failback);
    const config = await this.loadDrConfig(flags.config);
    const { refuseWithoutTerminal } = await import('../core/failover/confirm.js');
    if (!flags['dry-run'] && !flags.yes) refuseWithoutTerminal('fail back');
    const to = config.regions.primary;
    return runOperation(this, {
      ...flags,
      mode: 'planned',
      operation: 'failback',
      to,
      what: `fail back to ${to}`,
    });
  }
}
