/**
 * The sandbox as a newcomer runs it, measured in one run on this machine:
 *
 * 1. `dr sandbox up` cold, from a fresh directory: the emulator started and the four
 *    synthesized stacks applied by Terraform (the regional ones and the zone in parallel,
 *    then the global one), then the verify-sync gate and the runtime. Printed: the wall
 *    time, each stack's init/plan/apply, each apply's critical chain, and the slowest
 *    resources (from Terraform's own "Creation complete after" lines in the deploy logs).
 * 2. `dr sandbox up` again with nothing changed: the stacks' fingerprint is the one applied,
 *    so Terraform is not run; the verify-sync gate is.
 * 3. `dr drill --sandbox --yes`, both scenarios, on that running sandbox.
 * Then `dr sandbox down`.
 *
 *   npm run build && npm run bench:sandbox
 *
 * Budgets: cold up ≤ 120 s; a second up ≤ 20 s; the drill, sandbox running, ≤ 60 s.
 *
 * Where a cold up goes, per stack: `init`, `plan` (mostly CPU: every plan starts the
 * 700 MB provider three times) and `apply`; within an apply, the critical chain is the
 * longest dependency path of the stack's resources weighted by Terraform's own "Creation
 * complete after" (the dependencies read from the synthesized `cdk.tf.json`), printed with
 * the wait inside provider 5.100 that each link cannot go below (`PROVIDER_WAITS`: fixed
 * sleeps and N-consecutive-reads checks that no emulator answer shortens). The rest of an
 * apply is Terraform and the provider starting.
 */
import { chmod, mkdir, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { dr, sandboxDir } from './lib/sandbox.js';
import type { DrillResult } from '../src/commands/drill.js';
import type { UpResult } from '../src/sandbox/sandbox.js';
import { SANDBOX_TERRAFORM_DIR } from '../src/sandbox/deploy.js';
import { created, criticalChain, dependencies, PROVIDER_WAITS } from './lib/apply-chain.js';

const BUDGET = { coldUp: 120_000, secondUp: 20_000, drill: 60_000 };
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const verdict = (ms: number, budget: number) => `budget ≤ ${s(budget)}  ${ms <= budget ? 'OK' : 'OVER'}`;

const typeOf = (address: string) => address.split('.')[0] ?? '';
const floorNote = (address: string) => {
  const wait = PROVIDER_WAITS[typeOf(address)];
  return wait ? `  [provider ≥ ${wait.s} s: ${wait.why}]` : '';
};

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
    `    wave 1 ${s(waveMs(1))}, wave 2 ${s(waveMs(2))}; the rest (emulator start, synth, lag metric, verify-sync gate, runtime) ${s(cold.ms - waveMs(1) - waveMs(2))}`,
  );
  const all = await created(up.deploy.logDir);
  console.log('    critical chain of each apply (longest dependency path, by "Creation complete after"):');
  const floorOfWave = new Map<number, number>();
  for (const stack of up.deploy.stacks) {
    const seconds = new Map<string, number>();
    for (const c of all.filter((x) => x.stack === stack.name)) {
      seconds.set(c.address, Math.max(seconds.get(c.address) ?? 0, c.s));
    }
    const chain = criticalChain(
      await dependencies(join(cwd, SANDBOX_TERRAFORM_DIR, 'cdktf.out', 'stacks', stack.name, 'cdk.tf.json')),
      seconds,
    ).filter((a) => (seconds.get(a) ?? 0) > 0);
    const total = chain.reduce((sum, a) => sum + (seconds.get(a) ?? 0), 0);
    const floor = chain.reduce((sum, a) => sum + (PROVIDER_WAITS[typeOf(a)]?.s ?? 0), 0);
    floorOfWave.set(stack.wave, Math.max(floorOfWave.get(stack.wave) ?? 0, floor));
    console.log(
      `      ${stack.name.replace(/^.*-/, '').padEnd(9)} ${String(total).padStart(4)} s of ${s(stack.durations.apply ?? 0)} apply` +
        ` (provider's own waits on it ≥ ${floor} s): ${chain.map((a) => `${a.replace(/_[0-9A-F]{8}$/, '')} ${seconds.get(a)} s`).join(' → ')}`,
    );
  }
  const floor = [...floorOfWave.values()].reduce((a, b) => a + b, 0);
  console.log(
    `    the provider's own waits on those chains, wave after wave: ≥ ${floor} s of any cold up with provider ${up.deploy.provider.version} (budget ${s(BUDGET.coldUp)})`,
  );
  console.log('    slowest resources (Terraform\'s "Creation complete after"):');
  for (const c of all.slice(0, 10)) {
    console.log(
      `      ${String(c.s).padStart(4)} s  ${c.stack.replace(/^.*-/, '').padEnd(9)} ${c.address.replace(/_[0-9A-F]{8}$/, '')}${floorNote(c.address)}`,
    );
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
  console.log(`    setup and teardown                      ${s(drill.ms - result.report.wallMs)}`);
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
