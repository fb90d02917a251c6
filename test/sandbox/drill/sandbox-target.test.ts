/** Which AWS a command talks to: --sandbox, DR_ENDPOINT, or real AWS. No emulator needed. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { UsageError } from '../../../src/contract/errors.js';
import { NO_SANDBOX_MESSAGE, resolveAwsTarget } from '../../../src/sandbox/target.js';
import { readSandboxState, writeSandboxState } from '../../../src/sandbox/state.js';

let cwd: string;
before(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'dr-target-'));
});
after(async () => rm(cwd, { recursive: true, force: true }));

describe('resolveAwsTarget', () => {
  it('refuses --sandbox when no sandbox was started, with the one-line hint', async () => {
    // Given no .dr/sandbox.json / When --sandbox is resolved / Then a usage error says what to do
    await assert.rejects(resolveAwsTarget({ sandbox: true, cwd, env: {} }), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.equal(error.message, NO_SANDBOX_MESSAGE);
      return true;
    });
  });

  it('refuses --sandbox when the recorded process is gone', async () => {
    // Given a state file whose pid no longer exists
    await writeSandboxState(
      {
        endpoint: 'http://127.0.0.1:1',
        pid: 2 ** 22 + 1,
        startedAt: new Date().toISOString(),
        configFile: join(cwd, 'dr.config.json'),
        regions: { primary: 'us-east-1', secondary: 'us-east-2' },
      },
      cwd,
    );
    assert.ok(await readSandboxState(cwd));
    // When / Then
    await assert.rejects(resolveAwsTarget({ sandbox: true, cwd, env: {} }), UsageError);
  });

  it('uses DR_ENDPOINT without --sandbox, and real AWS without either', async () => {
    // Given / When / Then
    assert.deepEqual(await resolveAwsTarget({ cwd, env: { DR_ENDPOINT: 'http://127.0.0.1:4566' } }), {
      endpoint: 'http://127.0.0.1:4566',
      source: 'env',
    });
    assert.deepEqual(await resolveAwsTarget({ cwd, env: {} }), { endpoint: undefined, source: 'aws' });
  });

  it('rejects a DR_ENDPOINT that is not an http(s) URL', async () => {
    // Given a malformed DR_ENDPOINT / When resolved / Then a usage error names it
    await assert.rejects(resolveAwsTarget({ cwd, env: { DR_ENDPOINT: 'localhost:4566' } }), /DR_ENDPOINT/);
  });
});
