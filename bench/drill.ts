/**
 * The full sandbox drill, both scenarios, as a newcomer runs it: the built CLI
 * `dr drill --sandbox --yes --json` from a fresh directory, which starts the sandbox and
 * PostgreSQL itself and stops them at the end. Prints the wall time of the whole command
 * and its split: setup and teardown (emulator, seed, PostgreSQL) and each scenario (from
 * the report the command returned).
 *
 *   npx tsc -p tsconfig.build.json && npm run bench:drill
 *
 * Budget (issue 5): the whole drill ≤ 60 s on a 2-core machine.
 */
import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DrillResult } from '../src/commands/drill.js';

const BUDGET_MS = 60_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'run.js');

const cwd = await mkdtemp(join(tmpdir(), 'dr-bench-drill-'));
const tmp = join(cwd, 'tmp');
await mkdir(tmp);
await chmod(cwd, 0o755); // PostgreSQL runs as `postgres` when root
await chmod(tmp, 0o755);
await copyFile(join(ROOT, 'dr.config.json'), join(cwd, 'dr.config.json'));
try {
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        process.execPath,
        [CLI, 'drill', '--sandbox', '--yes', '--json', '--report', 'report'],
        {
          cwd,
          env: { ...process.env, NO_COLOR: '1', CI: 'true', TMPDIR: tmp },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
      child.on('error', reject);
      child.on('close', (c) => {
        clearTimeout(timer);
        resolve({ code: c ?? 1, stdout: out, stderr: err });
      });
    },
  );
  const wallMs = performance.now() - started;
  if (code !== 0) {
    console.error(`dr drill exited ${code}:\n${stderr.slice(-2000)}${stdout.slice(-2000)}`);
    process.exitCode = 1;
  } else {
    const result = JSON.parse(stdout) as DrillResult;
    if (result.kind !== 'done') throw new Error(`unexpected result ${result.kind}`);
    const { report } = result;
    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    console.log(`bench:drill  ${cpus().length} CPUs, Node ${process.version}`);
    console.log(
      `  dr drill --sandbox (both scenarios), wall      ${s(wallMs)}   budget ≤ ${s(BUDGET_MS)}  ${wallMs <= BUDGET_MS ? 'OK' : 'OVER'}`,
    );
    console.log(`    start + seed sandbox, PostgreSQL, teardown  ${s(wallMs - report.wallMs)}`);
    console.log(`    drill (lease, scenarios, report)            ${s(report.wallMs)}`);
    for (const sc of report.scenarios) {
      const intake = sc.components.find((c) => c.name === 'order-intake')?.measuredMs ?? null;
      console.log(
        `      ${sc.name.padEnd(14)} ${s(sc.wallMs).padStart(7)}  ${sc.verdict.toUpperCase()}  (failover ${s(sc.failover?.totalMs ?? 0)}, failback ${s(sc.failback?.totalMs ?? 0)}, order intake ${intake === null ? '—' : s(intake)})`,
      );
    }
    if (wallMs > BUDGET_MS) process.exitCode = 1;
  }
} finally {
  await rm(cwd, { recursive: true, force: true });
}
