/**
 * Issue 13 part 7: bad usage keeps its reason (one line naming the flag or argument and
 * where to look), an unknown command suggests the nearest in the `dr:` format or as a
 * JSON error, `dr help CMD` and `-h` work, shell completion exists, and flags a command
 * would ignore are not offered. The built CLI as a process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';

const oneLine = (stderr: string) => {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
  return lines[0] as string;
};

describe('parse errors keep their reason (CLI process)', () => {
  const cases: Array<[string[], RegExp]> = [
    [['failover', '--dry-run'], /^dr: Missing required flag --to \(see `dr failover --help`\)$/],
    [
      ['failover', '--to', 'us-east-2', '--planned', '--unplanned'],
      /^dr: --(un)?planned=true cannot also be provided when using --(un)?planned \(see `dr failover --help`\)$/,
    ],
    [
      ['drill', '--restore-outage', '--scenario', 'planned'],
      /^dr: --scenario=planned cannot also be provided when using --restore-outage/,
    ],
    [
      ['deploy', '--database-url', 'x', '--skip-migrations'],
      /^dr: --skip-migrations=true cannot also be provided when using --database-url/,
    ],
    [
      ['status', '--watch', '0'],
      /^dr: Parsing --watch: Expected an integer greater than or equal to 1 but received: 0 \(see `dr status --help`\)$/,
    ],
    [
      ['failback', '--sync-timeout', '0'],
      /^dr: Parsing --sync-timeout: Expected an integer greater than or equal to 1 but received: 0/,
    ],
    [
      ['sandbox', 'outage'],
      /^dr: Missing 1 required arg: region \(Region to take down, e\.g\. us-east-1\) \(see `dr sandbox outage --help`\)$/,
    ],
  ];
  for (const [args, expected] of cases) {
    it(`dr ${args.join(' ')}: exit 2 with the reason`, async () => {
      // Given bad usage / When run / Then one line with the reason, exit 2, nothing on stdout
      const result = await runCli(args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(oneLine(result.stderr), expected);
      assert.equal(result.stdout, '');
    });
  }

  it('under --json the reason is in the JSON error', async () => {
    const result = await runCli(['status', '--watch', '0', '--json']);
    assert.equal(result.code, 2);
    const parsed = JSON.parse(result.stdout) as { error: { code: string; message: string } };
    assert.equal(parsed.error.code, 'BAD_USAGE');
    assert.match(parsed.error.message, /Parsing --watch: Expected an integer greater than or equal to 1/);
  });
});

describe('unknown commands, help and completion (CLI process)', () => {
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'dr-cli-usage-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('an unknown command suggests the nearest, in the dr: format, exit 2', async () => {
    const result = await runCli(['statsu']);
    assert.equal(result.code, 2);
    assert.match(oneLine(result.stderr), /^dr: unknown command "statsu": did you mean `dr status`\?/);
    const topic = await runCli(['sandbox', 'upp']);
    assert.match(oneLine(topic.stderr), /did you mean `dr sandbox up`\?/);
  });

  it('under --json an unknown command is a JSON error on stdout', async () => {
    const result = await runCli(['verify-snyc', '--json']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, '');
    const parsed = JSON.parse(result.stdout) as {
      error: { code: string; exitCode: number; suggestion: string };
    };
    assert.equal(parsed.error.code, 'UNKNOWN_COMMAND');
    assert.equal(parsed.error.exitCode, 2);
    assert.equal(parsed.error.suggestion, 'verify-sync');
  });

  it('dr help CMD and -h show the command help with the exit codes', async () => {
    for (const args of [
      ['help', 'status'],
      ['status', '-h'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, /\$ dr status/);
      assert.match(result.stdout, /EXIT CODES/);
    }
  });

  it('shell completion is offered, without the flags a command ignores', async () => {
    // Given a fresh cache directory / When generating the bash completion
    const env = { HOME: home, XDG_CACHE_HOME: join(home, 'cache') };
    const result = await runCli(['autocomplete', 'bash'], { env });
    assert.equal(result.code, 0, result.stderr);
    const script = readFileSync(
      join(home, 'cache', 'dr', 'autocomplete', 'functions', 'bash', 'dr.bash'),
      'utf8',
    );
    const flagsOf = (id: string) => (new RegExp(`^${id} (.*)$`, 'm').exec(script)?.[1] ?? '').split(' ');
    // Then AWS commands offer --profile and --sandbox; synth and the sandbox's own commands do not
    assert.ok(flagsOf('status').includes('--profile'));
    assert.ok(flagsOf('status').includes('--sandbox'));
    for (const id of ['synth', 'sandbox:up', 'sandbox:reset']) {
      assert.ok(flagsOf(id).includes('--config'), id);
      assert.ok(!flagsOf(id).includes('--profile'), `${id} offers --profile`);
      assert.ok(!flagsOf(id).includes('--sandbox'), `${id} offers --sandbox`);
    }
    // The sandbox's controls act on ./.dr/sandbox.json and read no config
    for (const id of ['sandbox:down', 'sandbox:outage', 'sandbox:restore']) {
      assert.ok(flagsOf(id).includes('--json'), id);
      for (const flag of ['--config', '--profile', '--sandbox']) {
        assert.ok(!flagsOf(id).includes(flag), `${id} offers ${flag}`);
      }
    }
  });

  it('synth, sandbox up and sandbox down refuse the flags they would ignore', async () => {
    const synth = await runCli(['synth', '--profile', 'x']);
    assert.equal(synth.code, 2);
    assert.match(oneLine(synth.stderr), /Nonexistent flag: --profile/);
    const up = await runCli(['sandbox', 'up', '--sandbox']);
    assert.equal(up.code, 2);
    assert.match(oneLine(up.stderr), /Nonexistent flag: --sandbox/);
    const down = await runCli(['sandbox', 'down', '--config', 'other.json']);
    assert.equal(down.code, 2);
    assert.match(oneLine(down.stderr), /Nonexistent flag: --config/);
  });
});
