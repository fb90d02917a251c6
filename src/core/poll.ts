/**
 * The one polling loop: look, and until the look finds what it waits for, wait and look
 * again, up to a deadline. Core, the sandbox and the Lambdas wait this way (the Lambdas
 * may import core; this module imports nothing of src), so each wait says only what it
 * looks for and how long it may take.
 *
 * Timing, the same for every caller: the first look is immediate; the deadline counts
 * from that first look's start; the wait between looks starts when a look ends (a slow
 * look is not overlapped); a look that ends at or past the deadline is the last one.
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface PollOptions<T> {
  /** Wait between the end of one look and the start of the next, milliseconds. */
  readonly intervalMs: number;
  /** Look no more once this long has passed since the first look began; 0: look once. */
  readonly timeoutMs: number;
  /**
   * Shorten the last wait to the time left, so the final look falls on the deadline
   * rather than up to one interval past it.
   * @default true
   */
  readonly clampToDeadline?: boolean;
  /** Stop after the look in progress once this aborts (that look is the answer). */
  readonly signal?: AbortSignal;
  /** Called after each look that is not done, when another will follow, with the time left. */
  readonly onPending?: (value: T, leftMs: number) => void;
  /** @default - a timer (`node:timers/promises`) */
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface Polled<T> {
  /** Whether the last look was done; false: the deadline (or the abort) came first. */
  readonly done: boolean;
  /** The last look's answer. */
  readonly value: T;
  /** Looks made, the first included. */
  readonly looks: number;
  /** From the first look's start to the last look's end, milliseconds. */
  readonly elapsedMs: number;
}

/**
 * Calls `look` until `isDone` holds for its answer or the time is up (see the module
 * comment for the timing); a look that throws ends the poll with its error.
 */
export async function poll<T>(
  look: () => Promise<T>,
  isDone: (value: T) => boolean,
  options: PollOptions<T>,
): Promise<Polled<T>> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? delay;
  const started = now();
  for (let looks = 1; ; looks++) {
    const value = await look();
    const elapsedMs = now() - started;
    if (isDone(value)) return { done: true, value, looks, elapsedMs };
    const leftMs = options.timeoutMs - elapsedMs;
    if (leftMs <= 0 || options.signal?.aborted) return { done: false, value, looks, elapsedMs };
    options.onPending?.(value, leftMs);
    await sleep(
      options.clampToDeadline === false ? options.intervalMs : Math.min(options.intervalMs, leftMs),
    );
  }
}
