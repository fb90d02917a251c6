/**
 * `dr sandbox watchdog` as a drill or an SRE runs it: the built CLI as a process against
 * the emulator (DR_ENDPOINT), no terminal.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setOutage } from '../../../src/sandbox/emulator.js';
import { runCli } from '../../harness/cli.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import {
  configInput,
  platformState,
  primary,
  secondary,
  setAutoFailover,
} from '../../core/failover/helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';
import { useConfigDir } from '../../harness/temp-dir.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);
const tmp = useConfigDir('dr-watchdog-', configInput);

const dr = (args: string[]) =>
  runCli(['sandbox', 'watchdog', ...args, '--config', join(tmp.dir, 'dr.config.json')], {
    cwd: tmp.dir,
    env: { DR_ENDPOINT: endpoint },
    timeoutMs: 60_000,
  });

describe('dr sandbox watchdog (CLI, emulator)', () => {
  it('with us-east-1 out and auto-failover on, --once fails over to us-east-2: exit 0, JSON only', async () => {
    // Given auto-failover on and us-east-1 taken down by the outage switch
    await setAutoFailover(clients, 'on');
    await setOutage(endpoint, primary, 'refuse');

    // When the watchdog runs one period
    const out = await dr(['--once', '--interval', '0', '--json']);

    // Then it started the unplanned failover and followed it to success
    assert.equal(out.code, 0, out.stderr);
    const body = JSON.parse(out.stdout) as {
      decision: { action: string };
      region: string;
      execution?: { status: string };
    };
    assert.equal(body.decision.action, 'failover');
    assert.equal(body.region, secondary);
    assert.equal(body.execution?.status, 'SUCCEEDED');
    assert.equal((await platformState(clients, [secondary])).writer, secondary);
  });

  it('a region that is neither primary nor secondary is bad usage: exit 2, one line', async () => {
    const out = await dr(['--region', 'eu-west-1', '--once']);
    assert.equal(out.code, 2, out.stderr);
    assert.equal(out.stderr.trim().split('\n').length, 1);
    assert.match(out.stderr, /eu-west-1/);
  });
});
