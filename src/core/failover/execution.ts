/**
 * Server-side executions: start one, find one in flight (re-attach), follow one through
 * its history with one reporter line per step, and measure each step: its wall time
 * between state transitions, and the part of it spent in AWS calls (TaskScheduled →
 * TaskSucceeded/Failed), so the rest is the orchestration's own overhead.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { setTimeout as delay } from 'node:timers/promises';
import type { SfnApi } from '../../aws/clients.js';
import { errorName } from '../../aws/errors.js';
import { paginated } from '../../aws/paginate.js';
import { RegionUnreachableError } from '../../contract/errors.js';
import { stepOfState } from '../../contract/steps.js';
import type { Reporter, StepReporter } from '../reporter.js';
import type { ExecutionInput } from './input.js';
import { stepById, type StepId } from '../../contract/steps.js';

export type ExecutionStatus =
  'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

export interface RunningExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly input: ExecutionInput;
}

export interface StepResult {
  readonly id: StepId;
  readonly title: string;
  readonly region: string;
  readonly outcome: 'succeeded' | 'failed';
  /** Wall time from the step's first state entered to the next step (server clock). */
  readonly ms: number;
  /** Of which spent in AWS calls. */
  readonly awsMs: number;
}

export interface ExecutionOutcome {
  readonly executionArn: string;
  readonly region: string;
  readonly status: ExecutionStatus;
  readonly steps: StepResult[];
  readonly ms: number;
  readonly failure?: { readonly step?: StepId; readonly error: string; readonly cause: string };
}

/**
 * The newest (by start date) of the first `maxResults` executions of a state machine in
 * `status`, with its input; undefined when there is none.
 */
export async function newestExecution(
  sfn: SfnApi,
  stateMachineArn: string,
  status: ExecutionStatus,
  maxResults: number,
): Promise<
  { executionArn: string; name: string; startDate?: Date; input: Partial<ExecutionInput> } | undefined
> {
  const out = await sfn.listExecutions({ stateMachineArn, statusFilter: status, maxResults });
  const newest = [...(out.executions ?? [])].sort(
    (a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0),
  )[0];
  if (!newest?.executionArn) return undefined;
  const described = await sfn.describeExecution({ executionArn: newest.executionArn });
  return {
    executionArn: newest.executionArn,
    name: newest.name ?? '',
    ...(newest.startDate ? { startDate: newest.startDate } : {}),
    input: JSON.parse(described.input ?? '{}') as Partial<ExecutionInput>,
  };
}

/** The RUNNING execution of a state machine, if any (newest first). */
export async function findRunning(
  sfn: SfnApi,
  stateMachineArn: string,
): Promise<RunningExecution | undefined> {
  const newest = await newestExecution(sfn, stateMachineArn, 'RUNNING', 10);
  if (!newest) return undefined;
  return { executionArn: newest.executionArn, name: newest.name, input: newest.input as ExecutionInput };
}

/** Starts an execution; one of the same name already running is returned instead. */
export async function startExecution(
  sfn: SfnApi,
  stateMachineArn: string,
  name: string,
  input: ExecutionInput,
): Promise<string> {
  try {
    const out = await sfn.startExecution({ stateMachineArn, name, input: JSON.stringify(input) });
    if (!out.executionArn) throw new Error(`StartExecution of ${stateMachineArn} returned no execution ARN`);
    return out.executionArn;
  } catch (error) {
    if (errorName(error) !== 'ExecutionAlreadyExists') throw error;
    const running = await findRunning(sfn, stateMachineArn);
    if (running?.name === name) return running.executionArn;
    throw error;
  }
}

/** Every event of an execution's history (all pages), in event-id order. */
export async function readExecutionHistory(sfn: SfnApi, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const page of paginated(sfn).getExecutionHistory({ executionArn, maxResults: 1000 })) {
    events.push(...(page.events ?? []));
  }
  return events.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
}

const TERMINAL: Record<string, ExecutionStatus> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

interface Measure {
  id: StepId;
  start: number;
  end: number;
  awsMs: number;
  failed: boolean;
  reporter?: StepReporter;
}

/** Replays a history into per-step measures; pure (tested without AWS). */
export function measureSteps(events: readonly HistoryEvent[]): {
  steps: Measure[];
  status: ExecutionStatus;
  failure?: { step?: StepId; error: string; cause: string };
  startMs: number;
  endMs: number;
} {
  const steps: Measure[] = [];
  let status: ExecutionStatus = 'RUNNING';
  let failure: { step?: StepId; error: string; cause: string } | undefined;
  let taskStart: number | undefined;
  const t = (e: HistoryEvent) => e.timestamp?.getTime() ?? 0;
  const startMs = events[0] ? t(events[0]) : 0;
  let endMs = startMs;
  for (const event of events) {
    const at = t(event);
    endMs = Math.max(endMs, at);
    const type = event.type ?? '';
    const current = steps.at(-1);
    if (current && !TERMINAL[type]) current.end = at;
    if (type.endsWith('StateEntered')) {
      const name = event.stateEnteredEventDetails?.name ?? '';
      const step = stepOfState(name);
      if (step && step !== current?.id) steps.push({ id: step, start: at, end: at, awsMs: 0, failed: false });
      if (name.endsWith('/Failed') && step) {
        const open = steps.at(-1);
        if (open) open.failed = true;
        const input = JSON.parse(event.stateEnteredEventDetails?.input ?? '{}') as {
          error?: { Error?: string; Cause?: string };
        };
        failure = { step, error: input.error?.Error ?? 'unknown', cause: input.error?.Cause ?? '' };
      }
    } else if (type === 'TaskScheduled') {
      taskStart = at;
    } else if (
      (type === 'TaskSucceeded' || type === 'TaskFailed' || type === 'TaskTimedOut') &&
      taskStart !== undefined
    ) {
      if (current) current.awsMs += at - taskStart;
      taskStart = undefined;
    } else if (TERMINAL[type]) {
      status = TERMINAL[type];
      if (status !== 'SUCCEEDED' && !failure) {
        const details = event.executionFailedEventDetails ?? event.executionTimedOutEventDetails;
        failure = { error: details?.error ?? status, cause: details?.cause ?? '' };
      } else if (failure && status === 'FAILED' && !failure.step) {
        failure = { ...failure };
      }
    }
  }
  return { steps, status, ...(failure ? { failure } : {}), startMs, endMs };
}

/** Consecutive polls of the history that may fail (time out, drop) before the follow gives up. */
const MAX_FAILED_POLLS = 5;

export interface FollowOptions {
  readonly sfn: SfnApi;
  readonly executionArn: string;
  readonly region: string;
  readonly reporter: Reporter;
  /** @default 250 */
  readonly pollMs?: number;
  /** Give up following (the execution goes on) after this long. @default 2 h */
  readonly timeoutMs?: number;
}

/** Follows an execution to its end: one reporter line per step, as it happens. */
export async function followExecution(options: FollowOptions): Promise<ExecutionOutcome> {
  const pollMs = options.pollMs ?? 250;
  const deadline = Date.now() + (options.timeoutMs ?? 2 * 3600_000);
  const open = new Map<number, StepReporter>();
  const closed = new Set<number>();
  let failedPolls = 0;
  for (;;) {
    let events: HistoryEvent[];
    try {
      events = await readExecutionHistory(options.sfn, options.executionArn);
      failedPolls = 0;
    } catch (error) {
      // Following is read-only and the execution runs on server-side: one slow or dropped
      // poll is not a failed failover. Only a region that stays silent ends the follow.
      failedPolls += 1;
      if (!(error instanceof RegionUnreachableError) || failedPolls >= MAX_FAILED_POLLS) throw error;
      await delay(pollMs);
      continue;
    }
    const measured = measureSteps(events);
    measured.steps.forEach((step, index) => {
      const title = `${stepById(step.id).title} (${options.region})`;
      if (!open.has(index)) open.set(index, options.reporter.step(title));
      const isLast = index === measured.steps.length - 1;
      const done = !isLast || measured.status !== 'RUNNING';
      if (done && !closed.has(index)) {
        closed.add(index);
        const detail = `${step.end - step.start} ms, ${step.awsMs} ms in AWS calls`;
        if (step.failed || (isLast && measured.status !== 'SUCCEEDED')) open.get(index)?.fail(detail);
        else open.get(index)?.succeed(detail);
      }
    });
    if (measured.status !== 'RUNNING') {
      return {
        executionArn: options.executionArn,
        region: options.region,
        status: measured.status,
        steps: measured.steps.map((s, index) => ({
          id: s.id,
          title: stepById(s.id).title,
          region: options.region,
          outcome:
            s.failed || (index === measured.steps.length - 1 && measured.status !== 'SUCCEEDED')
              ? 'failed'
              : 'succeeded',
          ms: s.end - s.start,
          awsMs: s.awsMs,
        })),
        ms: measured.endMs - measured.startMs,
        ...(measured.failure ? { failure: measured.failure } : {}),
      };
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${options.executionArn} is still running after ${Math.round((options.timeoutMs ?? 0) / 1000)} s; run the command again to re-attach`,
      );
    }
    await delay(pollMs);
  }
}
