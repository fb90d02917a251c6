/**
 * The database step of `dr deploy` against a real PostgreSQL (the harness's server):
 * migrations and the fence seed on the writer, idempotent; skipped and unreachable
 * targets are results, not exceptions. The writer comes from SSM (highest epoch).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import type { AwsClients } from '../../../src/aws/clients.js';
import { configSchema } from '../../../src/config/schema.js';
import { migrateOrders, readWriter, redactUrl, urlTarget } from '../../../src/core/deploy/migrate.js';
import { Naming } from '../../../src/contract/naming.js';
import { freshDatabase } from '../../fixtures/postgres-db.js';

const naming = new Naming(configSchema.parse({ app: 'trading', dns: { domain: 'trading.example.com' } }));
const regions = { primary: 'us-east-1', secondary: 'us-east-2' };

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    return rows.map((r) => r.tablename);
  } finally {
    await client.end();
  }
}

/** SSM as each region answers it: a pair, or a thrown error (region down). */
function ssmClients(byRegion: Record<string, { region: string; epoch: string } | Error>): AwsClients {
  return {
    ssm: (region: string) => ({
      getParameter: async ({ Name }: { Name: string }) => {
        const v = byRegion[region];
        if (v instanceof Error || v === undefined) throw v ?? new Error('none');
        return { Parameter: { Value: Name === naming.ssmActiveRegion() ? v.region : v.epoch } };
      },
    }),
  } as unknown as AwsClients;
}

describe('deploy: orders database step', () => {
  it('applies the migrations and seeds the fence on the writer; a second run changes nothing', async () => {
    // Given an empty database and SSM naming us-east-1 at epoch 1
    const url = await freshDatabase('dr_deploy_migrations');
    const target = urlTarget(url);

    // When the step runs twice (the second time SSM already says us-east-2 at epoch 3)
    const first = await migrateOrders({
      target,
      writer: async () => ({ activeRegion: 'us-east-1', epoch: 1 }),
    });
    const second = await migrateOrders({
      target,
      writer: async () => ({ activeRegion: 'us-east-2', epoch: 3 }),
    });

    // Then the first applied both files and seeded the fence
    assert.equal(first.status, 'applied', first.reason);
    assert.deepEqual(first.applied, [1, 2, 3, 4]);
    assert.deepEqual(first.fence, { activeRegion: 'us-east-1', epoch: 1 });
    assert.deepEqual(await tables(url), ['dr_fence', 'orders', 'schema_migrations']);
    // And the second applied nothing and left the fence as it was (the seed never overwrites)
    assert.equal(second.status, 'applied');
    assert.deepEqual([second.applied, second.alreadyApplied], [[], [1, 2, 3, 4]]);
    assert.deepEqual(second.fence, { activeRegion: 'us-east-1', epoch: 1 });
  });

  it('an unreachable database is a failed result naming the target, password masked', async () => {
    // Given a URL to a closed port / When the step runs
    const outcome = await migrateOrders({
      target: urlTarget('postgres://admin:s3cret@127.0.0.1:1/trading'),
      writer: async () => ({ activeRegion: 'us-east-1', epoch: 1 }),
    });
    // Then it failed, says why, and never shows the password
    assert.equal(outcome.status, 'failed');
    assert.match(outcome.reason ?? '', /ECONNREFUSED|connect/);
    assert.equal(outcome.target, 'postgres://admin:***@127.0.0.1:1/trading');
    assert.ok(!JSON.stringify(outcome).includes('s3cret'));
    assert.equal(redactUrl('postgres://u@h/db'), 'postgres://u@h/db');
  });

  it('a skip target never connects', async () => {
    let asked = false;
    const outcome = await migrateOrders({
      target: { kind: 'skip', reason: 'the sandbox has no database' },
      writer: async () => ((asked = true), { activeRegion: 'us-east-1', epoch: 1 }),
    });
    assert.deepEqual(
      [outcome.status, outcome.reason, asked],
      ['skipped', 'the sandbox has no database', false],
    );
  });

  it('the writer is the SSM copy with the highest epoch; a region that does not answer is left out', async () => {
    // Given us-east-2 took over (epoch 2) and us-east-1 still holds the old pair
    const failedOver = ssmClients({
      'us-east-1': { region: 'us-east-1', epoch: '1' },
      'us-east-2': { region: 'us-east-2', epoch: '2' },
    });
    // When / Then us-east-2 is the writer
    assert.deepEqual(await readWriter(failedOver, naming, regions), { activeRegion: 'us-east-2', epoch: 2 });
    // And with us-east-1 down, the answer comes from us-east-2 alone
    const down = ssmClients({
      'us-east-1': new Error('timeout'),
      'us-east-2': { region: 'us-east-1', epoch: '1' },
    });
    assert.deepEqual(await readWriter(down, naming, regions), { activeRegion: 'us-east-1', epoch: 1 });
    // And with neither answering it throws, naming the parameters
    await assert.rejects(
      readWriter(ssmClients({ 'us-east-1': new Error('a'), 'us-east-2': new Error('b') }), naming, regions),
      /cannot tell the writer region: SSM .*active-region/,
    );
  });
});
