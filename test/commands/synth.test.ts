import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { useConfigDir } from '../harness/temp-dir.js';

// The CLI contract, through the built CLI as a process: stdout carries only the JSON
// under --json, errors are one line per problem on stderr, exit codes are documented.
describe('dr synth (CLI process)', () => {
  const tmp = useConfigDir('dr-cli-synth-', { app: 'trading', dns: { domain: 'trading.example.com' } });

  it('writes one cdk.tf.json per stack and prints only JSON under --json', async () => {
    // Given a valid config / When synthesizing with --json
    const result = await runCli(['synth', '--json', '--out', 'out'], { cwd: tmp.dir });
    // Then exit 0, stdout parses as the result, the files exist
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as {
      stacks: { name: string; file: string; resourceCount: number }[];
      deployOrder: string[][];
    };
    assert.deepEqual(parsed.stacks.map((s) => s.name).sort(), [
      'trading-prod-global',
      'trading-prod-primary',
      'trading-prod-secondary',
      'trading-prod-zone',
    ]);
    for (const stack of parsed.stacks) {
      const json = JSON.parse(readFileSync(join(tmp.dir, stack.file), 'utf8')) as object;
      assert.ok('terraform' in json, `${stack.file} is Terraform JSON`);
    }
    assert.equal(parsed.deployOrder.flat().length, 4);
  });

  it('refuses a bad config with one line per problem, exit 2, nothing written', async () => {
    // Given a config with two problems
    writeFileSync(
      join(tmp.dir, 'bad.json'),
      JSON.stringify({
        app: 'trading',
        dns: { domain: 'trading.example.com' },
        regions: { primary: 'us-east-1', secondary: 'us-east-1' },
        environment: 'PROD',
      }),
    );
    // When synthesizing
    const result = await runCli(['synth', '--config', 'bad.json', '--out', 'never'], { cwd: tmp.dir });
    // Then exit 2, one line each naming the path, no stack trace, no output directory
    assert.equal(result.code, 2);
    const lines = result.stderr.trim().split('\n');
    assert.equal(lines.length, 2, result.stderr);
    assert.ok(lines.some((l) => l.endsWith('regions.secondary: must differ from regions.primary')));
    assert.ok(lines.some((l) => l.includes('environment: must be lowercase')));
    assert.doesNotMatch(result.stderr, /\bat .*\.js:\d+/);
    assert.equal(result.stdout, '');
    assert.equal(existsSync(join(tmp.dir, 'never')), false);
  });

  it('reports the config error as JSON under --json', async () => {
    const result = await runCli(['synth', '--json', '--config', 'missing.json'], { cwd: tmp.dir });
    assert.equal(result.code, 2);
    const parsed = JSON.parse(result.stdout) as {
      error: { code: string; exitCode: number; problems: string[] };
    };
    assert.equal(parsed.error.code, 'BAD_CONFIG');
    assert.equal(parsed.error.exitCode, 2);
    assert.match(parsed.error.problems[0] ?? '', /^not found; check the --config path/);
  });

  it('answers an unknown flag with one line and exit 2', async () => {
    const result = await runCli(['synth', '--bogus'], { cwd: tmp.dir });
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /Nonexistent flag: --bogus \(see `dr synth --help`\)/);
  });

  it('warns on stderr when the configured design cannot meet the RTO, and still synthesizes', async () => {
    // Given a 60 s TTL with the default 10 s × 3 health checks (95 s against 60 s)
    writeFileSync(
      join(tmp.dir, 'slow.json'),
      JSON.stringify({ app: 'trading', dns: { domain: 'trading.example.com', ttlSeconds: 60 } }),
    );
    // When synthesizing
    const result = await runCli(['synth', '--config', 'slow.json', '--out', 'slow-out'], { cwd: tmp.dir });
    // Then it succeeds, and says why the objective is out of reach
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /cannot meet the 60 s RTO: detection 30 s \+ dns 60 s \+ orchestration 5 s = 95 s/,
    );
  });

  it('documents the exit codes in dr --help', async () => {
    const result = await runCli(['--help'], { cwd: tmp.dir });
    assert.equal(result.code, 0);
    for (const line of [
      '0  ok',
      '2  bad usage or config',
      '3  a check failed',
      '4  lock held',
      '5  a region is unreachable',
    ]) {
      assert.ok(result.stdout.includes(line), `missing "${line}"`);
    }
  });
});
