import { Flags } from '@oclif/core';
import { DrCommand } from '../cli/base-command.js';
import type { OperateResult } from '../core/failover/operate.js';
import { InterruptedError } from '../contract/errors.js';

/** Shared by failover and failback. */
export const TAKE_OVER_FLAG = Flags.boolean({
  summary:
    "Take over the DR lease of another operator's operation that nothing runs any more (its process is gone, no execution in flight); recorded in the lease and the audit log.",
  default: false,
});

export default class Failover extends DrCommand<OperateResult> {
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

  async run(): Promise<OperateResult> {
    const { flags } = await this.parse(Failover);
    const { refuseWithoutTerminal } = await import('../core/failover/confirm.js');
    const mode = flags.unplanned ? 'unplanned' : 'planned';
    const what = `${mode} failover to ${flags.to}`;
    // Refuse before touching anything: a runbook without --yes learns it at once.
    if (!flags['dry-run'] && !flags.yes) refuseWithoutTerminal(what);
    return runOperation(this, { ...flags, mode, operation: 'failover', to: flags.to, what });
  }
}

/** Shared by `dr failover` and `dr failback`. */
export async function runOperation(
  command: DrCommand<OperateResult>,
  options: {
    config: string;
    profile?: string;
    sandbox: boolean;
    'dry-run': boolean;
    yes: boolean;
    'take-over': boolean;
    mode: 'planned' | 'unplanned';
    operation: 'failover' | 'failback';
    to: string;
    what: string;
    syncTimeoutMs?: number;
  },
): Promise<OperateResult> {
  const self = command as unknown as {
    exitWhenFinished(): void;
    loadDrConfig(path: string): ReturnType<DrCommand<OperateResult>['loadDrConfig']>;
    awsClients: DrCommand<OperateResult>['awsClients'];
    reporter: DrCommand<OperateResult>['reporter'];
    operatorClients: DrCommand<OperateResult>['operatorClients'];
    jsonEnabled(): boolean;
    log(message: string): void;
    logToStderr(message: string): void;
    error(message: string, options: { exit: number }): never;
  };
  const config = await self.loadDrConfig(options.config);
  const { operate, requireRegion } = await import('../core/failover/operate.js');
  requireRegion(config, options.to);
  const clients = await self.operatorClients(options, config, { timeoutMs: 3000, maxAttempts: 1 });
  const reporter = await self.reporter();
  const { renderAuditWarning, renderDataLoss, renderPlan, renderResult } =
    await import('../cli/render/failover.js');
  const { confirmOrRefuse } = await import('../core/failover/confirm.js');
  // A signal ends this process, never the operation: the executions run on in AWS, and
  // the same command run again follows them (or goes on from where they stopped).
  let onSignal = (_signal: NodeJS.Signals) => {};
  const signalled = new Promise<never>((_resolve, reject) => {
    onSignal = (signal) => {
      self.exitWhenFinished();
      reject(
        new InterruptedError(
          `${options.what} interrupted (${signal}): what was started goes on in AWS; run the same command again to follow it to the end, or to go on from where it stopped`,
        ),
      );
    };
  });
  signalled.catch(() => undefined);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const outcome = await Promise.race([
      signalled,
      operate({
        clients,
        config,
        operation: options.operation,
        to: options.to,
        mode: options.mode,
        dryRun: options['dry-run'],
        reporter,
        ...(options.syncTimeoutMs !== undefined ? { syncTimeoutMs: options.syncTimeoutMs } : {}),
        confirm: async (plan) => {
          if (!self.jsonEnabled()) self.log(renderPlan(plan));
          return confirmOrRefuse(options.what, { yes: options.yes });
        },
        takeOver: options['take-over'],
        gate: async () => {
          const { verifySync, requireInSync } = await import('../core/verify-sync.js');
          requireInSync(await verifySync({ clients, config }));
        },
      }),
    ]);
    if (outcome.kind === 'dry-run') {
      if (!self.jsonEnabled()) self.log(`${renderPlan(outcome.plan)}\n\nDry run: nothing was changed.`);
      return outcome;
    }
    if (outcome.kind === 'cancelled') {
      self.logToStderr('dr: cancelled; nothing was changed');
      return outcome;
    }
    if (outcome.kind === 'already') {
      if (!self.jsonEnabled()) {
        const loss = outcome.dataLoss ? ['', ...renderDataLoss(outcome.dataLoss)] : [];
        self.log([outcome.message, ...loss].join('\n'));
      }
      return outcome;
    }
    const { result } = outcome;
    const auditWarning = renderAuditWarning(result);
    if (auditWarning) self.logToStderr(auditWarning);
    if (result.outcome !== 'succeeded') {
      if (!self.jsonEnabled()) self.log(renderResult(result));
      const f = result.failure;
      const failed = `${options.operation} to ${options.to} failed${f?.step ? ` at step ${f.step}` : ''}: ${f?.error ?? 'unknown'}${f?.cause ? ` (${f.cause.split('\n')[0]})` : ''}`;
      const audit =
        result.audit && !result.audit.error ? `; audit s3://${result.audit.bucket}/${result.audit.key}` : '';
      const r = result.recovery;
      const again = `dr ${options.operation === 'failback' ? 'failback' : `failover --to ${options.to} --${options.mode}`}${options.sandbox ? ' --sandbox' : ''} --yes`;
      const back = `dr failover --to ${r?.rolledBackTo ?? ''} --planned${options.sandbox ? ' --sandbox' : ''} --yes`;
      const left = !r
        ? `; the lease was released; left: ${result.left ?? 'unknown'}; fix the cause and run \`${again}\` to complete it`
        : r.outcome === 'succeeded'
          ? `; rolled back: ${r.rolledBackTo} consumes again (${r.position}); fix the cause and run \`${again}\` again`
          : `; the rollback to ${r.rolledBackTo} failed too${r.failure?.step ? ` at step ${r.failure.step}` : ''} (${r.failure?.error ?? 'unknown'}), leaving ${r.position}: run \`${back}\` to restore a consumer`;
      self.error(`${failed}${left}${audit}`, { exit: 1 });
    }
    if (!self.jsonEnabled()) self.log(renderResult(result));
    return outcome;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    clients.destroy();
  }
}
