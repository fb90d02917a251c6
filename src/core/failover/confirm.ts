/**
 * Asking a person before a mutating command: only on a terminal; without one the
 * command refuses unless `--yes` (a runbook must say it means it).
 */
import { createInterface } from 'node:readline/promises';
import { UsageError } from '../../contract/errors.js';

export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

/** Throws `UsageError` (exit 2) without a terminal; asks on one. True when confirmed. */
export async function confirmOrRefuse(what: string, options: { yes: boolean }): Promise<boolean> {
  if (options.yes) return true;
  if (!canPrompt()) {
    throw new UsageError(`refusing to start (${what}) without a terminal to confirm on: pass --yes`);
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(`${what}? Type "yes" to go on: `);
    return answer.trim().toLowerCase() === 'yes';
  } finally {
    rl.close();
  }
}

/** The early refusal, before anything is read or changed. */
export function refuseWithoutTerminal(what: string): void {
  if (!canPrompt())
    throw new UsageError(`refusing to start (${what}) without a terminal to confirm on: pass --yes`);
}
