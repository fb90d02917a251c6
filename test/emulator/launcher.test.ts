/**
 * The launcher (src/sandbox/emulator.ts) as `dr sandbox` uses it: a detached
 * emulator that outlives its starter and is stopped by pid, and the control endpoint's
 * input checks. (The shared emulator of the run was itself started by the launcher.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  EmulatorControlError,
  listOutages,
  setOutage,
  startEmulator,
  stopEmulator,
} from '../../src/sandbox/emulator.js';
import { testEndpoint } from './client.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('emulator launcher', () => {
  it('starts a detached emulator with initial outages and a log file, and stops it by pid', async (t) => {
    // Given a state directory
    const stateDir = mkdtempSync(join(tmpdir(), 'dr-emulator-'));
    t.after(() => rmSync(stateDir, { recursive: true, force: true }));

    // When an emulator is started detached with us-east-1 down
    const emulator = await startEmulator({ detached: true, stateDir, outage: { 'us-east-1': 'hang' } });
    t.after(() => stopEmulator(emulator.pid));

    // Then it answers on a loopback port, has the outage, and logs to the state directory
    assert.match(emulator.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await listOutages(emulator.endpoint), { outages: { 'us-east-1': 'hang' } });
    assert.ok(emulator.logFile && existsSync(emulator.logFile));

    // And when it is stopped by pid alone (as `dr sandbox down` does), the process is gone
    await stopEmulator(emulator.pid);
    assert.equal(alive(emulator.pid), false);
  });

  it('rejects an outage for something that is not a region, naming what was given', async () => {
    // Given the shared emulator
    const endpoint = testEndpoint();

    // When an outage is asked for a bad region name
    const attempt = setOutage(endpoint, 'us-east', 'refuse');

    // Then the control endpoint refuses it with a typed error and nothing changes
    await assert.rejects(attempt, (error: unknown) => {
      assert.ok(error instanceof EmulatorControlError);
      assert.match(error.message, /400.*us-east/);
      return true;
    });
    assert.deepEqual(await listOutages(endpoint), { outages: {} });
  });

  it('leaves alone a pid that is not an emulator', async () => {
    // Given this test process's own pid
    // When stopEmulator is asked to stop it
    await stopEmulator(process.pid, { graceMs: 100 });

    // Then nothing happened: we are still here
    assert.equal(alive(process.pid), true);
  });
});
