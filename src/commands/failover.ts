import { Flags } from '@oclif/core';
import type { Finished } from '../cli/base-command.js';
import { OperationCommand, TAKE_OVER_FLAG } from '../cli/operation-command.js';
import type { OperateResult } from '../core/failover/operate.js';

export default class Failover extends OperationCommand {
  static override summary =
    'Move the writer role to another region (planned, or unplanned while a region is lost).';
  static override description =
    'Prints the plan (the steps the state machine runs), asks for confirmation on a terminal (without one it refuses unless --yes), takes the lease (exit 4 when another operator holds it), starts the execution in the target region and follows it step by step, then prints how long each step took. --planned (default): gate on verify-sync, fence the old primary, Aurora switchover (RPO 0). --unplanned: the failover calls nothing outside the target region; Aurora failover with AllowDataLoss. After it succeeded the result says what was lost (JSON `result.dataLoss`, read through the RDS Data API of the clusters of both regions): the replication lag at the cut, the last replicated order, and every order the old primary holds that the new writer lacks, by client_order_id, for re-driving — or, while the old region does not answer, that they are not known yet and when they can be read (once it answers, before Aurora re-syncs its cluster; else from the snapshot Aurora takes first); a planned failover loses nothing (RPO 0 by switchover). A loss is information: the exit code stays 0. Started again while an execution is in flight, it re-attaches to it; after its CLI died between fencing the old primary and the promote, it goes on with the promote; once the target already writes, consumes and is named active everywhere it exits 0 (kind "already", with the dataLoss of the failover that made it active: run it again once the old region answers to read the lost orders). SIGINT/SIGTERM end the CLI (exit 130), never the operation.';
  static override examples = [
    '<%= config.bin %> failover --to us-east-2 --planned --dry-run',
    '<%= config.bin %> failover --to us-east-2 --unplanned --yes --json',
  ];

  static override flags = {
    to: Flags.string({ summary: 'Region that becomes the primary.', required: true }),
    planned: Flags.boolean({ summary: 'Both regions are up: RPO 0 (default).', exclusive: ['unplanned'] }),
    unplanned: Flags.boolean({
      summary: 'The old primary is lost: run from the target region alone.',
      exclusive: ['planned'],
    }),
    'dry-run': Flags.boolean({ summary: 'Print the plan; change nothing.', default: false }),
    yes: Flags.boolean({
      summary: 'Do not ask for confirmation (required without a terminal).',
      default: false,
    }),
    'take-over': TAKE_OVER_FLAG,
  };

  protected async execute(): Promise<Finished<OperateResult>> {
    const { flags } = await this.parse(Failover);
    const { refuseWithoutTerminal } = await import('../cli/confirm.js');
    const mode = flags.unplanned ? 'unplanned' : 'planned';
    const what = `${mode} failover to ${flags.to}`;
    // Refuse before touching anything: a runbook without --yes learns it at once.
    if (!flags['dry-run'] && !flags.yes) refuseWithoutTerminal(what);
    return this.operate(flags, {
      operation: 'failover',
      to: flags.to,
      mode,
      what,
      dryRun: flags['dry-run'],
      takeOver: flags['take-over'],
      sandbox: flags.sandbox,
    });
  }
}
