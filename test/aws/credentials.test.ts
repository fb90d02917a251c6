/**
 * Issue 13 part 6: credential failures are recognised by the error's class name (never its
 * text) and become one `CredentialsError` naming the profile or chain and what to run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isCredentialsFailure, profileKind, toCredentialsError } from '../../src/aws/credentials.js';
import { CredentialsError } from '../../src/contract/errors.js';

const sdkError = (name: string) => Object.assign(new Error('whatever the text says'), { name });

describe('toCredentialsError', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dr-credentials-'));
    writeFileSync(
      join(dir, 'config'),
      '[default]\nregion = us-east-1\n\n[profile desk]\nsso_session = corp\n\n[profile keys]\nregion = us-east-2\n',
    );
    writeFileSync(join(dir, 'credentials'), '[static]\naws_access_key_id = AKIDEXAMPLE\n');
    env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads how a profile is defined from both shared files', () => {
    assert.equal(profileKind('desk', env), 'sso');
    assert.equal(profileKind('keys', env), 'defined');
    assert.equal(profileKind('static', env), 'defined');
    assert.equal(profileKind('default', env), 'defined');
    assert.equal(profileKind('nope', env), 'missing');
  });

  it('an expired token of an SSO profile says aws sso login for it', () => {
    // Given the service refusing an expired session / When mapped
    const mapped = toCredentialsError(sdkError('ExpiredTokenException'), 'desk', env);
    // Then a CredentialsError naming the profile and the command, with the cause kept
    assert.ok(mapped instanceof CredentialsError);
    assert.equal(mapped.profile, 'desk');
    assert.match(mapped.message, /ExpiredTokenException\): run `aws sso login --profile desk`$/);
    assert.ok(mapped.cause);
  });

  it('names AWS_PROFILE when the profile came from the environment', () => {
    const mapped = toCredentialsError(sdkError('ExpiredToken'), undefined, { ...env, AWS_PROFILE: 'keys' });
    assert.ok(mapped instanceof CredentialsError);
    assert.match(mapped.message, /AWS profile "keys" \(AWS_PROFILE\).*aws configure --profile keys/);
  });

  it('leaves every other error unchanged, whatever its text', () => {
    const denied = sdkError('AccessDeniedException');
    assert.equal(toCredentialsError(denied, 'desk', env), denied);
    const worded = new Error('CredentialsProviderError: Could not load credentials');
    assert.equal(toCredentialsError(worded, 'desk', env), worded);
    assert.equal(isCredentialsFailure(denied), false);
    assert.equal(isCredentialsFailure(sdkError('CredentialsProviderError')), true);
  });
});
