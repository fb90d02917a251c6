/**
 * The watchdog's EventBridge schedule in-process (src/sandbox/watchdog-schedule.ts),
 * against the emulator: the AWS drill's blackout of the primary (its order API stage
 * throttled to 0) makes the schedule start the unplanned failover in the secondary when
 * auto-failover is on, and nothing when it is off.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { followExecution } from '../../src/core/failover/execution.js';
import { silentReporter } from '../../src/core/reporter.js';
import { restoreRegion, setOutage } from '../../src/sandbox/emulator.js';
import { WatchdogSchedule, startWatchdogSchedule } from '../../src/sandbox/watchdog-schedule.js';
import { useDeployedPlatform } from './deployed.js';
import {
  config,
  naming,
  platformState,
  primary,
  secondary,
  setAutoFailover,
} from '../core/failover/helpers.js';
import { useEmulatorClients } from '../emulator/use-clients.js';
import { BLACKOUT, sleep, throttleStage, until } from './helpers.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint, 3000);

const waitFor = (what: string, ok: () => boolean) => until(what, ok, (done) => done, 20_000);

async function failoverExecutions(): Promise<number> {
  const machines = (await clients.sfn(secondary).listStateMachines({})).stateMachines ?? [];
  const arn = machines.find((m) => m.name === naming.stateMachine(secondary, 'failover'))?.stateMachineArn;
  assert.ok(arn);
  return ((await clients.sfn(secondary).listExecutions({ stateMachineArn: arn })).executions ?? []).length;
}

describe('watchdog schedule (emulator)', () => {
  it('auto-failover on: with the primary throttled to 0 it starts the unplanned failover in the secondary, once', async () => {
    // Given auto-failover on and the primary's stage throttled to 0
    await setAutoFailover(clients, 'on');
    await throttleStage(clients, primary, BLACKOUT);

    // When the schedule runs in the secondary
    const schedule = startWatchdogSchedule({ clients, config, everyMs: 200, probeIntervalMs: 0 });
    let arn: string | undefined;
    try {
      await waitFor('a run that started the failover', () => schedule.firstExecution() !== undefined);
      arn = schedule.firstExecution()?.executionArn;
    } finally {
      await schedule.stop();
    }
    // (the execution runs to its end before anything is asserted: it must not outlive the test)
    const outcome = await followExecution({
      sfn: clients.sfn(secondary),
      executionArn: arn ?? '',
      region: secondary,
      reporter: silentReporter,
      pollMs: 100,
      timeoutMs: 60_000,
    });

    // Then that run decided to fail over on the 429s and started the execution in the secondary
    const fired = schedule.firstExecution();
    assert.equal(fired?.region, secondary);
    assert.equal(fired?.decision?.action, 'failover', fired?.decision?.reason);
    assert.match(fired?.decision?.reason ?? '', /429 Too Many Requests/);
    assert.ok(arn?.includes(`:${secondary}:`), arn);
    const execution = await clients.sfn(secondary).describeExecution({ executionArn: arn });
    assert.equal((JSON.parse(execution.input ?? '{}') as { to?: string }).to, secondary);
    assert.equal(await failoverExecutions(), 1);
    assert.equal(schedule.runs.filter((r) => r.executionArn).length, 1);
    // And the failover it started ran to its end
    assert.equal(outcome.status, 'SUCCEEDED', JSON.stringify(outcome.failure));
    assert.equal((await platformState(clients)).writer, secondary);
  });

  it('auto-failover off: the runs see the failures and start nothing; runs never overlap', async () => {
    // Given auto-failover off and the primary's stage throttled to 0
    await setAutoFailover(clients, 'off');
    await throttleStage(clients, primary, BLACKOUT);

    // When the schedule ticks faster than one run takes (3 probes 100 ms apart)
    const schedule = new WatchdogSchedule({ clients, config, everyMs: 50, probeIntervalMs: 100 }).start();
    try {
      await waitFor('three runs', () => schedule.runs.length >= 3);
    } finally {
      await schedule.stop();
    }

    // Then every run decided nothing because auto-failover is off, and no execution exists
    for (const run of schedule.runs) {
      assert.equal(run.error, undefined);
      assert.equal(run.decision?.action, 'none');
      assert.match(run.decision?.reason ?? '', /auto-failover is off/);
      assert.equal(run.executionArn, undefined);
    }
    assert.equal(await failoverExecutions(), 0);
    // And the ticks that came during a run were skipped, not run concurrently
    assert.ok(schedule.skipped > 0);
    for (let i = 1; i < schedule.runs.length; i += 1) {
      const previous = schedule.runs[i - 1];
      const run = schedule.runs[i];
      assert.ok(previous && run && run.at >= previous.at + previous.ms, 'runs overlap');
    }
    // And a stopped schedule runs no more
    const count = schedule.runs.length;
    await sleep(200);
    assert.equal(schedule.runs.length, count);
  });

  it('records a failed run and goes on', async () => {
    // Given the secondary (where it runs) in outage
    await setAutoFailover(clients, 'off');
    await setOutage(endpoint, secondary, 'refuse');
    const schedule = startWatchdogSchedule({ clients, config, everyMs: 50, probeIntervalMs: 0 });
    try {
      await waitFor('a failed run', () => schedule.runs.some((r) => r.error !== undefined));
      // When the region is back
      await restoreRegion(endpoint, secondary);
      // Then the next runs decide again
      await waitFor('a run after the restore', () => schedule.runs.at(-1)?.decision !== undefined);
    } finally {
      await schedule.stop();
    }
    const failed = schedule.runs.find((r) => r.error !== undefined);
    assert.match(failed?.error ?? '', /did not answer/);
    assert.equal(failed?.decision, undefined);
  });
});
