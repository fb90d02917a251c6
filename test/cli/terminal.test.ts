/**
 * Issue 13 part 9: no spinner on a terminal without a width (a pseudo-terminal with 0
 * columns made ora redraw forever: hundreds of MB, SIGTERM ignored), and SIGTERM ends a
 * long-running `dr` promptly. The built CLI under `script`, which gives it a pseudo-
 * terminal whose size is 0×0 when script's own input is not a terminal.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { spinnerFits } from '../../src/cli/progress.js';
import { CLI, withEmulatorCredentials } from '../harness/cli.js';
import { closedPort, listenOnLoopback } from '../harness/net.js';
import { useConfigDir } from '../harness/temp-dir.js';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('spinnerFits', () => {
  it('only on a terminal with a width, outside CI and dumb terminals', () => {
    assert.equal(spinnerFits({ isTTY: true, columns: 80 }, {}), true);
    assert.equal(spinnerFits({ isTTY: true, columns: 0 }, {}), false);
    assert.equal(spinnerFits({ isTTY: true }, {}), false);
    assert.equal(spinnerFits({ isTTY: false, columns: 80 }, {}), false);
    assert.equal(spinnerFits({ isTTY: true, columns: 80 }, { CI: 'true' }), false);
    assert.equal(spinnerFits({ isTTY: true, columns: 80 }, { TERM: 'dumb' }), false);
  });
});

describe(
  'dr on a 0-column pseudo-terminal (CLI process under script)',
  { skip: !hasScript && 'no script(1)' },
  () => {
    const tmp = useConfigDir('dr-cli-terminal-', { app: 'trading', dns: { domain: 'trading.example.com' } });

    /**
     * Runs `dr status --watch 1` under script against `endpoint`, waits for its first
     * screen (bounded: a slow runner takes seconds to load), then for `beforeSignal`, sends
     * dr SIGTERM and measures how long it takes to be gone.
     */
    async function watchThenTerminate(endpoint: string, beforeSignal: () => Promise<void>) {
      const env = withEmulatorCredentials({
        ...process.env,
        DR_ENDPOINT: endpoint,
        NO_COLOR: '1',
        CI: undefined,
        TERM: 'xterm',
      });
      const child = spawn('script', ['-qc', `${process.execPath} ${CLI} status --watch 1`, '/dev/null'], {
        cwd: tmp.dir,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let bytes = 0;
      let text = '';
      let drawn = () => {};
      const firstScreen = new Promise<void>((resolve) => (drawn = resolve));
      child.stdout.on('data', (d: Buffer) => {
        bytes += d.length;
        if (text.length < 20_000) text += d.toString();
        if (/Active region/.test(text)) drawn();
      });
      child.stderr.on('data', (d: Buffer) => (bytes += d.length));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      try {
        const startedAt = Date.now();
        const drew = await Promise.race([firstScreen.then(() => true), exited.then(() => false)]);
        assert.ok(drew, `no status screen after ${Date.now() - startedAt} ms: ${text.slice(0, 400)}`);
        await beforeSignal();
        const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
          .trim()
          .split(/\s+/)
          .filter(Boolean)
          .map(Number);
        assert.ok(pids.length > 0, 'dr runs under script');
        const signalled = Date.now();
        for (const pid of pids) process.kill(pid, 'SIGTERM');
        await exited;
        const took = Date.now() - signalled;
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone, as it should be
          }
        }
        return { took, bytes, text, ms: Date.now() - startedAt };
      } finally {
        clearTimeout(killer);
        child.kill('SIGKILL');
      }
    }

    it('status --watch 1: plain lines, bounded output, and SIGTERM ends it within 2 s', async () => {
      // Given `dr status --watch 1` under script (pty of 0×0), every region refusing connections
      // When it has drawn its first screen and gets SIGTERM
      const run = await watchThenTerminate(`http://127.0.0.1:${await closedPort()}`, async () => {});
      // Then it is gone within 2 s, and wrote a few kB (no spinner frames)
      assert.ok(run.took < 2000, `exited ${run.took} ms after SIGTERM`);
      assert.ok(run.bytes < 100_000, `${run.bytes} bytes in ${run.ms} ms`);
      assert.ok(!run.text.includes('\u001b[1A'), 'no spinner redraws (cursor-up)');
    });

    it('SIGTERM in the middle of a read that a region holds ends it within 2 s', async () => {
      // Given every region accepting connections and never answering (each read waits 2 × 2.5 s)
      const held: Socket[] = [];
      let connected = () => {};
      const server = createServer((socket) => {
        held.push(socket);
        connected();
      });
      const port = await listenOnLoopback(server);
      try {
        // When its second read has begun (a connection after the first screen) and it gets SIGTERM
        const run = await watchThenTerminate(`http://127.0.0.1:${port}`, async () => {
          const before = held.length;
          await new Promise<void>((resolve) => {
            connected = () => {
              if (held.length > before) resolve();
            };
          });
        });
        // Then it does not wait for the held read to time out
        assert.ok(run.took < 2000, `exited ${run.took} ms after SIGTERM`);
      } finally {
        for (const socket of held) socket.destroy();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  },
);
