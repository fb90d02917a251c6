/**
 * The base of `dr failover` and `dr failback`: the same flow (core/failover/command-flow.ts)
 * with the terminal's parts (the plan shown, the confirmation, the signals, the result
 * rendered). Imports stay light, as in base-command.ts: core loads when a command runs.
 */
import { Flags } from '@oclif/core';
import type { OperationRequest } from '../core/failover/command-flow.js';
import type { OperateResult } from '../core/failover/operate.js';
import { DrCommand, type Finished } from './base-command.js';

/** Shared by failover and failback. */
export const TAKE_OVER_FLAG = Flags.boolean({
  summary:
    "Take over the DR lease of another operator's operation that nothing runs any more (its process is gone, no execution in flight); recorded in the lease and the audit log.",
  default: false,
});

/** The flags both commands read. */
export interface OperationFlags {
  readonly config: string;
  readonly profile?: string;
  readonly sandbox: boolean;
  readonly yes: boolean;
}

export abstract class OperationCommand extends DrCommand<OperateResult> {
  /**
   * Aborted (reason: the signal's name) by the first SIGINT/SIGTERM, which also ends the
   * process once the command is done. A second signal ends it at once, as by default.
   */
  private abortOnSignal(): { signal: AbortSignal; dispose: () => void } {
    const controller = new AbortController();
    const onSignal = (name: NodeJS.Signals) => {
      this.exitWhenFinished();
      controller.abort(name);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const dispose = () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    };
    return { signal: controller.signal, dispose };
  }

  /** Runs `request` for the config named by `flags`; renders what came of it. */
  protected async operate(
    flags: OperationFlags,
    request: OperationRequest,
  ): Promise<Finished<OperateResult>> {
    const config = await this.loadDrConfig(flags.config);
    const [{ runOperation, operationFailure }, { requireRegion }] = await Promise.all([
      import('../core/failover/command-flow.js'),
      import('../core/failover/operate.js'),
    ]);
    requireRegion(config, request.to);
    const clients = await this.operatorClients(flags, config, { timeoutMs: 3000, maxAttempts: 1 });
    const reporter = await this.reporter();
    const [render, { terminalConfirm }] = await Promise.all([
      import('./render/failover.js'),
      import('./confirm.js'),
    ]);
    // A signal ends this process, never the operation: the executions run on in AWS, and
    // the same command run again follows them (or goes on from where they stopped).
    const { signal, dispose } = this.abortOnSignal();
    try {
      const outcome = await runOperation(request, {
        clients,
        config,
        reporter,
        confirm: terminalConfirm({ yes: flags.yes }),
        showPlan: (plan) => {
          if (!this.jsonEnabled()) this.log(render.renderPlan(plan));
        },
        interrupt: signal,
      });
      if (outcome.kind === 'dry-run') {
        if (!this.jsonEnabled())
          this.log(`${render.renderPlan(outcome.plan)}\n\nDry run: nothing was changed.`);
        return { result: outcome };
      }
      if (outcome.kind === 'cancelled') {
        return { result: outcome, notice: 'cancelled; nothing was changed', noticeUnderJson: true };
      }
      if (outcome.kind === 'already') {
        if (!this.jsonEnabled()) {
          const loss = outcome.dataLoss ? ['', ...render.renderDataLoss(outcome.dataLoss)] : [];
          this.log([outcome.message, ...loss].join('\n'));
        }
        return { result: outcome };
      }
      const { result } = outcome;
      const auditWarning = render.renderAuditWarning(result);
      if (auditWarning) this.logToStderr(auditWarning);
      if (!this.jsonEnabled()) this.log(render.renderResult(result));
      if (result.outcome !== 'succeeded') throw operationFailure(request, result);
      return { result: outcome };
    } finally {
      dispose();
      clients.destroy();
    }
  }
}
