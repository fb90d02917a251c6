/**
 * The application roles' passwords are set from their secrets as SCRAM verifiers, so the
 * cluster's DDL log (log_statement=ddl) never holds a password. Against the real
 * PostgreSQL the harness runs: our verifier must be exactly what PostgreSQL computes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { scramVerifier } from '../../src/core/db-credentials.js';
import { serverUrl } from '../fixtures/postgres-db.js';

describe('scramVerifier (real PostgreSQL)', () => {
  const role = `dr_scram_test_${process.pid}`;
  let client: pg.Client;
  const stored = async () =>
    (
      await client.query<{ rolpassword: string }>('SELECT rolpassword FROM pg_authid WHERE rolname = $1', [
        role,
      ])
    ).rows[0]?.rolpassword;
  before(async () => {
    client = new pg.Client({ connectionString: serverUrl() });
    await client.connect();
    await client.query(`DROP ROLE IF EXISTS ${role}`);
  });
  after(async () => {
    await client.query(`DROP ROLE IF EXISTS ${role}`);
    await client.end();
  });

  it('is what PostgreSQL stores for the same password, salt and iterations', async () => {
    // Given PostgreSQL hashing a plaintext password itself
    await client.query(`SET password_encryption = 'scram-sha-256'`);
    await client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'correct horse battery staple'`);
    const theirs = (await stored()) ?? '';
    const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(theirs);
    assert.ok(match, theirs);
    // Then ours, with its salt and iteration count, is the same verifier
    assert.equal(
      scramVerifier('correct horse battery staple', Buffer.from(match[2] ?? '', 'base64'), Number(match[1])),
      theirs,
    );
  });

  it('given to ALTER ROLE … PASSWORD, is stored as is (the password itself is never sent)', async () => {
    const verifier = scramVerifier('another secret');
    await client.query(`ALTER ROLE ${role} PASSWORD '${verifier}'`);
    assert.equal(await stored(), verifier);
    assert.ok(!verifier.includes('another secret'));
  });
});
