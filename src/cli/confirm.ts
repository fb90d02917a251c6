/**
 * The terminal side of the confirmation port (src/core/failover/confirm.ts): asking a
 * person before a mutating command, only on a terminal; without one the command refuses
 * unless `--yes` (a runbook must say it means it).
 */
import { UsageError } from '../contract/errors.js';
import type { Confirm } from '../core/failover/confirm.js';

/** True when there is a person to ask: stdin and stderr (where the question goes) are terminals. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

function refusal(what: string): UsageError {
  return new UsageError(`refusing to start (${what}) without a terminal to confirm on: pass --yes`);
}

/** The early refusal, before anything is read or changed: a runbook without `--yes` learns it at once. */
export function refuseWithoutTerminal(what: string): void {
  if (!canPrompt()) throw refusal(what);
}

/** Asks on the terminal; only "yes" goes on. */
async function askOnTerminal(what: string): Promise<boolean> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${what}? Type "yes" to go on: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/**
 * The `Confirm` a command hands to core: yes under `--yes`; a `UsageError` (exit 2)
 * without a terminal; the question on one.
 */
export function terminalConfirm(options: { yes: boolean }): Confirm {
  return async (what) => {
    if (options.yes) return true;
    if (!canPrompt()) throw refusal(what);
    return askOnTerminal(what);
  };
}
