/**
 * Which pace a drill's figures were measured at, as every figure it prints names it: a
 * sandbox runs its clocks (health checks, TTL, the watchdog's schedule) faster than AWS
 * unless told `--pace aws`, so "order-intake RTO 1.9 s" means something else at ×50.
 * One wording for the console, report.md and report.html.
 */
import type { Tuning } from './target.js';

export type Pace = NonNullable<Tuning['pace']>;

/**
 * `compressed pace ×50`, `AWS pace`; a sandbox that did not say: `sandbox pace
 * (compressed)`; AWS without a pace: undefined (nothing to add).
 */
export function paceLabel(pace: Pace | null | undefined, target: 'sandbox' | 'aws'): string | undefined {
  if (pace) return pace.name === 'aws' || pace.factor === 1 ? 'AWS pace' : `compressed pace ×${pace.factor}`;
  return target === 'sandbox' ? 'sandbox pace (compressed)' : undefined;
}

/** ` (compressed pace ×50)` to append to a figure, or '' when there is nothing to say. */
export function paceSuffix(pace: Pace | null | undefined, target: 'sandbox' | 'aws'): string {
  const label = paceLabel(pace, target);
  return label ? ` (${label})` : '';
}

/** The objectives whose measured figure is a time (the ones a pace changes). */
export const TIMED_OBJECTIVES: ReadonlySet<string> = new Set(['order-intake-rto', 'writer-promotion', 'rpo']);
