/**
 * The permission check's pure half (src/core/checks/permissions.ts): the verdict on a
 * simulation, and which calls may share one SimulatePrincipalPolicy request.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePermissions, groupCalls, type PermissionGap } from '../../../src/core/checks/permissions.js';
import type { RequiredCall } from '../../../src/core/checks/permission-paths.js';

const gap: PermissionGap = {
  actor: 'state-machine',
  role: 'trading-prod-use2-dr-state-machines',
  action: 'rds-data:ExecuteStatement',
  resource: 'arn:aws:rds:us-east-2:123456789012:cluster:trading-prod-use2-orders-db',
  decision: 'implicitDeny',
  by: 'fence-database/ExecuteStatement',
};

describe('permission check: evaluation', () => {
  it('no gap passes; a gap fails naming role, action, resource and decision', () => {
    assert.equal(evaluatePermissions({ ok: true, value: { simulated: 40, gaps: [] } }).status, 'pass');
    const failed = evaluatePermissions({ ok: true, value: { simulated: 40, gaps: [gap] } });
    assert.deepEqual([failed.status, failed.ok, failed.observed, failed.limit], ['fail', false, 1, 0]);
    assert.equal(
      failed.detail,
      '1 of 40 calls would be denied: trading-prod-use2-dr-state-machines: rds-data:ExecuteStatement on arn:aws:rds:us-east-2:123456789012:cluster:trading-prod-use2-orders-db (implicitDeny; fence-database/ExecuteStatement)',
    );
  });

  it('IAM unreachable or refusing the simulation: unknown, never a pass', () => {
    const dark = evaluatePermissions({
      ok: false,
      error: 'us-east-1 did not answer',
      unreachable: true,
      region: 'us-east-1',
    });
    assert.deepEqual([dark.status, dark.ok], ['unknown', false]);
    assert.match(dark.detail, /could not be simulated: unreachable$/);
    const denied = evaluatePermissions({
      ok: false,
      error: 'AccessDenied: not authorized',
      unreachable: false,
    });
    assert.match(denied.detail, /could not be simulated: AccessDenied: not authorized$/);
  });

  it('only calls with the same role, resources and context share a request', () => {
    const call = (
      action: string,
      resources: string[],
      context: Record<string, string> = {},
    ): RequiredCall => ({
      actor: 'operator',
      role: 'op',
      action,
      resources,
      context: { 'aws:RequestedRegion': 'us-east-1', ...context },
      by: 'x',
    });
    const groups = groupCalls([
      call('ssm:GetParameter', ['a', 'b']),
      call('ssm:PutParameter', ['b', 'a']),
      call('ssm:DeleteParameter', ['a']),
      call('kms:Decrypt', ['a', 'b'], { 'kms:ViaService': 'ssm.us-east-1.amazonaws.com' }),
    ]);
    assert.deepEqual(
      groups.map((g) => g.map((c) => c.action)),
      [['ssm:GetParameter', 'ssm:PutParameter'], ['ssm:DeleteParameter'], ['kms:Decrypt']],
    );
  });
});
