/**
 * What a `dr` run ends as, and the typed errors that say it. Every error a command can
 * end with extends `DrError`, which carries its outcome and the stable code word of the
 * `--json` error object; the CLI maps the outcome to an exit code in one table
 * (src/cli/exit-codes.ts) and matches errors by class, never by name or message text.
 */

/**
 * How a command ended. Runbooks branch on the exit code each one maps to
 * (src/cli/exit-codes.ts); a result that ends a command without an error carries one too.
 */
export type Outcome =
  | 'ok'
  | 'failed'
  | 'usage'
  | 'check-failed'
  | 'lock-held'
  | 'region-unreachable'
  | 'credentials'
  | 'interrupted';

/**
 * How a read that ends a command without an error concludes (`dr status`, `dr verify-sync`):
 * the result (always shown), its outcome and, when not ok, the one line saying why.
 */
export interface Conclusion<T> {
  readonly result: T;
  readonly outcome: Outcome;
  readonly notice?: string;
}

/** The outcomes an error can stand for (an error is never "ok"). */
export type ErrorOutcome = Exclude<Outcome, 'ok'>;

export interface DrErrorOptions {
  readonly outcome: ErrorOutcome;
  /** The `--json` `error.code` word (BAD_USAGE, CHECK_FAILED, …): runbooks match on it. */
  readonly code: string;
  /** Extra fields of the `--json` error object (the lease holder, the region, …). */
  readonly details?: Record<string, unknown>;
  /**
   * The whole message is the one line people and `--json` see (a config error lists its
   * problems in it); otherwise its first line.
   * @default false
   */
  readonly wholeMessage?: boolean;
  readonly cause?: unknown;
}

/** The first non-empty line of `text`, trimmed: what the one-line error contract shows. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown error'
  );
}

/**
 * Marks a `DrError` across copies of this module: `dr synth` and `dr deploy` run the
 * synth bundle, which carries its own copy, and a config error thrown there must still
 * be one. `Symbol.for` is one symbol per process.
 */
const DR_ERROR = Symbol.for('dr.contract.DrError');

/**
 * The base of every error `dr` ends a command with: it knows its outcome, so the base
 * command needs no list of classes (or of their names) to pick an exit code.
 */
export class DrError extends Error {
  /**
   * `instanceof DrError` holds for a DrError of any copy of this module (see DR_ERROR);
   * for a subclass, `instanceof` is the usual prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== DrError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && DR_ERROR in value;
  }

  readonly [DR_ERROR] = true;
  readonly outcome: ErrorOutcome;
  readonly code: string;
  /** Extra fields of the `--json` error object; undefined when there are none. */
  readonly jsonDetails: Record<string, unknown> | undefined;
  /** The one line shown for this error (stderr after `dr: `, and `--json` `error.message`). */
  readonly summary: string;

  constructor(message: string, options: DrErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.outcome = options.outcome;
    this.code = options.code;
    this.jsonDetails = options.details;
    this.summary = options.wholeMessage ? message : firstLine(message);
  }
}

/**
 * Something went wrong that no other outcome names (a failed migration, a deploy into the
 * sandbox that stopped, an emulator that would not start). Exit 1.
 */
export class FailedError extends DrError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { outcome: 'failed', code: 'FAILED', ...options });
  }
}

/** Bad usage or bad config: exit 2. */
export class UsageError extends DrError {
  override readonly name: string = 'UsageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { outcome: 'usage', code: 'BAD_USAGE', ...options });
  }
}

/**
 * A tool this machine lacks (the AWS emulator): a missing prerequisite, like a missing
 * Terraform binary. Exit 2, as bad usage: nothing was changed, and the message says how
 * to install it.
 */
export class NotInstalledError extends DrError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { outcome: 'usage', code: 'BAD_USAGE', ...options });
  }
}

/** A config file that is missing, not JSON, or breaks the schema: exit 2, one line per problem. */
export class BadConfigError extends DrError {
  constructor(message: string, problems: readonly string[], options?: { cause?: unknown }) {
    super(message, {
      outcome: 'usage',
      code: 'BAD_CONFIG',
      details: { problems },
      wholeMessage: true,
      ...options,
    });
  }
}

/** A check failed: not in sync, not ready. Exit 3. */
export class CheckFailedError extends DrError {
  override readonly name: string = 'CheckFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { outcome: 'check-failed', code: 'CHECK_FAILED', ...options });
  }
}

/** Another operator holds the lease. Exit 4. */
export class LockHeldError extends DrError {
  override readonly name: string = 'LockHeldError';
  constructor(
    message: string,
    readonly holder: string,
    options?: { cause?: unknown },
  ) {
    super(message, { outcome: 'lock-held', code: 'LOCK_HELD', details: { holder }, ...options });
  }
}

/** A region did not answer. Exit 5. */
export class RegionUnreachableError extends DrError {
  override readonly name: string = 'RegionUnreachableError';
  constructor(
    message: string,
    readonly region: string,
    options?: { cause?: unknown },
  ) {
    super(message, {
      outcome: 'region-unreachable',
      code: 'REGION_UNREACHABLE',
      details: { region },
      ...options,
    });
  }
}

/**
 * AWS credentials are missing, expired or rejected: an unknown profile, an SSO session
 * that expired, session credentials past their expiry. Exit 6. The message names the
 * profile (or the default chain) and the command that fixes it.
 */
export class CredentialsError extends DrError {
  override readonly name: string = 'CredentialsError';
  constructor(
    message: string,
    /** The profile that failed; undefined for the SDK's default credential chain. */
    readonly profile: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, {
      outcome: 'credentials',
      code: 'CREDENTIALS',
      details: { profile: profile ?? null },
      ...options,
    });
  }
}

/**
 * The operator interrupted a command (SIGINT, SIGTERM). Exit 130, as a shell reports a
 * process ended by SIGINT. The message says what was left and how to go on.
 */
export class InterruptedError extends DrError {
  override readonly name: string = 'InterruptedError';
  constructor(
    message: string,
    options?: {
      cause?: unknown;
      /** Extra fields for the `--json` error object (e.g. where a partial report went). */
      details?: Record<string, unknown>;
    },
  ) {
    super(message, {
      outcome: 'interrupted',
      code: 'INTERRUPTED',
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
      ...(options?.details ? { details: options.details } : {}),
    });
    this.details = options?.details;
  }
  readonly details: Record<string, unknown> | undefined;
}
