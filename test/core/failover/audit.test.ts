/**
 * The CLI's audit record of a failover/failback (writeAudit): written under dr-audit/ (the
 * prefix the operator may write), and when it cannot be written the result says so and
 * why, and the CLI warns on one stderr line, without failing the operation.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsClients, S3Api } from '../../../src/aws/clients.js';
import { renderAuditWarning, renderResult } from '../../../src/cli/render/failover.js';
import type { ExecutionInput } from '../../../src/core/failover/input.js';
import { writeAudit, type OperationResult } from '../../../src/core/failover/run.js';
import { auditKey, type OperationAuditRecord } from '../../../src/contract/audit.js';

const input = {
  operation: 'failover',
  mode: 'planned',
  operationId: 'failover-use2-1',
  from: 'us-east-1',
  to: 'us-east-2',
  epochNumber: 7,
  startedBy: 'arn:aws:sts::123456789012:assumed-role/trading-prod-operator/alice',
  auditBucket: 'trading-prod-use2-audit-logs',
} as unknown as ExecutionInput;

const result: OperationResult = {
  operation: 'failover',
  mode: 'planned',
  operationId: 'failover-use2-1',
  from: 'us-east-1',
  to: 'us-east-2',
  epoch: 7,
  startedBy: 'alice',
  outcome: 'succeeded',
  reattached: false,
  executions: [],
  steps: [],
  totalMs: 1000,
};

function clientsWith(putObject: S3Api['putObject']): { clients: AwsClients; regions: string[] } {
  const regions: string[] = [];
  const clients = {
    s3: (region: string) => {
      regions.push(region);
      return { putObject } as unknown as S3Api;
    },
  } as unknown as AwsClients;
  return { clients, regions };
}

describe('the CLI audit record', () => {
  it('is written to the target region’s audit bucket under dr-audit/ (the prefix the operator may write)', async () => {
    // Given an S3 that accepts the object
    const keys: string[] = [];
    const { clients, regions } = clientsWith(async (i) => {
      keys.push(String(i.Key));
      return { $metadata: {} };
    });
    // When the record is written
    const audit = await writeAudit(clients, input, result);
    // Then it names where, in the target region, with no error and no warning
    assert.deepEqual(regions, ['us-east-2']);
    assert.match(keys[0] ?? '', /^dr-audit\/failover\/failover-use2-1\.\d+\.json$/);
    assert.deepEqual(audit, { bucket: input.auditBucket, key: keys[0], region: 'us-east-2' });
    assert.equal(renderAuditWarning({ ...result, audit }), undefined);
    assert.match(
      renderResult({ ...result, audit }),
      /audit: s3:\/\/trading-prod-use2-audit-logs\/dr-audit\//,
    );
  });

  it('that cannot be written says so and why, and the CLI warns on one line, instead of dropping it silently', async () => {
    // Given an S3 that refuses the object (a bucket policy, a missing grant, a deleted bucket)
    const denied = Object.assign(new Error('User is not authorized to perform: s3:PutObject'), {
      name: 'AccessDenied',
    });
    const { clients } = clientsWith(async () => {
      throw denied;
    });
    // When the record is written / Then the failure is in the result, not thrown
    const audit = await writeAudit(clients, input, result);
    assert.equal(audit?.bucket, input.auditBucket);
    assert.equal(audit?.region, 'us-east-2');
    assert.equal(audit?.error, 'AccessDenied: User is not authorized to perform: s3:PutObject');
    // And the person sees one warning line naming the object and the cause; no "audit:" line claims it exists
    const warning = renderAuditWarning({ ...result, audit });
    assert.ok(warning);
    assert.equal(warning.split('\n').length, 1);
    assert.match(
      warning,
      /^dr: warning: the audit record was not written to s3:\/\/trading-prod-use2-audit-logs\/dr-audit\//,
    );
    assert.match(warning, /AccessDenied/);
    assert.doesNotMatch(renderResult({ ...result, audit }), /audit: s3:/);
    // And the outcome stands
    assert.equal({ ...result, audit }.outcome, 'succeeded');
  });

  it('uses the key format of the state machine’s audit objects, and writes who, what, when and each step', async () => {
    // Given an S3 that keeps what it is given, and a result with a step and a failure
    const puts: Array<{ Key?: string; Body?: unknown; ContentType?: string }> = [];
    const { clients } = clientsWith(async (i) => {
      puts.push(i as (typeof puts)[number]);
      return { $metadata: {} };
    });
    const failed: OperationResult = {
      ...result,
      outcome: 'failed',
      steps: [
        { id: 'verify', title: 'Verify', region: 'us-east-2', outcome: 'failed', ms: 1200, awsMs: 300 },
      ],
      failure: { step: 'verify', error: 'DR.VerifyFailed', cause: 'mapping disabled' },
      left: 'us-east-2 writes; no region consumes',
    };
    // When the record is written
    const audit = await writeAudit(clients, input, failed);
    // Then its key is the contract's, its writer part the write time
    const key = String(puts[0]?.Key);
    const writer = /\.(\d+)\.json$/.exec(key)?.[1];
    assert.ok(writer, key);
    assert.equal(key, auditKey('failover', 'failover-use2-1', writer));
    assert.equal(audit?.key, key);
    assert.equal(puts[0]?.ContentType, 'application/json');
    // And the body is the contract's record of the operation
    const record = JSON.parse(String(puts[0]?.Body)) as OperationAuditRecord;
    assert.equal(record.who, input.startedBy);
    assert.deepEqual(record.what, {
      operation: 'failover',
      mode: 'planned',
      from: 'us-east-1',
      to: 'us-east-2',
      epoch: 7,
    });
    assert.equal(new Date(record.when.recordedAt).getTime(), Number(writer));
    assert.equal(record.when.totalMs, 1000);
    assert.equal(record.operationId, 'failover-use2-1');
    assert.equal(record.outcome, 'failed');
    assert.equal(record.reattached, false);
    assert.deepEqual(record.failure, failed.failure);
    assert.equal(record.left, failed.left);
    assert.equal('recovery' in record, false);
    assert.deepEqual(record.steps, [
      { step: 'verify', region: 'us-east-2', outcome: 'failed', ms: 1200, awsMs: 300 },
    ]);
    assert.deepEqual(record.executions, []);
  });
});
