/**
 * The exit-code contract. Runbooks branch on these numbers: never renumber.
 */
import type { Outcome } from '../contract/errors.js';

export const ExitCode = {
  Ok: 0,
  Failed: 1,
  Usage: 2,
  CheckFailed: 3,
  LockHeld: 4,
  RegionUnreachable: 5,
  Credentials: 6,
  Interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The one mapping from how a command ended to its exit code: errors (by their outcome)
 * and results that end a command without one (not in sync, an unsafe state, a missed
 * objective) both go through it, in the base command.
 */
export const EXIT_CODES: Readonly<Record<Outcome, ExitCodeValue>> = {
  ok: ExitCode.Ok,
  failed: ExitCode.Failed,
  usage: ExitCode.Usage,
  'check-failed': ExitCode.CheckFailed,
  'lock-held': ExitCode.LockHeld,
  'region-unreachable': ExitCode.RegionUnreachable,
  credentials: ExitCode.Credentials,
  interrupted: ExitCode.Interrupted,
};

export const EXIT_CODE_TABLE: ReadonlyArray<readonly [ExitCodeValue, string]> = [
  [ExitCode.Ok, 'ok'],
  [ExitCode.Failed, 'failed'],
  [ExitCode.Usage, 'bad usage or config (nothing was changed)'],
  [ExitCode.CheckFailed, 'a check failed: not in sync / not ready / an unsafe state (dr status)'],
  [ExitCode.LockHeld, 'lock held by another operator'],
  [ExitCode.RegionUnreachable, 'a region is unreachable'],
  [ExitCode.Credentials, 'AWS credentials missing, expired or rejected (e.g. run aws sso login)'],
  [ExitCode.Interrupted, 'interrupted (SIGINT/SIGTERM); the message says what was left and how to go on'],
];
