/**
 * `dr status` against the local emulator: starts a sandbox emulator (the launcher),
 * seeds the deployed platform, runs the built CLI `dr status --json --sandbox` RUNS
 * times as a fresh process, and prints p50 and max wall time and the number of
 * sequential round-trip levels. The levels are measured: every AWS call of the run is
 * traced (src/core/call-trace.ts) and the longest chain of calls that each started after
 * the previous one ended is reported in the command's own JSON (`trace.levels`).
 *
 *   npx tsc -p tsconfig.build.json && npm run bench:status      # RUNS=20 to change
 *
 * Budget (DESIGN.md): p50 ≤ 1 s, at most 2 levels.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClients } from '../src/aws/clients.js';
import { configSchema } from '../src/config/schema.js';
import { startEmulator } from '../src/core/sandbox/emulator.js';
import { seedPlatform } from '../src/core/sandbox/seed.js';
import { writeSandboxState } from '../src/core/sandbox/state.js';
import type { StatusResult } from '../src/core/status.js';
import { median } from './lib/measure.js';

const RUNS = Number(process.env.RUNS ?? 10);
const CLI = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const BUDGET_P50_MS = 1000;
const BUDGET_LEVELS = 2;
const input = { app: 'trading', dns: { domain: 'trading.example.com' } };

function run(cwd: string): Promise<{ ms: number; code: number; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'status', '--json', '--sandbox'], {
      cwd,
      env: { ...process.env, NO_COLOR: '1', CI: 'true' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code: code ?? 1, stdout, stderr });
    });
  });
}

const cwd = await mkdtemp(join(tmpdir(), 'dr-bench-status-'));
const emulator = await startEmulator({ port: 0 });
let failed = false;
try {
  const config = configSchema.parse(input);
  const clients = createClients({ endpoint: emulator.endpoint, maxAttempts: 1 });
  try {
    await seedPlatform({ clients, config });
  } finally {
    clients.destroy();
  }
  await writeFile(join(cwd, 'dr.config.json'), JSON.stringify(input));
  await writeSandboxState(
    {
      endpoint: emulator.endpoint,
      pid: emulator.pid,
      startedAt: new Date().toISOString(),
      configFile: join(cwd, 'dr.config.json'),
      regions: config.regions,
    },
    cwd,
  );

  const wall: number[] = [];
  const inProcess: number[] = [];
  const levels: number[] = [];
  let calls = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await run(cwd);
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
  console.log(`dr status --json --sandbox, ${RUNS} runs (fresh process each, seeded emulator on loopback)`);
  console.log(`  wall time        p50 ${fmt(p50)}   max ${fmt(max)}   (budget p50 ≤ ${BUDGET_P50_MS} ms)`);
  console.log(`  AWS calls only   p50 ${fmt(median(inProcess))}   max ${fmt(Math.max(...inProcess))}`);
  console.log(
    `  AWS calls        ${calls} per run in ${maxLevels} sequential levels (measured; per run: ${levels.join(' ')}; budget ≤ ${BUDGET_LEVELS})`,
  );
  failed = p50 > BUDGET_P50_MS || maxLevels > BUDGET_LEVELS;
  console.log(failed ? 'OVER BUDGET' : 'within budget');
} finally {
  await emulator.stop();
  await rm(cwd, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
