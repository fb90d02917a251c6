/**
 * Stopping a drill part-way (SIGINT/SIGTERM): the command aborts an AbortSignal with an
 * `Interrupt`; the drill's waits and polls take that signal and end at once, the scenario
 * then undoes what it did (./scenario.ts), and the report says where it stopped.
 *
 * Nothing here aborts work the platform does on its own: a state machine execution runs
 * server-side and is waited for (bounded), never stopped midway.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Reporter, StepReporter } from '../reporter.js';

/** The abort reason: which signal stopped the drill. */
export class Interrupt extends Error {
  override readonly name = 'Interrupt';
  constructor(readonly signal: string) {
    super(`interrupted (${signal})`);
  }
}

/** The signal that aborted `signal`, or undefined while it runs on. */
export function interruptOf(signal: AbortSignal | undefined): Interrupt | undefined {
  if (!signal?.aborted) return undefined;
  const reason: unknown = signal.reason;
  return reason instanceof Interrupt ? reason : new Interrupt('SIGINT');
}

export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  const interrupt = interruptOf(signal);
  if (interrupt) throw interrupt;
}

/**
 * `promise`, or the Interrupt as soon as `signal` aborts. The work behind `promise` goes
 * on (a read finishes in the background); keep the promise to wait for it when it matters.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  const interrupt = interruptOf(signal);
  if (interrupt) {
    promise.catch(() => {});
    return Promise.reject(interrupt);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      promise.catch(() => {});
      reject(interruptOf(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error as Error);
      },
    );
  });
}

/** Sleeps `ms`; rejects with the Interrupt as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return abortable(delay(ms), signal);
}

/** Settles with `promise`, or with undefined after `ms` (the work behind it goes on). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((r) => {
    timer = setTimeout(() => r(undefined), ms);
  });
  try {
    return await Promise.race([promise.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A reporter that remembers which steps are open, so an interrupted drill can say where
 * it was and close their spinners ("interrupted") instead of leaving them spinning.
 */
export class StepTracker implements Reporter {
  private readonly open: Array<{ name: string; step: StepReporter }> = [];

  constructor(private readonly inner: Reporter) {}

  step(name: string): StepReporter {
    const entry = { name, step: this.inner.step(name) };
    this.open.push(entry);
    const close = () => {
      const at = this.open.indexOf(entry);
      if (at >= 0) this.open.splice(at, 1);
    };
    return {
      succeed: (detail) => {
        close();
        entry.step.succeed(detail);
      },
      fail: (detail) => {
        close();
        entry.step.fail(detail);
      },
      update: (text) => entry.step.update(text),
    };
  }

  info(message: string): void {
    this.inner.info(message);
  }

  warn(message: string): void {
    this.inner.warn(message);
  }

  /** The innermost step still running, if any. */
  innermost(): string | undefined {
    return this.open.at(-1)?.name;
  }

  /** Fails every open step with `detail` (innermost first). */
  failOpen(detail: string): void {
    for (const entry of [...this.open].reverse()) entry.step.fail(detail);
    this.open.length = 0;
  }
}
