/**
 * bench/synth: what `dr synth` costs against what a naive cdktf app pays just to import
 * the provider's root barrel, measured side by side in one run; and the cold
 * `dr --help` time. Needs a build (`npm run build`).
 *
 *   npx tsx bench/synth.ts [--runs N]
 *
 * Budgets (DESIGN.md): synth wall ≤ 0.25 × root-import wall; synth peak RSS ≤ 300 MB;
 * `dr --help` cold ≤ 300 ms. Exits 1 when a budget is missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureNode, median, row } from './lib/measure.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const runsFlag = process.argv.indexOf('--runs');
const runs = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;

const out = mkdtempSync(join(tmpdir(), 'dr-bench-synth-'));
try {
  const help = measureNode('dr --help (cold)', ['bin/run.js', '--help'], runs, ROOT);
  const synth = measureNode(
    'dr synth (all stacks, in-process)',
    ['bin/run.js', 'synth', '--out', out],
    runs,
    ROOT,
  );
  const barrel = measureNode(
    'node -e "require(\'@cdktf/provider-aws\')"',
    ['-e', "require('@cdktf/provider-aws')"],
    runs,
    ROOT,
  );

  const ratio = median(synth.wallMs) / median(barrel.wallMs);
  const synthRss = Math.max(...synth.rssMb);
  const helpMs = median(help.wallMs);
  console.log(`${'command'.padEnd(44)} ${'median'.padStart(10)}  ${'peak RSS'.padStart(8)}`);
  for (const m of [synth, barrel, help]) console.log(row(m));
  console.log('');
  const checks = [
    {
      what: 'synth / provider-root import (wall)',
      value: ratio.toFixed(3),
      budget: '≤ 0.25',
      ok: ratio <= 0.25,
    },
    { what: 'synth peak RSS', value: `${synthRss.toFixed(0)} MB`, budget: '≤ 300 MB', ok: synthRss <= 300 },
    {
      what: 'dr --help cold (median)',
      value: `${helpMs.toFixed(0)} ms`,
      budget: '≤ 300 ms',
      ok: helpMs <= 300,
    },
  ];
  for (const c of checks)
    console.log(
      `${c.ok ? 'PASS' : 'FAIL'}  ${c.what.padEnd(38)} ${c.value.padStart(8)}  (budget ${c.budget})`,
    );
  process.exitCode = checks.every((c) => c.ok) ? 0 : 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
