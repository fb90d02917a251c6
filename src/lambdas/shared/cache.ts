/**
 * Caches a successful async result for `ttlMs`; concurrent callers share one in-flight
 * call; a failure is not cached (the next call tries again).
 */
export function cached<T>(load: () => Promise<T>, ttlMs: number, now: () => number = Date.now) {
  let value: { v: T; at: number } | undefined;
  let inFlight: Promise<T> | undefined;
  const get = async (): Promise<T> => {
    if (value && now() - value.at < ttlMs) return value.v;
    if (!inFlight) {
      inFlight = load()
        .then((v) => {
          value = { v, at: now() };
          return v;
        })
        .finally(() => {
          inFlight = undefined;
        });
    }
    return inFlight;
  };
  get.invalidate = () => {
    value = undefined;
  };
  return get as (() => Promise<T>) & { invalidate(): void };
}
