/**
 * Deploy order from stack dependencies: a list of waves, each wave a set of stacks
 * whose dependencies are all in earlier waves (so a wave can deploy in parallel).
 */
import { UsageError } from '../contract/errors.js';

export function deployWaves(dependencies: Readonly<Record<string, readonly string[]>>): string[][] {
  const remaining = new Map(Object.entries(dependencies).map(([name, deps]) => [name, new Set(deps)]));
  for (const [name, deps] of remaining) {
    for (const dep of deps) {
      if (!remaining.has(dep)) throw new UsageError(`stack ${name} depends on unknown stack ${dep}`);
    }
  }
  const waves: string[][] = [];
  const done = new Set<string>();
  while (remaining.size > 0) {
    const wave = [...remaining]
      .filter(([, deps]) => [...deps].every((d) => done.has(d)))
      .map(([name]) => name)
      .sort();
    if (wave.length === 0) {
      throw new UsageError(
        `stacks depend on each other in a cycle: ${[...remaining.keys()].sort().join(', ')}`,
      );
    }
    for (const name of wave) {
      remaining.delete(name);
      done.add(name);
    }
    waves.push(wave);
  }
  return waves;
}
