/**
 * `--stack NAME…`: which stacks this deploy runs, in which waves. Only the named stacks
 * run (dependencies are NOT pulled in): re-deploying the secondary region must not touch
 * the primary, and a dependency's outputs come from its deployed state. The dependencies
 * left out are listed so the operator sees what the selected stacks rely on.
 */
import { UsageError } from '../../contract/errors.js';

export interface StackSelection {
  /** The deploy waves restricted to the selected stacks (empty waves dropped). */
  readonly waves: string[][];
  readonly selected: string[];
  /** Dependencies of selected stacks that this run does not deploy. */
  readonly dependenciesNotSelected: string[];
}

/**
 * The full names of `requested` (full or short names) among `names`; an unknown or
 * ambiguous name is a `UsageError` listing the stacks. Called before anything is
 * synthesized too (from the names the config gives), so a typo writes nothing.
 */
export function resolveStackNames(names: readonly string[], requested: readonly string[]): string[] {
  return requested.map((wanted) => {
    const match = names.includes(wanted) ? [wanted] : names.filter((n) => n.endsWith(`-${wanted}`));
    if (match.length !== 1) {
      throw new UsageError(
        `${match.length === 0 ? 'unknown' : 'ambiguous'} stack "${wanted}": the stacks are ${names.join(', ')} (short names work: ${names.map((n) => n.split('-').at(-1)).join(', ')})`,
      );
    }
    return match[0] as string;
  });
}

/**
 * Resolves `requested` names (a full stack name, or its last part: `global` for
 * `trading-prod-global`) against the synthesized stacks. No names: every stack.
 */
export function selectStacks(
  stacks: ReadonlyArray<{ readonly name: string; readonly dependencies: readonly string[] }>,
  deployOrder: readonly (readonly string[])[],
  requested: readonly string[] = [],
): StackSelection {
  const chosen = new Set(
    resolveStackNames(
      stacks.map((s) => s.name),
      requested,
    ),
  );
  const all = requested.length === 0;
  const waves = deployOrder
    .map((wave) => wave.filter((n) => all || chosen.has(n)))
    .filter((w) => w.length > 0);
  const selected = waves.flat();
  const dependenciesNotSelected = [
    ...new Set(
      stacks
        .filter((s) => selected.includes(s.name))
        .flatMap((s) => s.dependencies)
        .filter((d) => !selected.includes(d)),
    ),
  ].sort();
  return { waves, selected, dependenciesNotSelected };
}

/** `.dr/deploy/<UTC timestamp>`: one folder per run, one `<stack>.log` per stack. */
export function logDirFor(root: string, now: Date = new Date()): string {
  return `${root}/${now.toISOString().replaceAll(':', '-').replace('.', '-')}`;
}
