/**
 * bench:failover — the orchestration's own overhead per step, in the sandbox (the deployed
 * stacks' own state machines, run by moto; bench/lib/sandbox.ts). For every step: wall time (state entered → next step) minus
 * the time inside AWS calls (TaskScheduled → TaskSucceeded) = overhead. Waits that come
 * from the input (writer polls, the DNS shift) are 0–1 s here; on AWS they are AWS time.
 * Also the CLI side: planning, lease, start, and following until the end is seen.
 *
 * Budget (DESIGN/issue 4): ≤ 5 s of orchestration overhead for a whole failover. Prints
 * the figures; not a timed test.
 *
 *   npm run bench:failover [-- RUNS]
 */
import { median } from './lib/measure.js';
import { benchSandbox } from './lib/sandbox.js';
import { planOperation } from '../src/core/failover/plan.js';
import { executePlan } from '../src/core/failover/run.js';
import { emulatorClients, config, secondary } from '../test/core/failover/helpers.js';

const BUDGET_MS = 5000;
const runs = Number(process.argv[2] ?? 3);
const sandbox = await benchSandbox();
const clients = emulatorClients(sandbox.endpoint, 10_000);
const perStep = new Map<string, { wall: number[]; aws: number[] }>();
const totals: Record<'planned' | 'unplanned', { overhead: number[]; wall: number[]; cli: number[] }> = {
  planned: { overhead: [], wall: [], cli: [] },
  unplanned: { overhead: [], wall: [], cli: [] },
};
try {
  for (const mode of ['planned', 'unplanned'] as const) {
    for (let i = 0; i < runs; i += 1) {
      await sandbox.restore();
      const started = Date.now();
      const plan = await planOperation({
        clients,
        config,
        operation: 'failover',
        to: secondary,
        mode,
        startedBy: 'bench',
      });
      const result = await executePlan({ clients, config, plan, pollMs: 100 });
      const wall = Date.now() - started;
      if (result.outcome !== 'succeeded')
        throw new Error(`${mode} run ${i} failed: ${JSON.stringify(result.failure)}`);
      // The waits the input asks for are not orchestration: 1 s poll interval is never hit here
      // (the writer moves at once) and the DNS shift is 0 s in the sandbox.
      let overhead = 0;
      let stepsWall = 0;
      for (const s of result.steps) {
        const key = `${mode}/${s.id}@${s.region === plan.to ? 'target' : 'source'}`;
        const entry = perStep.get(key) ?? { wall: [], aws: [] };
        entry.wall.push(s.ms);
        entry.aws.push(s.awsMs);
        perStep.set(key, entry);
        overhead += s.ms - s.awsMs;
        stepsWall += s.ms;
      }
      totals[mode].overhead.push(overhead);
      totals[mode].wall.push(wall);
      totals[mode].cli.push(wall - stepsWall);
    }
  }
} finally {
  clients.destroy();
  // A kept sandbox (DR_BENCH_SANDBOX_DIR) goes to the next bench as deployed, not failed over:
  // its `dr sandbox up` gates on verify-sync.
  await sandbox.restore().catch(() => {});
  await sandbox.close();
}

const pad = (s: string, n: number) => s.padEnd(n);
const ms = (n: number) => `${Math.round(n)} ms`.padStart(8);
console.log(`bench:failover — ${runs} runs per mode, medians (moto ${'5.2.5'}, real state machines)\n`);
console.log(`${pad('step', 44)}${'wall'.padStart(8)}${'in AWS'.padStart(8)}${'overhead'.padStart(10)}`);
for (const [key, v] of perStep) {
  const wall = median(v.wall);
  const aws = median(v.aws);
  console.log(`${pad(key, 44)}${ms(wall)}${ms(aws)}${ms(wall - aws).padStart(10)}`);
}
console.log('');
for (const mode of ['planned', 'unplanned'] as const) {
  const t = totals[mode];
  const overhead = median(t.overhead);
  console.log(
    `${mode}: orchestration overhead ${Math.round(overhead)} ms of ${BUDGET_MS} ms budget (${((overhead / BUDGET_MS) * 100).toFixed(0)}%); ` +
      `end-to-end ${Math.round(median(t.wall))} ms, of which CLI (plan, lease, start, follow) ${Math.round(median(t.cli))} ms — ${overhead <= BUDGET_MS ? 'within budget' : 'OVER BUDGET'}`,
  );
}
