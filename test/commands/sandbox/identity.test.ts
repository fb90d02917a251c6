/**
 * Issue 12, parts 1 and 3 through the built CLI on the deployed sandbox: the emulator
 * checks every request against the deployed IAM, and an SRE's commands under `--sandbox`
 * act as the deployed DR operator role, so what that role's policy lacks fails here as it
 * would on AWS. Restored as deployed before each test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeleteRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { runCli } from '../../harness/cli.js';
import { testClient } from '../../emulator/client.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';

const { dir, endpoint } = useDeployedPlatform();
const OPERATOR_ROLE = 'trading-prod-operator';

async function unresolved(): Promise<Array<{ principal: string; action: string }>> {
  const response = await fetch(new URL('/dr-emulator/iam/unresolved', endpoint));
  return ((await response.json()) as { unresolved: Array<{ principal: string; action: string }> }).unresolved;
}

describe('the sandbox enforces IAM; dr --sandbox acts as the DR operator role (CLI)', () => {
  it('dr status and verify-sync pass as the operator role, every call it made resolved to a resource', async () => {
    // Given the deployed platform / When an SRE's read-only commands run under --sandbox
    const status = await runCli(['status', '--sandbox', '--json'], { cwd: dir, timeoutMs: 60_000 });
    const sync = await runCli(['verify-sync', '--sandbox', '--json'], { cwd: dir, timeoutMs: 90_000 });
    // Then both pass: the role's policy allows what they call
    assert.equal(status.code, 0, status.stderr);
    assert.equal(sync.code, 0, `${sync.stderr}${sync.stdout.slice(-2000)}`);
    // And none of the operator's calls was authorized without its resource (a table gap)
    assert.deepEqual(
      (await unresolved()).filter((u) => u.principal.endsWith(`:role/${OPERATOR_ROLE}`)),
      [],
    );
  });

  it('a planned failover and its failback run under --sandbox as the operator role, audited as its session', async () => {
    // Given the deployed platform / When an SRE fails over to us-east-2 and back, under --sandbox
    const failover = await runCli(
      ['failover', '--to', 'us-east-2', '--planned', '--yes', '--sandbox', '--json'],
      {
        cwd: dir,
        timeoutMs: 120_000,
      },
    );
    assert.equal(failover.code, 0, `${failover.stderr}${failover.stdout.slice(-1500)}`);
    const back = await runCli(['failback', '--yes', '--sync-timeout', '60', '--sandbox', '--json'], {
      cwd: dir,
      timeoutMs: 180_000,
    });
    // Then both finish, the operator named as the assumed role's session (no DR_OPERATOR set)
    assert.equal(back.code, 0, `${back.stderr}${back.stdout.slice(-1500)}`);
    assert.match(failover.stdout, new RegExp(`assumed-role/${OPERATOR_ROLE}/dr-`));
  });

  it('without the operator role policy, the same command is denied: the sandbox is not running it as root', async () => {
    // Given the operator role stripped of its inline policy (the drill policy stays attached)
    await testClient(IAMClient, 'us-east-1', { endpoint }).send(
      new DeleteRolePolicyCommand({ RoleName: OPERATOR_ROLE, PolicyName: 'dr-operator' }),
    );
    // When verify-sync runs under --sandbox
    const sync = await runCli(['verify-sync', '--sandbox', '--json'], { cwd: dir, timeoutMs: 90_000 });
    // Then it does not pass, and what failed names the denial and the assumed role
    assert.notEqual(sync.code, 0, sync.stdout.slice(-1000));
    assert.match(
      `${sync.stdout}${sync.stderr}`,
      new RegExp(
        `AccessDenied[\\s\\S]*assumed-role/${OPERATOR_ROLE}/|assumed-role/${OPERATOR_ROLE}/[\\s\\S]*not authorized`,
      ),
    );
  });

  it('a key the sandbox never issued is refused: exit 6, one line, nothing read', async () => {
    // Given DR_ENDPOINT at the sandbox and a made-up key in the environment
    const out = await runCli(['status'], {
      cwd: dir,
      env: {
        DR_ENDPOINT: endpoint,
        AWS_ACCESS_KEY_ID: 'AKIAUNKNOWNKEY000000',
        AWS_SECRET_ACCESS_KEY: 'not-a-secret-the-sandbox-knows',
      },
      timeoutMs: 60_000,
    });
    // Then the credentials are rejected, as AWS rejects an unknown key
    assert.equal(out.code, 6, `${out.stderr}${out.stdout.slice(-500)}`);
    assert.match(out.stderr.trim(), /^dr: AWS rejected the credentials/);
    assert.equal(out.stderr.trim().split('\n').length, 1);
  });
});
