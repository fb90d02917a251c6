/**
 * Typed errors core modules throw. The CLI maps each class to an exit code (see
 * src/cli/exit-codes.ts); nothing matches on message text.
 */

/** Bad usage or bad config: exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A check failed: not in sync, not ready. Exit 3. */
export class CheckFailedError extends Error {
  override readonly name = 'CheckFailedError';
}

/** Another operator holds the lease. Exit 4. */
export class LockHeldError extends Error {
  override readonly name = 'LockHeldError';
  constructor(
    message: string,
    readonly holder: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A region did not answer. Exit 5. */
export class RegionUnreachableError extends Error {
  override readonly name = 'RegionUnreachableError';
  constructor(
    message: string,
    readonly region: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * AWS credentials are missing, expired or rejected: an unknown profile, an SSO session
 * that expired, session credentials past their expiry. Exit 6. The message names the
 * profile (or the default chain) and the command that fixes it.
 */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(
    message: string,
    /** The profile that failed; undefined for the SDK's default credential chain. */
    readonly profile: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The operator interrupted a command (SIGINT, SIGTERM). Exit 130, as a shell reports a
 * process ended by SIGINT. The message says what was left and how to go on.
 */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  constructor(
    message: string,
    options?: {
      cause?: unknown;
      /** Extra fields for the `--json` error object (e.g. where a partial report went). */
      details?: Record<string, unknown>;
    },
  ) {
    super(message, options);
    this.details = options?.details;
  }
  readonly details: Record<string, unknown> | undefined;
}
