/**
 * `dr status` against the local sandbox: the deployed platform (bench/lib/sandbox.ts: the
 * synthesized stacks applied by Terraform), runs the built CLI `dr status --json --sandbox` RUNS
 * times as a fresh process, and prints p50 and max wall time and the number of
 * sequential round-trip levels. The levels are measured: every AWS call of the run is
 * traced (src/core/call-trace.ts) and the longest chain of calls that each started after
 * the previous one ended is reported in the command's own JSON (`trace.levels`).
 *
 *   npx tsc -p tsconfig.build.json && npm run bench:status      # RUNS=20 to change
 *
 * Budget (DESIGN.md): p50 ≤ 1 s, at most 2 levels.
 */
import { benchSandbox, dr } from './lib/sandbox.js';
import type { StatusResult } from '../src/core/status.js';
import { median } from './lib/measure.js';

const RUNS = Number(process.env.RUNS ?? 10);
const BUDGET_P50_MS = 1000;
const BUDGET_LEVELS = 2;

const sandbox = await benchSandbox();
const cwd = sandbox.dir;
let failed = false;
try {
  const wall: number[] = [];
  const inProcess: number[] = [];
  const levels: number[] = [];
  let calls = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await dr(['status', '--json', '--sandbox'], cwd);
    if (r.code !== 0) throw new Error(`dr status exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
    const status = JSON.parse(r.stdout) as StatusResult;
    wall.push(r.ms);
    inProcess.push(status.trace.ms);
    levels.push(status.trace.levels);
    calls = status.trace.calls;
  }
  const p50 = median(wall);
  const max = Math.max(...wall);
  const maxLevels = Math.max(...levels);
  const fmt = (ms: number) => `${Math.round(ms)} ms`;
  console.log(
    `dr status --json --sandbox, ${RUNS} runs (fresh process each, the deployed sandbox on loopback)`,
  );
  console.log(`  wall time        p50 ${fmt(p50)}   max ${fmt(max)}   (budget p50 ≤ ${BUDGET_P50_MS} ms)`);
  console.log(`  AWS calls only   p50 ${fmt(median(inProcess))}   max ${fmt(Math.max(...inProcess))}`);
  console.log(
    `  AWS calls        ${calls} per run in ${maxLevels} sequential levels (measured; per run: ${levels.join(' ')}; budget ≤ ${BUDGET_LEVELS})`,
  );
  failed = p50 > BUDGET_P50_MS || maxLevels > BUDGET_LEVELS;
  console.log(failed ? 'OVER BUDGET' : 'within budget');
} finally {
  await sandbox.close();
}
process.exitCode = failed ? 1 : 0;
