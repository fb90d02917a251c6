/**
 * Issue 13 part 8 through the built CLI: a bad config is exit 2 with one line per
 * problem and nothing written; `deploy --stack bogus` refuses before synthesizing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { useConfigDir } from '../harness/temp-dir.js';

describe('config errors (CLI process)', () => {
  const tmp = useConfigDir('dr-cli-config-', { app: 'trading', dns: { domain: 'trading.example.com' } });

  const cases: Array<[string, string, RegExp]> = [
    [
      'dup.json',
      '{"app":"trading","dns":{"domain":"a.example.com","domain":"b.example.com"}}',
      /dns\.domain: duplicate key/,
    ],
    [
      'cidr.json',
      '{"app":"trading","dns":{"domain":"a.example.com"},"network":{"primaryCidr":"10.10.0.0/8"}}',
      /network\.primaryCidr: must be a \/16 to \/24/,
    ],
    [
      'region.json',
      '{"app":"trading","dns":{"domain":"a.example.com"},"regions":{"secondary":"zz-fake-9"}}',
      /regions\.secondary: "zz-fake-9" is not an AWS region/,
    ],
  ];
  for (const [name, text, expected] of cases) {
    it(`synth --config ${name}: exit 2, one line naming the path, nothing written`, async () => {
      writeFileSync(join(tmp.dir, name), text);
      const out = `out-${name}`;
      const result = await runCli(['synth', '--config', name, '--out', out], { cwd: tmp.dir });
      assert.equal(result.code, 2, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0] ?? '', expected);
      assert.equal(existsSync(join(tmp.dir, out)), false);
    });
  }

  it('a FIFO as --config is refused at once (exit 2), not waited on', async () => {
    execFileSync('mkfifo', [join(tmp.dir, 'pipe')]);
    const result = await runCli(['status', '--config', 'pipe'], { cwd: tmp.dir, timeoutMs: 10_000 });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr.trim(), /^dr: .*pipe: is a FIFO \(named pipe\), not a config file/);
  });

  it('deploy --stack bogus refuses before writing cdktf.out/', async () => {
    const result = await runCli(
      [
        'deploy',
        '--stack',
        'bogus',
        '--plan-only',
        '--terraform-bin',
        join(REPO_ROOT, 'test/fixtures/fake-terraform.mjs'),
      ],
      { cwd: tmp.dir },
    );
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr.trim(), /^dr: unknown stack "bogus": the stacks are trading-prod-primary/);
    assert.equal(existsSync(join(tmp.dir, 'cdktf.out')), false);
  });
});
