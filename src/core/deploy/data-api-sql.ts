/**
 * A SQL client over the RDS Data API, for the code that takes an `SqlClient` (the
 * migration runner, the fence seed, the roles' passwords): `dr deploy` reaches the
 * writer this way, as the user of the secret it is given, with no network path to the
 * cluster's private endpoint.
 *
 * What the Data API allows, and how this client maps `pg`-style calls onto it:
 * - one statement per ExecuteStatement: a text of several (a migration file) is split
 *   into statements (quotes, quoted identifiers, dollar quotes and comments respected)
 *   and run one by one;
 * - parameters by name: `$1`, `$2`… become `:p1`, `:p2`… with typed Field values;
 * - transactions by id: `BEGIN` / `COMMIT` / `ROLLBACK` become BeginTransaction /
 *   CommitTransaction / RollbackTransaction, and every statement between runs in that
 *   transaction (the same database session). Outside one, each statement is autocommitted
 *   and may run on another session, so session state (SET, session advisory locks) does
 *   not carry over: callers take transaction-scoped locks;
 * - rows come back as `formatRecordsAs: JSON` objects keyed by column name.
 */
import type { Field, SqlParameter } from '@aws-sdk/client-rds-data';
import type { RdsDataApi } from '../../aws/apis.js';
import type { SqlClient } from '../../contract/database.js';
import { FailedError } from '../../contract/errors.js';

export class DataApiSqlError extends FailedError {
  override readonly name = 'DataApiSqlError';
}

/** Where the statements run: the cluster, the secret whose user runs them, the database. */
export interface DataApiTarget {
  readonly resourceArn: string;
  readonly secretArn: string;
  readonly database: string;
}

/**
 * Splits SQL text into statements at top-level semicolons. Comments are kept with the
 * statement that follows them; empty statements (only whitespace or comments) are dropped.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      // PostgreSQL block comments nest.
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
        } else {
          i++;
        }
      }
    } else if (c === "'" || c === '"') {
      // A doubled quote inside is an escaped quote: the loop reads it as close + open.
      const end = sql.indexOf(c, i + 1);
      i = end === -1 ? n : end + 1;
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      const prev = i > 0 ? (sql[i - 1] as string) : '';
      if (tag && !/[A-Za-z0-9_]/.test(prev)) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        i = end === -1 ? n : end + tag[0].length;
      } else {
        i++;
      }
    } else if (c === ';') {
      statements.push(sql.slice(start, i));
      start = ++i;
    } else {
      i++;
    }
  }
  statements.push(sql.slice(start));
  return statements.map((s) => s.trim()).filter((s) => meaningful(s));
}

function meaningful(statement: string): boolean {
  const stripped = statement
    .replace(/--[^\n]*(\n|$)/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .trim();
  return stripped.length > 0;
}

/**
 * `$1`… → `:p1`… outside quotes, quoted identifiers, dollar quotes and comments (a `$1`
 * inside a string literal is text, not a parameter).
 */
export function namedParameters(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    let end = i + 1;
    if (c === '-' && next === '-') {
      const eol = sql.indexOf('\n', i);
      end = eol === -1 ? n : eol + 1;
    } else if (c === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      end = close === -1 ? n : close + 2;
    } else if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      end = close === -1 ? n : close + 1;
    } else if (c === '$') {
      const number = /^\$(\d+)/.exec(sql.slice(i));
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i));
      if (number) {
        out += `:p${number[1]}`;
        i += number[0].length;
        continue;
      }
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        end = close === -1 ? n : close + tag[0].length;
      }
    }
    out += sql.slice(i, end);
    i = end;
  }
  return out;
}

function field(value: unknown, position: number): Field {
  if (value === null || value === undefined) return { isNull: true };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'bigint') return { longValue: Number(value) };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { longValue: value } : { doubleValue: value };
  }
  if (value instanceof Uint8Array) return { blobValue: value };
  if (value instanceof Date) return { stringValue: value.toISOString() };
  throw new DataApiSqlError(
    `parameter $${position} is a ${typeof value}: the Data API takes strings, numbers, booleans, bytes or null`,
  );
}

const TRANSACTION_CONTROL = /^\s*(BEGIN|START\s+TRANSACTION|COMMIT|END|ROLLBACK)\s*;?\s*$/i;

/** An `SqlClient` (plus `end`) whose statements run through the RDS Data API. */
export class DataApiSqlClient implements SqlClient {
  private transactionId: string | undefined;

  constructor(
    private readonly api: RdsDataApi,
    private readonly target: DataApiTarget,
  ) {}

  async query<R extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<{ rows: R[] }> {
    const control = TRANSACTION_CONTROL.exec(sql)?.[1]?.toUpperCase();
    if (control) {
      await this.transaction(
        control.startsWith('ROLLBACK')
          ? 'rollback'
          : control === 'COMMIT' || control === 'END'
            ? 'commit'
            : 'begin',
      );
      return { rows: [] };
    }
    const statements = splitStatements(sql);
    if (params.length > 0 && statements.length > 1) {
      throw new DataApiSqlError(
        'a statement with parameters must be sent alone (the Data API runs one statement per call)',
      );
    }
    const parameters: SqlParameter[] = params.map((value, i) => ({
      name: `p${i + 1}`,
      value: field(value, i + 1),
    }));
    let rows: R[] = [];
    for (const statement of statements) {
      const out = await this.api.executeStatement({
        ...this.target,
        sql: parameters.length > 0 ? namedParameters(statement) : statement,
        ...(parameters.length > 0 ? { parameters } : {}),
        ...(this.transactionId ? { transactionId: this.transactionId } : {}),
        formatRecordsAs: 'JSON',
      });
      rows = out.formattedRecords ? (JSON.parse(out.formattedRecords) as R[]) : [];
    }
    return { rows };
  }

  /** Rolls back a transaction still open (a caller that stopped midway). */
  async end(): Promise<void> {
    if (this.transactionId) await this.transaction('rollback').catch(() => {});
  }

  private async transaction(action: 'begin' | 'commit' | 'rollback'): Promise<void> {
    const { resourceArn, secretArn, database } = this.target;
    if (action === 'begin') {
      if (this.transactionId)
        throw new DataApiSqlError('BEGIN inside a transaction: the Data API does not nest them');
      const out = await this.api.beginTransaction({ resourceArn, secretArn, database });
      if (!out.transactionId)
        throw new DataApiSqlError(`BeginTransaction on ${resourceArn} returned no transaction id`);
      this.transactionId = out.transactionId;
      return;
    }
    const transactionId = this.transactionId;
    // PostgreSQL answers a COMMIT/ROLLBACK outside a transaction with a warning only.
    if (!transactionId) return;
    this.transactionId = undefined;
    if (action === 'commit') await this.api.commitTransaction({ resourceArn, secretArn, transactionId });
    else await this.api.rollbackTransaction({ resourceArn, secretArn, transactionId });
  }
}
