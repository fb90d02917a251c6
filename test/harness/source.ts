/** Whether a test file declares a need by what it imports (e.g. a service's helper). */
import { readFileSync } from 'node:fs';
import { dirname, resolve, sep } from 'node:path';

const RELATIVE_FROM = /\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** The files `file` imports by a relative specifier, as absolute paths of their .ts sources. */
function relativeImports(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return [...text.matchAll(RELATIVE_FROM)].map((m) => resolve(dirname(file), m[1]!).replace(/\.js$/, '.ts'));
}

/**
 * True when `file` imports `target` (a path), directly or through the test helpers it
 * imports: the declaration holds wherever the files sit and whichever helper a test uses
 * (`useEmulatorClients` brings the emulator's client with it). Only files under the
 * target's repository `test/` folder are followed; src/ never imports a test helper.
 */
export function importsFile(file: string, target: string): boolean {
  const wanted = resolve(target);
  const testRoot = wanted.slice(0, wanted.lastIndexOf(`${sep}test${sep}`) + `${sep}test`.length);
  const seen = new Set<string>();
  const queue = [resolve(file)];
  while (queue.length > 0) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const imported of relativeImports(next)) {
      if (imported === wanted) return true;
      if (imported.startsWith(`${testRoot}/`)) queue.push(imported);
    }
  }
  return false;
}
