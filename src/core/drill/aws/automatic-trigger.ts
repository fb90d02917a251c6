/**
 * On AWS the automatic trigger is the failover-watchdog Lambda (every minute, in the
 * standby region). The drill does not run it: it waits for the failover execution the
 * watchdog starts in that region after the outage began, by listing the executions of
 * the region's failover state machine.
 */
import type { AwsClients } from '../../../aws/clients.js';
import type { DrConfig } from '../../../config/schema.js';
import { Naming } from '../../../contract/naming.js';
import type { AutomaticFailover } from '../target.js';
import { readStateMachineArn } from '../../failover/plan.js';
import { poll } from '../../poll.js';

export interface AutomaticTriggerOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly region: string;
  /** Epoch ms: only executions started at or after this count. */
  readonly since: number;
  readonly timeoutMs: number;
  readonly pollMs: number;
  /** Stops looking once aborted (the Lambda and what it started go on). */
  readonly signal?: AbortSignal;
}

export async function awaitWatchdogExecution(options: AutomaticTriggerOptions): Promise<AutomaticFailover> {
  const { clients, config, region } = options;
  const naming = new Naming(config);
  const by = `watchdog@${region}`;
  const stateMachineArn = await readStateMachineArn(clients, naming, region, 'failover');
  if (!stateMachineArn) throw new Error(`SSM has no failover-state-machine-arn in ${region}`);
  const sfn = clients.sfn(region);
  const newestSince = async () => {
    const page = await sfn
      .listExecutions({ stateMachineArn, maxResults: 20 })
      .catch(() => ({ executions: [] }));
    return (page.executions ?? [])
      .filter((e) => (e.startDate?.getTime() ?? 0) >= options.since - 1000)
      .sort((a, b) => (a.startDate?.getTime() ?? 0) - (b.startDate?.getTime() ?? 0))[0];
  };
  const polled = await poll(newestSince, (started) => Boolean(started?.executionArn), {
    intervalMs: options.pollMs,
    timeoutMs: options.timeoutMs,
    clampToDeadline: false,
    signal: options.signal,
  });
  const started = polled.value;
  if (!polled.done || !started?.executionArn) {
    return {
      by,
      reason: `no failover execution in ${region} within ${Math.round(options.timeoutMs / 1000)} s of the outage (${polled.looks} looks): is auto-failover on and the watchdog's schedule enabled?`,
      probes: 0,
    };
  }
  const described = await sfn.describeExecution({ executionArn: started.executionArn });
  const input = JSON.parse(described.input ?? '{}') as {
    startedBy?: string;
    mode?: string;
    operationId?: string;
  };
  return {
    executionArn: started.executionArn,
    by: input.startedBy ?? by,
    reason:
      `${input.startedBy ?? by} started the ${input.mode ?? 'unplanned'} failover ${input.operationId ?? started.name ?? ''}`.trim(),
    probes: 0,
  };
}
