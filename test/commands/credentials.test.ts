import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../harness/cli.js';
import { useConfigDir } from '../harness/temp-dir.js';

// Issue 13 part 6: missing or expired AWS credentials are one line naming the profile or
// chain and what to run, exit 6, on every AWS-reading command; never a page of SDK errors.
describe('dr without usable AWS credentials (CLI process)', () => {
  const tmp = useConfigDir(
    'dr-cli-credentials-',
    { app: 'trading', dns: { domain: 'trading.example.com' } },
    {
      config: '',
      credentials: '',
      'sso-config': [
        '[profile desk]',
        'sso_session = corp',
        'sso_account_id = 123456789012',
        'sso_role_name = Operator',
        'region = us-east-1',
        '[sso-session corp]',
        'sso_start_url = https://corp.awsapps.com/start',
        'sso_region = us-east-1',
        '',
      ].join('\n'),
    },
  );
  let env: Record<string, string | undefined>;
  before(() => {
    // No AWS_* variable of this machine leaks in; empty shared files; no instance role.
    env = Object.fromEntries(
      Object.keys(process.env)
        .filter((k) => k.startsWith('AWS_'))
        .map((k) => [k, undefined]),
    );
    Object.assign(env, {
      HOME: tmp.dir,
      AWS_CONFIG_FILE: join(tmp.dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(tmp.dir, 'credentials'),
      AWS_EC2_METADATA_DISABLED: 'true',
      DR_ENDPOINT: undefined,
    });
  });

  for (const command of ['status', 'verify-sync']) {
    it(`${command} --profile nope: one line naming the profile and what to run, exit 6`, async () => {
      // Given empty shared config files / When running the command with an unknown profile
      const result = await runCli([command, '--profile', 'nope'], { cwd: tmp.dir, env, timeoutMs: 30_000 });
      // Then exit 6, one stderr line naming the profile and the command to set it up, no stack, no stdout
      assert.equal(result.code, 6, result.stderr);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(
        lines[0] ?? '',
        /^dr: AWS profile "nope" is not defined in .*: set it up with `aws configure sso --profile nope`/,
      );
      assert.doesNotMatch(result.stderr, /CredentialsProviderError|\n\s+at /);
      assert.equal(result.stdout, '');
    });
  }

  it('verify-sync --json --profile nope: a JSON error with code CREDENTIALS and exit 6', async () => {
    // Given no credentials / When asking for JSON
    const result = await runCli(['verify-sync', '--json', '--profile', 'nope'], { cwd: tmp.dir, env });
    // Then stdout is only the JSON error, stderr is empty
    assert.equal(result.code, 6, result.stderr);
    const parsed = JSON.parse(result.stdout) as {
      error: { code: string; exitCode: number; profile: string };
    };
    assert.equal(parsed.error.code, 'CREDENTIALS');
    assert.equal(parsed.error.exitCode, 6);
    assert.equal(parsed.error.profile, 'nope');
    assert.equal(result.stderr, '');
  });

  it('status without --profile names the default chain and what to run, exit 6', async () => {
    // Given no profile and nothing in the chain / When running status
    const result = await runCli(['status'], { cwd: tmp.dir, env });
    // Then one line about the default credential chain
    assert.equal(result.code, 6, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(
      result.stderr,
      /^dr: no AWS credentials found by the default credential chain .*aws sso login/,
    );
  });

  it('an SSO profile without a session says to run aws sso login for it, exit 6', async () => {
    // Given an SSO profile that never logged in / When running status with it
    const result = await runCli(['status', '--profile', 'desk'], {
      cwd: tmp.dir,
      env: { ...env, AWS_CONFIG_FILE: join(tmp.dir, 'sso-config') },
    });
    // Then the line names the profile and `aws sso login --profile desk`
    assert.equal(result.code, 6, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /SSO session of AWS profile "desk" .*`aws sso login --profile desk`/);
  });

  it('dr --help documents exit code 6', async () => {
    // When showing the root help / Then the exit-code table lists 6
    const result = await runCli(['--help'], { cwd: tmp.dir, env });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\s+6\s+AWS credentials missing, expired or rejected/m);
  });
});
