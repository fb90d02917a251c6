/**
 * The PostgreSQL connection pool a function keeps at module scope, so warm invocations
 * reuse connections. Where the connection settings come from is injected: on AWS the
 * endpoint and the credentials' secret ARN are SSM parameters the global stack writes
 * (naming.ssmDbEndpoint(), naming.ssmDbSecretArn(); SecureStrings) and the
 * credentials live in Secrets Manager; tests and the bench pass a PostgreSQL URL.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import pg from 'pg';
import type { Naming } from '../../contract/naming.js';
import { MissingParameterError, type ParameterStore, type SecretStore } from './params.js';

export class DbTlsConfigError extends Error {
  override readonly name = 'DbTlsConfigError';
}

/**
 * TLS options that verify the server's chain against the CA bundle at `caBundlePath`
 * only (on AWS the RDS bundle packed in the zip, named by NODE_EXTRA_CA_CERTS) and its
 * name against the host. A server whose chain does not end in that bundle is refused.
 */
export function verifiedTls(caBundlePath: string | undefined): ConnectionOptions {
  if (!caBundlePath) {
    throw new DbTlsConfigError(
      'NODE_EXTRA_CA_CERTS is not set: the stacks point it at the RDS CA bundle in the function zip; without it Aurora TLS cannot be verified',
    );
  }
  let ca: string;
  try {
    ca = readFileSync(caBundlePath, 'utf8');
  } catch (error) {
    throw new DbTlsConfigError(
      `cannot read the RDS CA bundle ${caBundlePath} (NODE_EXTRA_CA_CERTS): ${(error as Error).message}`,
    );
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw new DbTlsConfigError(`the RDS CA bundle ${caBundlePath} holds no PEM certificate`);
  }
  return { rejectUnauthorized: true, ca };
}

export type DbSettings = () => Promise<pg.PoolConfig>;

export function urlDbSettings(url: string): DbSettings {
  return async () => ({ connectionString: url });
}

/** Fields of an RDS database secret the function uses. */
interface DbSecret {
  username: string;
  password: string;
  dbname?: string;
  port?: number;
}

export function awsDbSettings(options: {
  parameters: ParameterStore;
  secrets: SecretStore;
  naming: Naming;
  /** Database name when the secret does not name one. @default - `trading` (config default) */
  database?: string;
  /**
   * PEM file of the CAs Aurora's certificate must chain to.
   * @default - `process.env.NODE_EXTRA_CA_CERTS` (the stacks' DB_CA_ENV)
   */
  caBundlePath?: string;
}): DbSettings {
  return async () => {
    const endpointName = options.naming.ssmDbEndpoint();
    const secretName = options.naming.ssmDbSecretArn();
    const values = await options.parameters.get([endpointName, secretName]);
    const endpoint = values[endpointName];
    const secretArn = values[secretName];
    if (!endpoint || !secretArn) {
      throw new MissingParameterError(
        `SSM parameter(s) missing: ${[!endpoint && endpointName, !secretArn && secretName].filter(Boolean).join(', ')}`,
      );
    }
    const ssl = verifiedTls(options.caBundlePath ?? process.env.NODE_EXTRA_CA_CERTS);
    const secret = JSON.parse(await options.secrets.getSecretString(secretArn)) as DbSecret;
    const [host, port] = endpoint.split(':');
    return {
      host,
      port: Number(port ?? secret.port ?? 5432),
      user: secret.username,
      password: secret.password,
      database: secret.dbname ?? options.database ?? 'trading',
      // Aurora requires TLS, verified against the RDS CA bundle shipped in the zip.
      ssl,
    };
  };
}

/** SQLSTATE classes that mean "the server is not there or refuses us". */
const AUTH_FAILED = new Set(['28P01', '28000']);

/**
 * One lazily created pg.Pool. The settings (and so the secret) are fetched once; after
 * an authentication failure (rotated password) the pool is dropped and the next call
 * fetches them again.
 */
export class DbPool {
  private pool: pg.Pool | undefined;
  private creating: Promise<pg.Pool> | undefined;
  private readonly listening = new WeakSet<pg.PoolClient>();

  constructor(
    private readonly settings: DbSettings,
    private readonly options: pg.PoolConfig = {},
  ) {}

  async connect(): Promise<pg.PoolClient> {
    const pool = await this.get();
    try {
      const client = await pool.connect();
      // A checked-out client whose connection drops emits 'error' (pg leaves that to
      // the caller); the failing query rejects anyway, so the event only needs a listener.
      if (!this.listening.has(client)) {
        this.listening.add(client);
        client.on('error', () => {});
      }
      return client;
    } catch (error) {
      if (AUTH_FAILED.has(String((error as { code?: unknown }).code))) await this.reset();
      throw error;
    }
  }

  async reset(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end().catch(() => {});
  }

  end(): Promise<void> {
    return this.reset();
  }

  private async get(): Promise<pg.Pool> {
    if (this.pool) return this.pool;
    this.creating ??= this.settings()
      .then((config) => {
        const pool = new pg.Pool({ max: 2, idleTimeoutMillis: 60_000, ...config, ...this.options });
        // An idle client losing its connection (failover, restart) must not crash the process.
        pool.on('error', () => {});
        this.pool = pool;
        return pool;
      })
      .finally(() => {
        this.creating = undefined;
      });
    return this.creating;
  }
}
