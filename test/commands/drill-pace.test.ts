/**
 * `dr drill --sandbox --pace aws` as a process: the region-outage scenario with Route 53's
 * health checks at the config's interval and threshold, the record's TTL honoured and the
 * watchdog on its one-minute schedule, so the order-intake RTO it measures is what AWS
 * would: above the detection floor (interval × threshold: nothing can notice sooner) and
 * within the config's computed budget (detection + TTL + orchestration). Minutes of
 * waiting, little CPU.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../harness/cli.js';
import { deployedSandbox } from '../sandbox/deployed.js';
import { parseConfig } from '../../src/config/load.js';
import { rtoBudget } from '../../src/core/rto-budget.js';
import { drillFailure } from './drill-failure.js';

describe('dr drill --sandbox --pace aws (CLI)', () => {
  let cwd: string;
  before(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'dr-drill-pace-'));
  });
  after(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('measures the order-intake RTO of a region outage as AWS would: above the detection floor, within the budget', async () => {
    // Given the run's deployed sandbox (no runtime: the drill starts one at AWS pace)
    const sandbox = deployedSandbox();
    const config = parseConfig(JSON.parse(await readFile(join(sandbox.dir, 'dr.config.json'), 'utf8')));
    const { intervalSeconds, failureThreshold } = config.dns.healthCheck;
    const floorMs = intervalSeconds * failureThreshold * 1000;
    const budgetMs = rtoBudget(config).totalSeconds * 1000;
    const report = join(cwd, 'out');

    // When the region-outage drill runs at AWS pace
    const result = await runCli(
      [
        'drill',
        '--sandbox',
        '--pace',
        'aws',
        '--scenario',
        'region-outage',
        '--yes',
        '--json',
        '--report',
        report,
      ],
      { cwd: sandbox.dir, timeoutMs: 330_000 },
    );

    // Then it passes, and says it ran at AWS pace
    assert.equal(result.code, 0, drillFailure(result));
    const out = JSON.parse(result.stdout) as {
      report: {
        verdict: string;
        scenarios: Array<{
          name: string;
          pace: { name: string; factor: number } | null;
          components: Array<{ name: string; measuredMs: number | null }>;
          dataLoss: { mode: string; lost: { known: boolean } } | null;
        }>;
      };
    };
    const scenario = out.report.scenarios[0]!;
    assert.equal(scenario.name, 'region-outage');
    assert.deepEqual(scenario.pace, { name: 'aws', factor: 1 });
    // And the order-intake RTO is no shorter than Route 53 can notice, and within the budget
    const intake = scenario.components.find((c) => c.name === 'order-intake')?.measuredMs;
    assert.ok(intake !== null && intake !== undefined, 'order intake recovered');
    assert.ok(intake >= floorMs, `order-intake RTO ${intake} ms is below the detection floor ${floorMs} ms`);
    assert.ok(intake <= budgetMs, `order-intake RTO ${intake} ms is over the budget ${budgetMs} ms`);
    // And the loss was read from the old primary once it answered
    assert.equal(scenario.dataLoss?.mode, 'unplanned');
    assert.equal(scenario.dataLoss?.lost.known, true);
  });
});
