/**
 * Issue 13 part 6: a check whose inputs could not be read (access denied, a region that
 * did not answer) is `unknown`, never `failed`; a real finding still fails. Pure
 * evaluations, no AWS.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluateAlarmsEqual,
  evaluateCanary,
  evaluateCodeEqual,
  evaluateMappingGuard,
  evaluateMembersAvailable,
  evaluateParametersEqual,
  evaluatePendingOperations,
  evaluatePitr,
  evaluateReplicasActive,
  evaluateReplicationEnabled,
  evaluateReplicationLag,
} from '../../../src/core/checks/evaluate.js';
import { settle, UnreachableRegions, type Outcome } from '../../../src/core/checks/outcome.js';
import { CredentialsError } from '../../../src/contract/errors.js';
import { SyncCheckFailedError, type VerifySyncResult } from '../../../src/core/verify-sync.js';

const E1 = 'us-east-1';
const E2 = 'us-east-2';
const REGIONS = [E1, E2] as const;
const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const denied: Outcome<never> = {
  ok: false,
  error: 'AccessDeniedException: not authorized',
  unreachable: false,
};
const both = (o: Outcome<never>) => ({ [E1]: o, [E2]: o });

describe('checks that could not be evaluated', () => {
  it('are unknown, not failed, when every input failed to read', () => {
    // Given reads that were refused / When each check is evaluated
    const results = [
      evaluateReplicationLag(both(denied), [E2], 1000, 5),
      evaluateMembersAvailable(denied, both(denied), REGIONS),
      evaluateReplicasActive({ sessions: both(denied) }, REGIONS),
      evaluatePitr({ sessions: both(denied) }, REGIONS),
      evaluateCanary('dynamodb-canary', denied, 10_000),
      evaluateReplicationEnabled({ a: denied }, [{ region: E1, sourceBucket: 'a', destinationBucket: 'b' }]),
      evaluatePendingOperations({ 'a replication rules': denied }, 100),
      evaluateCodeEqual({ fn: both(denied) }, REGIONS),
      evaluateParametersEqual(both(denied), REGIONS, '/x/regional'),
      evaluateAlarmsEqual(both(denied), REGIONS),
      evaluateMappingGuard(both(denied), REGIONS, E1),
    ];
    // Then each is unknown (ok false: it proves nothing), its detail names the failed read
    for (const r of results) {
      assert.equal(r.status, 'unknown', `${r.name}: ${r.detail}`);
      assert.equal(r.ok, false);
      assert.match(r.detail, /AccessDenied/, r.name);
    }
  });

  it('still fail on a real finding, listing the unread input beside it', () => {
    // Given PITR off in one region and unreadable in the other
    const r = evaluatePitr({ sessions: { [E1]: ok<string | undefined>('DISABLED'), [E2]: denied } }, REGIONS);
    // Then failed, both named
    assert.equal(r.status, 'fail');
    assert.match(r.detail, /PITR DISABLED/);
    assert.match(r.detail, /AccessDenied/);
  });

  it('pass with status pass', () => {
    const r = evaluatePitr({ sessions: { [E1]: ok('ENABLED'), [E2]: ok('ENABLED') } }, REGIONS);
    assert.equal(r.status, 'pass');
    assert.equal(r.ok, true);
  });

  it('the gate error separates failed from unknown checks', () => {
    // Given a result with only unknown checks
    const check = evaluateMappingGuard(both(denied), REGIONS, E1);
    const result = {
      checks: [check],
      ok: false,
      failed: 0,
      unknown: 1,
      passed: 0,
    } as unknown as VerifySyncResult;
    // Then the message says "could not be evaluated", never "failed"
    const message = new SyncCheckFailedError(result).message;
    assert.match(
      message,
      /^sync not proven: 1 of 1 sync checks could not be evaluated \(event-source-mapping-guard\)/,
    );
    assert.doesNotMatch(message, /checks? failed/);
  });

  it('settle keeps a credentials failure aside for the caller to throw', async () => {
    // Given a read that failed for want of credentials
    const collector = new UnreachableRegions();
    const error = new CredentialsError('no credentials', 'nope');
    const outcome = await settle(Promise.reject(error), collector);
    // Then the outcome is a failed read and the collector throws that very error
    assert.equal(outcome.ok, false);
    assert.throws(
      () => collector.throwIfCredentials(),
      (e) => e === error,
    );
  });
});
