/**
 * The confirmation port. Core asks before it changes anything and never reads a terminal
 * itself: the command provides the asking (src/cli/confirm.ts: a prompt on a terminal,
 * a refusal without one, yes under `--yes`).
 */

/** Asks a person whether to go on with `what` (e.g. "planned failover to us-east-2"); true to go on. */
export type Confirm = (what: string) => Promise<boolean>;
