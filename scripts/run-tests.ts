/**
 * The test harness: starts the servers the tests need once per run (the AWS emulator,
 * PostgreSQL: see test/harness/services.ts), runs every `test/**\/*.test.ts` file with
 * node's built-in test runner, and stops the servers again, whatever happened.
 *
 *   npx tsx scripts/run-tests.ts [substring…]   # only files whose path contains one
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startServices } from '../test/harness/services.js';

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

const services = await startServices(files);
let code = 1;
try {
  code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
      { stdio: 'inherit', env: { ...process.env, ...services.env } },
    );
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
} finally {
  await services.stop();
}
process.exit(code);
