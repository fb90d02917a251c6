/**
 * Throw-away working directories for tests: made `before` the tests of the file or
 * describe the helper is called from, removed `after` them. Read `dir` once the tests run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';

/** A temp directory named `prefix…`, holding `files` (name → text). */
export function useTempDir(
  prefix: string,
  files: Readonly<Record<string, string>> = {},
): { readonly dir: string } {
  let made: string | undefined;
  before(async () => {
    made = await mkdtemp(join(tmpdir(), prefix));
    for (const [name, text] of Object.entries(files)) await writeFile(join(made, name), text);
  });
  after(async () => {
    if (made) await rm(made, { recursive: true, force: true });
  });
  return {
    get dir(): string {
      if (!made) throw new Error(`${prefix}: the directory is made before the tests`);
      return made;
    },
  };
}

/** A CLI test's working directory: `dr.config.json` holding `config`, and any other `files`. */
export function useConfigDir(
  prefix: string,
  config: object,
  files: Readonly<Record<string, string>> = {},
): { readonly dir: string } {
  return useTempDir(prefix, { 'dr.config.json': JSON.stringify(config), ...files });
}
