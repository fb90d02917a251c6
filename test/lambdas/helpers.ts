/**
 * Shared by the Lambda tests on the harness's PostgreSQL (DR_TEST_PG_URL): the file's own
 * migrated database, fenced at us-east-1 epoch 1, made `before` its tests with the
 * Lambda's pool and an admin client on it, both closed `after` them. Read the fields once
 * the tests run.
 */
import { after, before } from 'node:test';
import pg from 'pg';
import { DbPool, urlDbSettings } from '../../src/lambdas/shared/db.js';
import { migratedDatabase } from '../fixtures/postgres-db.js';

export interface FencedDatabase {
  readonly url: string;
  readonly pool: DbPool;
  readonly admin: pg.Client;
}

export function useFencedDatabase(name: string): FencedDatabase {
  let made: FencedDatabase | undefined;
  before(async () => {
    const url = await migratedDatabase(name, { activeRegion: 'us-east-1', epoch: 1 });
    const admin = new pg.Client({ connectionString: url });
    made = { url, pool: new DbPool(urlDbSettings(url)), admin };
    await admin.connect();
  });
  after(async () => {
    await made?.pool.end();
    await made?.admin.end();
  });
  const ready = (): FencedDatabase => {
    if (!made) throw new Error(`${name}: the database is made before the tests`);
    return made;
  };
  return {
    get url() {
      return ready().url;
    },
    get pool() {
      return ready().pool;
    },
    get admin() {
      return ready().admin;
    },
  };
}
