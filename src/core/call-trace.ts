/**
 * Measures how `dr status` talks to AWS: every call through the traced clients is
 * recorded (service, operation, region, start, end), and `levels` is the longest chain
 * of calls in which each started only after the previous one had ended, i.e. the
 * number of sequential round trips the command waited for. Measured, not declared.
 */
import type { AwsClients } from '../aws/clients.js';

export interface TracedCall {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  /** Milliseconds since the trace began. */
  readonly start: number;
  readonly end: number;
  readonly ok: boolean;
}

export interface TraceSummary {
  readonly calls: number;
  /** Sequential round-trip levels: the longest start-after-end chain. */
  readonly levels: number;
  /** Wall time from the first call's start to the last call's end, ms. */
  readonly ms: number;
}

export class CallTrace {
  readonly calls: TracedCall[] = [];
  readonly #t0 = performance.now();

  now(): number {
    return performance.now() - this.#t0;
  }

  summary(): TraceSummary {
    return summarizeCalls(this.calls);
  }
}

/** Pure: the summary of recorded calls. */
export function summarizeCalls(calls: readonly Pick<TracedCall, 'start' | 'end'>[]): TraceSummary {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  // depth[i] = 1 + the deepest call that ended before call i started.
  const depth: number[] = [];
  sorted.forEach((call, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      const prior = sorted[j] as Pick<TracedCall, 'start' | 'end'>;
      if (prior.end <= call.start) before = Math.max(before, depth[j] ?? 0);
    }
    depth.push(before + 1);
  });
  const first = sorted[0]?.start ?? 0;
  const last = Math.max(0, ...sorted.map((c) => c.end));
  return {
    calls: calls.length,
    levels: Math.max(0, ...depth),
    ms: Math.round(sorted.length > 0 ? last - first : 0),
  };
}

/** The same clients, each call recorded in `trace`. */
export function traceClients(clients: AwsClients, trace: CallTrace): AwsClients {
  const wrapped = new Map<string, unknown>();
  return new Proxy(clients, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || property === 'destroy' || typeof value !== 'function') return value;
      return (region: string) => {
        const key = `${property}/${region}`;
        const cached = wrapped.get(key);
        if (cached) return cached;
        const api = (value as (r: string) => Record<string, unknown>).call(target, region);
        const proxy = new Proxy(api, {
          get(apiTarget, operation) {
            const call = Reflect.get(apiTarget, operation) as unknown;
            if (typeof operation !== 'string' || typeof call !== 'function') return call;
            return async (input: unknown) => {
              const start = trace.now();
              let ok = false;
              try {
                const out = await (call as (i: unknown) => Promise<unknown>).call(apiTarget, input);
                ok = true;
                return out;
              } finally {
                trace.calls.push({ service: property, operation, region, start, end: trace.now(), ok });
              }
            };
          },
        });
        wrapped.set(key, proxy);
        return proxy;
      };
    },
  });
}
