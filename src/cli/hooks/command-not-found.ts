/**
 * An unknown command: one line in the `dr:` format naming the nearest command (or a JSON
 * error under `--json`), exit 2 (bad usage), instead of oclif's default "command not
 * found" (exit 127, and no suggestion without a terminal). The nearest is by edit
 * distance over the visible command ids and aliases, as oclif's not-found plugin does.
 */
import { Errors, toConfiguredId, type Hook } from '@oclif/core';
import { ExitCode } from '../exit-codes.js';

/** Levenshtein distance: insertions, deletions and substitutions each cost 1. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The nearest of `candidates` to `id`, or undefined when none is reasonably close. */
export function nearest(id: string, candidates: readonly string[]): string | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(id, candidate);
    if (!best || distance < best.distance) best = { id: candidate, distance };
  }
  // More edits than half the word: a guess, not a suggestion.
  return best && best.distance <= Math.max(2, Math.ceil(id.length / 2)) ? best.id : undefined;
}

const hook: Hook<'command_not_found'> = async function (options) {
  const hidden = new Set(options.config.commands.filter((c) => c.hidden).map((c) => c.id));
  const ids = [...options.config.commandIDs, ...options.config.commands.flatMap((c) => c.aliases)].filter(
    (c) => !hidden.has(c),
  );
  const bin = options.config.bin;
  const typed = toConfiguredId(options.id, options.config);
  const suggestion = nearest(options.id, ids);
  const shown = suggestion ? toConfiguredId(suggestion, options.config) : undefined;
  const message = shown
    ? `unknown command "${typed}": did you mean \`${bin} ${shown}\`? (\`${bin} help\` lists every command)`
    : `unknown command "${typed}": run \`${bin} help\` for the list of commands`;
  if ((options.argv ?? []).includes('--json')) {
    const error = {
      code: 'UNKNOWN_COMMAND',
      message,
      exitCode: ExitCode.Usage,
      ...(shown ? { suggestion: shown } : {}),
    };
    process.stdout.write(`${JSON.stringify({ error }, null, 2)}\n`);
  } else {
    process.stderr.write(`${bin}: ${message}\n`);
  }
  // Already reported: oclif exits with the code and prints nothing more.
  throw new Errors.ExitError(ExitCode.Usage);
};

export default hook;
