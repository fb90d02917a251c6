/**
 * The layout's arrows (STYLE.md, "Layout: the arrows point one way"):
 * `commands → core → aws | infra`, `commands → sandbox → core | lambdas`. Core never
 * imports commands, cli, lambdas or the sandbox; infra never imports core, aws or the
 * sandbox; Lambdas never import infra, core, the sandbox, commands or cli. And no import
 * circle among the files of src/.
 *
 * Every `import … from '…'`, `export … from '…'`, side-effect `import '…'` and dynamic
 * `import('…')` of a relative specifier counts, type-only ones included (a type import is
 * still a dependency of the source, even if the bundle drops it).
 *
 * `WAITING_FOR_CONTRACT` lists, one by one, the imports of infra and the Lambdas that
 * break the arrows today because what they need (resource names, the fence SQL, step
 * ids, env contracts, the checks) has no shared home yet (issue 14: `src/contract/`). The
 * list only shrinks: an import not on it fails, and so does an entry no longer true.
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

/** Imports of infra and the Lambdas that wait for the shared contract module (issue 14). */
const WAITING_FOR_CONTRACT: readonly string[] = [
  'src/infra/constructs/regional/state-machine-definition.ts → src/core/db-fence.ts',
  'src/infra/constructs/regional/state-machine-definition.ts → src/core/failover/steps.ts',
  'src/infra/stacks/regional-stack.ts → src/core/failover/watchdog-env.ts',
  'src/infra/stacks/regional-stack.ts → src/core/platform-env.ts',
  'src/lambdas/failover-watchdog/handler.ts → src/core/failover/watchdog-config.ts',
  'src/lambdas/failover-watchdog/handler.ts → src/core/failover/watchdog-env.ts',
  'src/lambdas/failover-watchdog/handler.ts → src/core/failover/watchdog.ts',
  'src/lambdas/health/decide.ts → src/core/db-fence.ts',
  'src/lambdas/health/probes.ts → src/core/db-fence.ts',
  'src/lambdas/readiness-check/deps.ts → src/core/checks/index.ts',
  'src/lambdas/readiness-check/readiness.ts → src/core/checks/index.ts',
  'src/lambdas/shared/db.ts → src/infra/naming.ts',
  'src/lambdas/shared/params.ts → src/infra/naming.ts',
  'src/lambdas/shared/runtime.ts → src/core/platform-env.ts',
  'src/lambdas/shared/runtime.ts → src/infra/naming.ts',
  'src/lambdas/trade-processor/fencing.ts → src/core/db-fence.ts',
  'src/lambdas/trade-processor/fencing.ts → src/core/db-migrations.ts',
];

/** Crossings of `from` that are not on the waiting list; and listed ones of `from` that no longer exist. */
function beyondWaitingList(from: string, forbidden: string[]): { unlisted: string[]; stale: string[] } {
  const found = crossings(from, forbidden);
  const listed = WAITING_FOR_CONTRACT.filter((c) => c.startsWith(`src/${from}/`));
  return {
    unlisted: found.filter((c) => !listed.includes(c)),
    stale: listed.filter((c) => !found.includes(c)),
  };
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

  it('core never imports the sandbox, the Lambdas, the commands or the cli', () => {
    assert.deepEqual(crossings('core', ['sandbox', 'lambdas', 'commands', 'cli']), []);
  });

  it('infra never imports core, aws or the sandbox (but for the waiting list)', () => {
    assert.deepEqual(beyondWaitingList('infra', ['core', 'aws', 'sandbox', 'commands', 'cli']), {
      unlisted: [],
      stale: [],
    });
  });

  it('the Lambdas never import infra, core, the sandbox, the commands or the cli (but for the waiting list)', () => {
    assert.deepEqual(beyondWaitingList('lambdas', ['infra', 'core', 'sandbox', 'commands', 'cli']), {
      unlisted: [],
      stale: [],
    });
  });

  it('the sandbox never imports the commands or the cli', () => {
    assert.deepEqual(crossings('sandbox', ['commands', 'cli']), []);
  });

  it('no import circle among the files of src', () => {
    const cycle = findCycle(graph);
    assert.equal(cycle, undefined, `import circle: ${cycle?.join(' → ')}`);
  });
});
