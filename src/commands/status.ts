import { Flags } from '@oclif/core';
import { setTimeout as delay } from 'node:timers/promises';
import { DrCommand, type Finished } from '../cli/base-command.js';
import { InterruptedError, UsageError } from '../contract/errors.js';
import { silentReporter } from '../core/reporter.js';
import type { StatusResult } from '../core/status.js';

/** Per attempt; two attempts: a region that holds connections costs about 5 s, not minutes. */
const STATUS_TIMEOUT_MS = 2500;

export default class Status extends DrCommand<StatusResult> {
  static override summary = 'Where things stand: active region, replication, alarms, readiness, RTO budget.';
  static override description = `One screen, read-only: the active region (SSM active-region and epoch in each region, Route 53 failover records and their health checks), the Aurora global cluster (writer, members, replication lag), DynamoDB replicas and PITR, S3 replication rules with pending operations, bytes and latency, alarms in ALARM per region, the trade processor's event source mappings, the last readiness result (FailoverReadiness) and the RTO budget computed from the config. Every call is made at once (at most two sequential levels).

It also shows the DR lease (holder, operation, whether its process still runs) and the failover/failback executions in flight, and names every unsafe state with the command that repairs it where there is one: NO_CONSUMER (no region consumes orders), TWO_CONSUMERS (split brain), SSM_DISAGREE (the regions' active-region/epoch copies differ), DNS_NOT_WRITER (DNS answers a region other than the Aurora writer's for longer than health-check interval × threshold + TTL), LEASE_ORPHANED (the lease is held by nothing running). They are reported also while an operation is in flight (marked so).

Exit codes: 5 when a region does not answer (the rest is still shown, and the unsafe states evaluable from what answered are listed); else 3 when any unsafe state is seen; else 0. --watch exits with the last read's code.`;
  static override examples = [
    '<%= config.bin %> status',
    '<%= config.bin %> status --watch 10',
    '<%= config.bin %> status --json | jq .active',
  ];

  static override flags = {
    watch: Flags.integer({
      summary: 'Redraw every SECONDS seconds until interrupted (not with --json).',
      helpValue: 'SECONDS',
      min: 1,
    }),
  };

  protected async execute(): Promise<Finished<StatusResult>> {
    const { flags } = await this.parse(Status);
    if (flags.watch !== undefined && this.jsonEnabled()) {
      throw new UsageError('--watch redraws a screen for people; it cannot be combined with --json');
    }
    const config = await this.loadDrConfig(flags.config);
    const clients = await this.operatorClients(flags, config, {
      timeoutMs: STATUS_TIMEOUT_MS,
      maxAttempts: 2,
    });
    const { collectStatus, concludeStatus } = await import('../core/status.js');
    const render = this.jsonEnabled() ? undefined : (await import('../cli/render/status.js')).renderStatus;
    // Under --json nothing is shown on stderr: skip loading the spinner library.
    const reporter = this.jsonEnabled() ? silentReporter : await this.reporter();
    const once = () => collectStatus({ clients, config, reporter });
    try {
      if (flags.watch === undefined) {
        const result = await once();
        if (render) this.log(render(result));
        return concludeStatus(result);
      }
      // --watch ends with the last read's outcome (no line under it: the screen said it).
      const last = await this.watch(flags.watch, once, render ?? String);
      return { result: last, outcome: concludeStatus(last).outcome };
    } finally {
      clients.destroy();
    }
  }

  /**
   * Redraws every `seconds` until SIGINT/SIGTERM; returns the last result. A signal ends
   * it at once, also in the middle of a read (a region holding connections must not keep
   * an SRE's terminal, or a runbook's timeout, waiting).
   */
  private async watch(
    seconds: number,
    once: () => Promise<StatusResult>,
    render: (result: StatusResult) => string,
  ): Promise<StatusResult> {
    let stop = () => {};
    const stopping = new AbortController();
    const stopped = new Promise<undefined>((resolve) => {
      stop = () => {
        this.exitWhenFinished();
        stopping.abort();
        resolve(undefined);
      };
    });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let last: StatusResult | undefined;
    try {
      for (;;) {
        const result = await Promise.race([once(), stopped]);
        if (result === undefined) break;
        last = result;
        const clear = process.stdout.isTTY ? '\x1b[2J\x1b[H' : '';
        this.log(`${clear}${render(result)}\nRefreshing every ${seconds} s; Ctrl-C to stop.`);
        // A signal cancels the wait (and its timer) at once.
        const tick = delay(seconds * 1000, true, { signal: stopping.signal }).catch(() => undefined);
        const next = await Promise.race([tick, stopped]);
        if (next === undefined) break;
      }
    } finally {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
    }
    if (last) return last;
    throw new InterruptedError('status --watch stopped before the first answer; nothing was changed');
  }
}
