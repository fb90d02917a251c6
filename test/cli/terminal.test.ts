/**
 * Issue 13 part 9: no spinner on a terminal without a width (a pseudo-terminal with 0
 * columns made ora redraw forever: hundreds of MB, SIGTERM ignored), and SIGTERM ends a
 * long-running `dr` promptly. The built CLI under `script`, which gives it a pseudo-
 * terminal whose size is 0×0 when script's own input is not a terminal.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spinnerFits } from '../../src/cli/progress.js';
import { CLI } from '../harness/cli.js';

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** A loopback port nothing listens on: every AWS call is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

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
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'dr-cli-terminal-'));
      writeFileSync(
        join(dir, 'dr.config.json'),
        JSON.stringify({ app: 'trading', dns: { domain: 'trading.example.com' } }),
      );
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('status --watch 1: plain lines, bounded output, and SIGTERM ends it within 2 s', async () => {
      // Given `dr status --watch 1` under script (pty of 0×0), every region refusing connections
      const env: Record<string, string | undefined> = {
        ...process.env,
        DR_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
        NO_COLOR: '1',
        CI: undefined,
        TERM: 'xterm',
      };
      const child = spawn('script', ['-qc', `${process.execPath} ${CLI} status --watch 1`, '/dev/null'], {
        cwd: dir,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let bytes = 0;
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        bytes += d.length;
        if (text.length < 20_000) text += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => (bytes += d.length));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      // When it has run for 2.5 s (two redraws) and gets SIGTERM
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(child.pid)], { encoding: 'utf8' })
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number);
      assert.ok(pids.length > 0, 'dr runs under script');
      const signalled = Date.now();
      for (const pid of pids) process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
      const took = Date.now() - signalled;
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
      // Then it is gone within 2 s, wrote a few kB (no spinner frames), and showed the status
      assert.ok(took < 2000, `exited ${took} ms after SIGTERM`);
      assert.ok(bytes < 100_000, `${bytes} bytes in 2.5 s`);
      assert.match(text, /Active region/);
      assert.ok(!text.includes('\u001b[1A'), 'no spinner redraws (cursor-up)');
    });
  },
);
