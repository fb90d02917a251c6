/**
 * The test harness: starts the servers the tests need once per run (the AWS emulator,
 * PostgreSQL, the deployed sandbox: see test/harness/services.ts), runs every
 * `test/**\/*.test.ts` file with node's built-in test runner, and stops the servers again,
 * whatever happened. The files that need the deployed sandbox run last, while it comes up
 * the others run.
 *
 *   npx tsx scripts/run-tests.ts [substring…]   # only files whose path contains one
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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

const filters = process.argv.slice(2);
const files = findTests('test').filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}

/** Runs test files with node's runner, one file at a time (they share the servers). */
function runFiles(batch: readonly string[], env: Record<string, string>): Promise<number> {
  if (batch.length === 0) return Promise.resolve(0);
  return new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...batch],
      { stdio: 'inherit', env: { ...process.env, ...env } },
    );
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
}

// The deployed sandbox takes minutes to come up, most of it the provider waiting on its own
// timers: it starts first, in the background, and the files that need it run after the others.
const { now, later } = splitByBackground(files);
const background = startBackgroundServices(later);
// A failed background start is reported when its files run, not as an unhandled rejection.
background.catch(() => {});
let services: RunningServices | undefined;
let code = 1;
try {
  services = await startServices(files);
  const first = await runFiles(now, services.env);
  let second = 0;
  if (later.length > 0) {
    const waitStarted = Date.now();
    const deployed = await background;
    const waited = (Date.now() - waitStarted) / 1000;
    if (now.length > 0)
      process.stderr.write(`(the remaining files waited ${waited.toFixed(1)} s for their servers)\n`);
    second = await runFiles(later, { ...services.env, ...deployed.env });
  }
  code = first || second;
} finally {
  await services?.stop();
  await background.then((b) => b.stop()).catch(() => {});
}
process.exit(code);
