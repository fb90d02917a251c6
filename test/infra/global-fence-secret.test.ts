/**
 * The fence writer's credential (issue 12, 5a): the failover's fence step writes dr_fence
 * as `dr_fence_writer` with its own replicated secret, never with the trade processor's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resourcesOf } from './synth-helpers.js';
import { synthApp } from './global-fixture.js';

interface Statement {
  Sid?: string;
  Action?: string | string[];
  Resource?: string | string[];
}
const list = (v: string | string[] | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v : [v];

/** The Resource entries of every statement that grants secretsmanager:GetSecretValue. */
function secretReads(policy: unknown): string[] {
  const doc = JSON.parse(String(policy)) as { Statement: Statement[] };
  return doc.Statement.filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue')).flatMap((s) =>
    list(s.Resource),
  );
}

describe('the fence writer secret', () => {
  it('is a secret of its own, replicated to the secondary with its key, without a value in Terraform', () => {
    // Given the default platform / When synthesized
    const { json } = synthApp();
    const secrets = Object.entries(resourcesOf(json.global, 'aws_secretsmanager_secret'));
    // Then the fence writer has its secret beside the trade processor's, replicated
    const fence = secrets.find(([, s]) => s.name === 'trading-prod/db/dr_fence_writer');
    assert.ok(fence, `no fence secret among ${secrets.map(([, s]) => String(s.name)).join(', ')}`);
    assert.ok(secrets.some(([, s]) => s.name === 'trading-prod/db/trade_processor'));
    const replica = fence[1].replica as { region: string; kms_key_id: string }[];
    assert.equal(replica.length, 1);
    assert.equal(replica[0]?.region, 'us-east-2');
    // ...and no version of it: the password never enters Terraform (the one version in the
    // stack is the master secret's, write-only)
    const versions = Object.values(resourcesOf(json.global, 'aws_secretsmanager_secret_version'));
    assert.ok(versions.every((v) => !String(v.secret_id).includes(fence[0])));
    assert.ok(versions.every((v) => v.secret_string === undefined && v.secret_string_wo !== undefined));
  });

  it('is named by an SSM parameter in each region, which the failover plan reads', () => {
    // Given the default platform / When synthesized
    const { json } = synthApp();
    const params = Object.values(resourcesOf(json.global, 'aws_ssm_parameter')).filter(
      (p) => p.name === '/trading-prod/regional/db-fence-secret-arn',
    );
    // Then one per region, SecureString, naming the fence secret (the primary) and its replica
    assert.equal(params.length, 2);
    for (const p of params) assert.equal(p.type, 'SecureString');
    const values = params.map((p) => String(p.value)).join(' ');
    assert.match(values, /aws_secretsmanager_secret\.db-fence-secret_[A-Z0-9]+\.arn/);
    assert.match(values, /local\.db-fence-secret_replica-arn/);
  });

  it("lets the state machines read the fence writer's secret only, and the trade processor never read it", () => {
    // Given the default platform / When synthesized
    const { json } = synthApp();
    const policies = Object.values(resourcesOf(json.global, 'aws_iam_role_policy'));
    // Then the state-machine roles' secret reads name the fence secret (both regions) and nothing else
    const machines = policies.filter((p) => p.name === 'dr-cross-region');
    assert.equal(machines.length, 2);
    for (const p of machines) {
      const reads = secretReads(p.policy);
      assert.equal(reads.length, 2, reads.join(' '));
      for (const r of reads) assert.match(r, /db-fence-secret/);
    }
    // ...and the database clients' policies (trade processor, health) never name it
    const clients = policies.filter((p) => p.name === 'database-access');
    assert.ok(clients.length >= 2);
    for (const p of clients) {
      const reads = secretReads(p.policy);
      assert.ok(reads.length > 0);
      for (const r of reads) assert.doesNotMatch(r, /db-fence-secret/);
    }
  });
});
