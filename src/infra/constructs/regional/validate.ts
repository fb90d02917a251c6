/**
 * Prop validation for the regional constructs: each failure names the construct, the
 * prop, what was given and what is allowed.
 */

export class InvalidPropsError extends Error {
  override readonly name = 'InvalidPropsError';
  constructor(construct: string, prop: string, given: unknown, allowed: string) {
    super(`${construct}: ${prop} must be ${allowed}, got ${JSON.stringify(given)}`);
  }
}

export function requireInt(
  construct: string,
  prop: string,
  value: number,
  min: number,
  max: number = Number.MAX_SAFE_INTEGER,
): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const allowed =
      max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new InvalidPropsError(construct, prop, value, allowed);
  }
  return value;
}

export function requireNonEmpty(construct: string, prop: string, value: string): string {
  if (value.trim() === '') throw new InvalidPropsError(construct, prop, value, 'a non-empty string');
  return value;
}

/** CloudWatch Logs accepts only these retention values (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function requireLogRetention(construct: string, prop: string, days: number): number {
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new InvalidPropsError(construct, prop, days, `one of ${LOG_RETENTION_DAYS.join(', ')}`);
  }
  return days;
}
