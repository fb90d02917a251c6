/**
 * The test harness: starts the servers the tests need (the AWS emulator, PostgreSQL, the
 * deployed sandbox: see test/harness/services.ts), runs every `test/**\/*.test.ts` file
 * with node's built-in test runner, and stops the servers again, whatever happened.
 *
 * The deployed sandbox takes minutes to come up, most of it the provider waiting on its
 * own timers, so it starts first, in the background, and the files that need it run last.
 * Those files run in lanes (test/harness/lanes.ts): each lane has a deployed sandbox and
 * an emulator of its own, brought up side by side, and takes the next file when its last
 * one ends. `--checks` runs lint and the typecheck while the sandboxes come up.
 *
 *   npx tsx scripts/run-tests.ts [--checks] [substring…]   # only files whose path contains one
 *   DR_TEST_LANES=1 …                                      # one deployed sandbox (default 2)
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runInLanes, summarize, type FileResult } from '../test/harness/lanes.js';
import {
  splitByBackground,
  startBackgroundServices,
  startServices,
  type RunningServices,
} from '../test/harness/services.js';

function findTests(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith('.test.ts')) found.push(relative(process.cwd(), path));
  }
  return found.sort();
}

const args = process.argv.slice(2);
const checks = args.includes('--checks');
const filters = args.filter((a) => a !== '--checks');
const files = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}

/** `npm run <script>`, its output passed through; resolves with its exit code. */
function npmRun(script: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { stdio: 'inherit' });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
}

/** How many deployed sandboxes to bring up: one per lane (a kept sandbox is one lane). */
function laneCount(later: readonly string[]): number {
  if (later.length < 2 || process.env.DR_TEST_SANDBOX_DIR) return 1;
  const asked = Number(process.env.DR_TEST_LANES ?? 2);
  return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, later.length) : 2;
}

const { now, later } = splitByBackground(files);
const lanes = laneCount(later);
const started = Date.now();
// Each lane's servers: a deployed sandbox (background) and, from the second lane on, its
// own emulator and PostgreSQL, so no two files running at once share a server.
const backgrounds = Array.from({ length: later.length > 0 ? lanes : 0 }, () =>
  startBackgroundServices(later),
);
const laneServices = Array.from({ length: Math.max(0, lanes - 1) }, () => startServices(later));
// A failed start is reported when its files run, not as an unhandled rejection.
for (const p of [...backgrounds, ...laneServices]) p.catch(() => {});
let services: RunningServices | undefined;
const results: FileResult[] = [];
let code = 1;
try {
  let checked = 0;
  if (checks) {
    for (const script of ['lint', 'typecheck']) checked ||= await npmRun(script);
  }
  services = await startServices(files);
  results.push(...(await runInLanes(now, [services.env])));
  if (later.length > 0) {
    const waitStarted = Date.now();
    const deployed = await Promise.all(backgrounds);
    const extra = await Promise.all(laneServices);
    const waited = (Date.now() - waitStarted) / 1000;
    process.stdout.write(
      `\n(${lanes} deployed sandbox${lanes > 1 ? 'es' : ''} up; the remaining files waited ${waited.toFixed(1)} s for them)\n`,
    );
    const envs = deployed.map((d, i) => ({ ...(i === 0 ? services!.env : extra[i - 1]!.env), ...d.env }));
    // A lane whose sandbox could not be deployed takes no files, unless none could.
    const usable = envs.filter((env) => !env.DR_TEST_SANDBOX_ERROR);
    results.push(...(await runInLanes(later, usable.length > 0 ? usable : envs.slice(0, 1))));
  }
  const summary = summarize(results);
  process.stdout.write(`\n${summary.text}\nℹ wall ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  code = checked || (summary.failed.length > 0 ? 1 : 0);
} finally {
  await services?.stop();
  for (const p of [...backgrounds, ...laneServices]) await p.then((b) => b.stop()).catch(() => {});
}
process.exit(code);
