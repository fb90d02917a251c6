/**
 * The database users that log in with a password from Secrets Manager, and the step that
 * makes each PostgreSQL role's password the one in its secret:
 *
 * - `trade_processor` (migration 003): the trade processor and /health;
 * - `dr_fence_writer` (migration 004): the failover/failback state machines' fence step,
 *   through the RDS Data API, which runs a statement as the user of the secret it is given.
 *
 * Terraform creates the secrets without a value (a password never enters code or state).
 * This step, run by `dr deploy` after the migrations on the writer (and by the sandbox on
 * its PostgreSQL), gives a secret without a value a generated password, `{username,
 * password}` as the Data API reads it, put in the secret's home region (Secrets Manager
 * copies it to the replica), then sets the role's password from the secret. A secret
 * whose value names another user is an error, never overwritten.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { AwsClients } from '../aws/clients.js';
import { Naming } from '../contract/naming.js';
import type { SqlClient } from '../contract/database.js';
import { FailedError } from '../contract/errors.js';

export interface DbCredential {
  /** The PostgreSQL role. */
  readonly user: string;
  /** SSM name of the parameter holding the secret's ARN. */
  readonly secretArnParameter: string;
}

export function dbCredentials(naming: Naming): DbCredential[] {
  return [
    { user: Naming.dbAppUser, secretArnParameter: naming.ssmDbSecretArn() },
    { user: Naming.dbFenceUser, secretArnParameter: naming.ssmDbFenceSecretArn() },
  ];
}

export class DbCredentialError extends FailedError {
  override readonly name = 'DbCredentialError';
}

/**
 * Reads (or first generates) each user's secret in `secretRegion` (the secrets' home: the
 * primary region) and sets the role's password from it. Returns the users it set.
 */
export async function applyDbCredentials(options: {
  readonly clients: AwsClients;
  readonly naming: Naming;
  readonly secretRegion: string;
  readonly sql: SqlClient;
}): Promise<string[]> {
  const { clients, naming, secretRegion, sql } = options;
  const secrets = clients.secretsManager(secretRegion);
  const done: string[] = [];
  for (const credential of dbCredentials(naming)) {
    const param = await clients
      .ssm(secretRegion)
      .getParameter({ Name: credential.secretArnParameter, WithDecryption: true });
    const secretArn = param.Parameter?.Value;
    if (!secretArn) {
      throw new DbCredentialError(`SSM ${credential.secretArnParameter} in ${secretRegion} is empty`);
    }
    let password = await currentPassword(secrets, secretArn, credential.user);
    if (password === undefined) {
      password = randomBytes(32).toString('base64url');
      await secrets.putSecretValue({
        SecretId: secretArn,
        SecretString: JSON.stringify({ username: credential.user, password }),
      });
    }
    // ALTER ROLE takes no bind parameters: PostgreSQL quotes the name and the literal. The
    // literal is the SCRAM verifier, never the password: the cluster logs DDL
    // (log_statement=ddl), and a plain password would land in its logs.
    const { rows } = await sql.query<{ statement: string }>(
      `SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', $1::text, $2::text) AS statement`,
      [credential.user, scramVerifier(password)],
    );
    await sql.query((rows[0] as { statement: string }).statement);
    done.push(credential.user);
  }
  return done;
}

async function currentPassword(
  secrets: ReturnType<AwsClients['secretsManager']>,
  secretArn: string,
  user: string,
): Promise<string | undefined> {
  let value: string | undefined;
  try {
    value = (await secrets.getSecretValue({ SecretId: secretArn })).SecretString;
  } catch (error) {
    // A secret without a version yet: Secrets Manager answers ResourceNotFoundException.
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
  if (value === undefined) return undefined;
  let parsed: { username?: unknown; password?: unknown };
  try {
    parsed = JSON.parse(value) as typeof parsed;
  } catch {
    throw new DbCredentialError(`secret ${secretArn} is not JSON {"username", "password"}`);
  }
  if (parsed.username !== user || typeof parsed.password !== 'string' || !parsed.password) {
    throw new DbCredentialError(
      `secret ${secretArn} must hold {"username": "${user}", "password": …}, got username ${JSON.stringify(parsed.username)}`,
    );
  }
  return parsed.password;
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, the format
 * of `pg_authid.rolpassword`): given to ALTER ROLE … PASSWORD, the server stores it as is.
 */
export function scramVerifier(password: string, salt: Buffer = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  const b64 = (b: Buffer) => b.toString('base64');
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`;
}
