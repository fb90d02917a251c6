/**
 * The sandbox as a newcomer runs it, measured in one run on this machine:
 *
 * 1. `dr sandbox up` cold, from a fresh directory: the emulator started and the three
 *    synthesized stacks applied by Terraform (the regional ones in parallel, then the
 *    global one), then the verify-sync gate. Printed: the wall time, each stack's
 *    init/plan/apply, and the slowest resources (from Terraform's own "Creation complete
 *    after" lines in the deploy logs).
 * 2. `dr sandbox up` again with nothing changed: the stacks' fingerprint is the one applied,
 *    so Terraform is not run; the verify-sync gate is.
 * 3. `dr drill --sandbox --yes`, both scenarios, on that running sandbox.
 * Then `dr sandbox down`.
 *
 *   npm run build && npm run bench:sandbox
 *
 * Budgets: cold up ≤ 120 s; a second up ≤ 20 s; the drill, sandbox running, ≤ 60 s.
 */
import { chmod, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { dr, sandboxDir } from './lib/sandbox.js';
import type { DrillResult } from '../src/commands/drill.js';
import type { UpResult } from '../src/sandbox/sandbox.js';

const BUDGET = { coldUp: 120_000, secondUp: 20_000, drill: 60_000 };
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const verdict = (ms: number, budget: number) => `budget ≤ ${s(budget)}  ${ms <= budget ? 'OK' : 'OVER'}`;

/** `[seconds, address]` of every "Creation complete after" line in a stack's deploy log. */
async function slowest(logDir: string): Promise<Array<[number, string, string]>> {
  const found: Array<[number, string, string]> = [];
  for (const file of await readdir(logDir)) {
    const stack = file.replace(/\.log$/, '');
    const text = await readFile(join(logDir, file), 'utf8');
    for (const m of text.matchAll(/^(\S+): Creation complete after (?:(\d+)m)?(\d+)s/gm)) {
      found.push([Number(m[2] ?? 0) * 60 + Number(m[3]), stack, m[1] ?? '']);
    }
  }
  return found.sort((a, b) => b[0] - a[0]);
}

const cwd = await sandboxDir('dr-bench-sandbox-');
const tmp = join(cwd, 'tmp');
await mkdir(tmp);
await chmod(tmp, 0o755);
let over = false;
try {
  console.log(`bench:sandbox  ${cpus().length} CPUs, Node ${process.version}`);
  const cold = await dr(['sandbox', 'up', '--json'], cwd);
  if (cold.code !== 0) throw new Error(`dr sandbox up exited ${cold.code}: ${cold.stderr.slice(-1500)}`);
  const up = JSON.parse(cold.stdout) as UpResult;
  over ||= cold.ms > BUDGET.coldUp;
  console.log(
    `  dr sandbox up, cold                     ${s(cold.ms).padStart(8)}   ${verdict(cold.ms, BUDGET.coldUp)}`,
  );
  console.log(
    `    provider hashicorp/aws ${up.deploy.provider.version} (${up.deploy.provider.source}), Terraform ${up.deploy.terraform}`,
  );
  for (const stack of up.deploy.stacks) {
    const d = stack.durations;
    console.log(
      `    ${stack.name.padEnd(24)} wave ${stack.wave}  ${String(stack.resources).padStart(3)} resources  init ${s(d.init ?? 0)}, plan ${s(d.plan ?? 0)}, apply ${s(d.apply ?? 0)}`,
    );
  }
  const waveMs = (wave: number) =>
    Math.max(0, ...up.deploy.stacks.filter((x) => x.wave === wave).map((x) => x.durations.total));
  console.log(
    `    wave 1 ${s(waveMs(1))}, wave 2 ${s(waveMs(2))}; emulator start, synth, lag metric and verify-sync gate ${s(cold.ms - waveMs(1) - waveMs(2))}`,
  );
  console.log('    slowest resources (Terraform\'s "Creation complete after"):');
  for (const [secs, stack, address] of (await slowest(up.deploy.logDir)).slice(0, 8)) {
    console.log(`      ${String(secs).padStart(4)} s  ${stack.replace(/^.*-/, '')}  ${address}`);
  }

  const second = await dr(['sandbox', 'up', '--json'], cwd);
  if (second.code !== 0)
    throw new Error(`the second dr sandbox up exited ${second.code}: ${second.stderr.slice(-1500)}`);
  const again = JSON.parse(second.stdout) as UpResult;
  over ||= second.ms > BUDGET.secondUp;
  console.log(
    `  dr sandbox up, again (nothing changed)  ${s(second.ms).padStart(8)}   ${verdict(second.ms, BUDGET.secondUp)}`,
  );
  console.log(
    again.deploy.unchangedSince
      ? `    stacks unchanged since their apply at ${again.deploy.unchangedSince}: Terraform not run; verify-sync ${again.deploy.gate?.passed ?? 0} passed, ${again.deploy.gate?.failed ?? 0} failed`
      : `    ${again.deploy.stacks.map((x) => `${x.name.replace(/^.*-/, '')}: ${x.plan?.line ?? x.status}`).join('; ')}`,
  );

  const drill = await dr(['drill', '--sandbox', '--yes', '--json', '--report', 'report'], cwd, {
    TMPDIR: tmp,
  });
  if (drill.code !== 0)
    throw new Error(
      `dr drill exited ${drill.code}: ${drill.stderr.slice(-1500)}${drill.stdout.slice(-1500)}`,
    );
  const result = JSON.parse(drill.stdout) as DrillResult;
  if (result.kind !== 'done') throw new Error(`unexpected drill result ${result.kind}`);
  over ||= drill.ms > BUDGET.drill;
  console.log(
    `  dr drill --sandbox, sandbox running     ${s(drill.ms).padStart(8)}   ${verdict(drill.ms, BUDGET.drill)}`,
  );
  console.log(`    PostgreSQL, in-process platform, teardown  ${s(drill.ms - result.report.wallMs)}`);
  for (const sc of result.report.scenarios) {
    const intake = sc.components.find((c) => c.name === 'order-intake')?.measuredMs ?? null;
    console.log(
      `    ${sc.name.padEnd(14)} ${s(sc.wallMs).padStart(7)}  ${sc.verdict.toUpperCase()}  (failover ${s(sc.failover?.totalMs ?? 0)}, failback ${s(sc.failback?.totalMs ?? 0)}, order intake ${intake === null ? '—' : s(intake)})`,
    );
  }
} catch (error) {
  console.error(`bench:sandbox: ${(error as Error).message}`);
  over = true;
} finally {
  await dr(['sandbox', 'down'], cwd);
  await rm(cwd, { recursive: true, force: true });
}
if (over) process.exitCode = 1;
