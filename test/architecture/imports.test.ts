/**
 * The layout's arrows (STYLE.md, "Layout: the arrows point one way"):
 * `commands → core → aws | infra`, `commands → sandbox → core | lambdas`. Core never
 * imports commands, cli, lambdas or the sandbox; infra never imports core, aws or the
 * sandbox; Lambdas never import infra, the sandbox, commands or cli; aws never imports
 * core. And no import
 * circle among the files of src/.
 *
 * Every `import … from '…'`, `export … from '…'`, side-effect `import '…'` and dynamic
 * `import('…')` of a relative specifier counts, type-only ones included (a type import is
 * still a dependency of the source, even if the bundle drops it).
 *
 * `src/contract/` holds what every part agrees on (names, SSM keys, role purposes, env
 * contracts, the fence SQL, the step list, the error types) and imports none of them.
 * The Lambdas may import core (the watchdog's decision and the readiness checks are the
 * same logic the CLI runs), never infra: no cdktf in a bundle.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SRC = join(ROOT, 'src');

/** Every .ts file under `dir`, as a path relative to the repository root with `/`. */
function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...sourceFiles(path));
    else if (entry.endsWith('.ts')) found.push(posix(relative(ROOT, path)));
  }
  return found.sort();
}

function posix(path: string): string {
  return path.split(sep).join('/');
}

const SPECIFIER = [
  // import x from '…', import type { x } from '…', export { x } from '…', export * from '…'
  /\b(?:import|export)\s+(?:type\s+)?[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
  // import '…' (side effect)
  /\bimport\s*['"]([^'"]+)['"]/g,
  // import('…'), dynamic or in a type position
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Comments out of the way, so an example in a JSDoc block is not read as an import. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** The src files `file` imports (relative specifiers only; packages are not src). */
function importsOf(file: string, text: string): string[] {
  const code = stripComments(text);
  const targets = new Set<string>();
  for (const pattern of SPECIFIER) {
    for (const match of code.matchAll(pattern)) {
      const specifier = match[1]!;
      if (!specifier.startsWith('.')) continue;
      const target = posix(relative(ROOT, resolve(ROOT, dirname(file), specifier))).replace(/\.js$/, '.ts');
      targets.add(target);
    }
  }
  return [...targets].sort();
}

const files = sourceFiles(SRC);
const graph = new Map<string, string[]>(
  files.map((file) => [file, importsOf(file, readFileSync(join(ROOT, file), 'utf8'))]),
);

/** The part of src a file belongs to: `src/core/drill/x.ts` → `core`. */
function partOf(file: string): string {
  return file.split('/')[1]!;
}

/** Each import of a file in `from` that lands in one of `forbidden`, as `a → b`. */
function crossings(from: string, forbidden: string[]): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    if (partOf(file) !== from) continue;
    for (const target of targets) if (forbidden.includes(partOf(target))) found.push(`${file} → ${target}`);
  }
  return found;
}

/** The first import circle found (depth-first), as the files around it, or undefined. */
function findCycle(edges: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (!edges.has(next)) continue;
      const seen = state.get(next);
      if (seen === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (seen === undefined) {
        const cycle = visit(next);
        if (cycle) return cycle;
      }
    }
    stack.pop();
    state.set(file, 'done');
    return undefined;
  };
  for (const file of edges.keys()) {
    if (state.has(file)) continue;
    const cycle = visit(file);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the layout: the arrows point one way', () => {
  it('reads the imports of src (the parser sees every form)', () => {
    assert.ok(files.length > 50, `only ${files.length} files under src`);
    const text = [
      "import a from './a.js';",
      "import type { B } from '../b.js';",
      "export { c } from './c.js';",
      "export * from './d.js';",
      "import './e.js';",
      "const f = await import('./f.js');",
      "type G = import('./g.js').G;",
      "import {\n  h,\n  type H,\n} from './h.js';",
      "import pg from 'pg';",
      "// import z from './commented.js';",
    ].join('\n');
    assert.deepEqual(importsOf('src/core/x.ts', text), [
      'src/b.ts',
      'src/core/a.ts',
      'src/core/c.ts',
      'src/core/d.ts',
      'src/core/e.ts',
      'src/core/f.ts',
      'src/core/g.ts',
      'src/core/h.ts',
    ]);
    assert.deepEqual(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', ['a']],
        ]),
      ),
      ['a', 'b', 'c', 'a'],
    );
    assert.equal(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
      undefined,
    );
  });

  it('the contract imports no other part (but the config it is derived from)', () => {
    assert.deepEqual(
      crossings('contract', ['aws', 'cli', 'commands', 'core', 'infra', 'lambdas', 'sandbox']),
      [],
    );
  });

  it('core never imports the sandbox, the Lambdas, the commands or the cli', () => {
    assert.deepEqual(crossings('core', ['sandbox', 'lambdas', 'commands', 'cli']), []);
  });

  it('aws never imports core (its errors come from the contract)', () => {
    assert.deepEqual(crossings('aws', ['core', 'sandbox', 'lambdas', 'commands', 'cli', 'infra']), []);
  });

  it('infra never imports core, aws, the sandbox, the commands or the cli', () => {
    assert.deepEqual(crossings('infra', ['core', 'aws', 'sandbox', 'commands', 'cli']), []);
  });

  it('the Lambdas never import infra, the sandbox, the commands or the cli', () => {
    assert.deepEqual(crossings('lambdas', ['infra', 'sandbox', 'commands', 'cli']), []);
  });

  it('the sandbox never imports the commands or the cli', () => {
    assert.deepEqual(crossings('sandbox', ['commands', 'cli']), []);
  });

  it('no cdktf import outside src/infra', () => {
    const outside = files.filter(
      (file) =>
        partOf(file) !== 'infra' &&
        /\bfrom\s*['"](?:cdktf|@cdktf\/[^'"]*|constructs)['"]|\brequire(?:Cjs)?\(\s*['"](?:cdktf|@cdktf\/)/.test(
          stripComments(readFileSync(join(ROOT, file), 'utf8')),
        ),
    );
    assert.deepEqual(outside, []);
  });

  it('no import circle among the files of src', () => {
    const cycle = findCycle(graph);
    assert.equal(cycle, undefined, `import circle: ${cycle?.join(' → ')}`);
  });
});
