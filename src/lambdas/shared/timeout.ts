export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(
    readonly label: string,
    readonly ms: number,
  ) {
    super(`${label} did not answer within ${ms} ms`);
  }
}

/**
 * Runs `fn` with an AbortSignal that fires after `ms`, and rejects with a TimeoutError at
 * that moment even if `fn` ignores the signal. `onTimeout` cleans up what `fn` holds.
 */
export async function withTimeout<T>(
  label: string,
  ms: number,
  fn: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(label, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  const work = fn(controller.signal);
  work.catch(() => {}); // a late failure after the timeout is not unhandled
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
