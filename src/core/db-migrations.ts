/**
 * The migration runner for the orders database. `dr deploy` calls it against the
 * primary region's writer after the stacks are applied; Aurora replicates the result
 * to the secondary, so it runs once per deployment, not once per region.
 *
 * Why deploy and not a migration Lambda or the trade processor itself: a schema change
 * is a deployment step that an operator watches and that must finish (or fail loudly)
 * before the new code takes traffic; the trade processor runs with DML-only rights and
 * many concurrent copies, so it must never race DDL. The runner only needs a SQL client,
 * so a migration function inside the VPC can call the same code if the operator's
 * machine cannot reach the database.
 *
 * Files: `NNN_name.sql` in the trade processor's migrations folder, applied in version
 * order, each in its own transaction together with its `schema_migrations` row. An
 * applied file whose text changed is an error (fix forward with a new file). Two
 * concurrent deploys take turns on a transaction-scoped advisory lock, taken in each
 * file's transaction, which then checks again that no one applied the file meanwhile:
 * no session state is needed, so the runner works through the RDS Data API too (where
 * statements outside a transaction may run on different sessions).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlClient } from '../contract/database.js';
import { FailedError } from '../contract/errors.js';

export interface Migration {
  readonly version: number;
  readonly name: string;
  /** The file name, `NNN_name.sql`. */
  readonly file: string;
  readonly sql: string;
  /** SHA-256 of the file's text. */
  readonly checksum: string;
}

export interface MigrationResult {
  /** Versions applied by this run, in order. */
  readonly applied: number[];
  /** Versions that were already applied before this run. */
  readonly alreadyApplied: number[];
}

export class MigrationError extends FailedError {
  override readonly name = 'MigrationError';
}

const FILE = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
/** Arbitrary constant key of the advisory lock that serializes runners. */
const LOCK_KEY = 7_261_001;

/**
 * The folder holding the SQL files: `src/lambdas/trade-processor/migrations` from the
 * sources, `dist/lambdas/trade-processor/migrations` from the build (build:lambdas copies
 * them there).
 */
export function defaultMigrationsDir(): string {
  return fileURLToPath(new URL('../lambdas/trade-processor/migrations/', import.meta.url));
}

export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE.exec(file);
    if (!match) {
      throw new MigrationError(
        `${file}: migration files must be named NNN_name.sql (e.g. 003_add_venue.sql)`,
      );
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    migrations.push({
      version: Number(match[1]),
      name: match[2] as string,
      file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    const prev = migrations[i - 1] as Migration;
    const cur = migrations[i] as Migration;
    if (prev.version === cur.version) {
      throw new MigrationError(`two migrations have version ${cur.version}: ${prev.file} and ${cur.file}`);
    }
  }
  return migrations;
}

/** Applies every migration not yet recorded in `schema_migrations`. */
export async function applyMigrations(
  client: SqlClient,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  const inTransaction = async <T>(work: () => Promise<T>): Promise<T> => {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
  };
  await inTransaction(() =>
    client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`),
  );
  const recorded = async () => {
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    const done = new Map(rows.map((r) => [Number(r.version), r]));
    for (const m of migrations) {
      const row = done.get(m.version);
      if (row && row.checksum !== m.checksum) {
        throw new MigrationError(
          `migration ${m.file} was changed after it was applied (checksum differs): add a new migration instead of editing an applied one`,
        );
      }
    }
    return done;
  };
  const before = await recorded();
  const applied: number[] = [];
  for (const m of migrations) {
    if (before.has(m.version)) continue;
    try {
      const ran = await inTransaction(async () => {
        // Under the lock: another deploy may have applied it since the first read.
        if ((await recorded()).has(m.version)) return false;
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          m.version,
          m.name,
          m.checksum,
        ]);
        return true;
      });
      if (ran) applied.push(m.version);
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      throw new MigrationError(
        `migration ${m.file} failed and was rolled back: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  const alreadyApplied = [...(await recorded()).keys()].filter((v) => !applied.includes(v));
  return { applied, alreadyApplied: alreadyApplied.sort((a, b) => a - b) };
}
