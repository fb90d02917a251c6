/**
 * Reading and validating `dr.config.json`. Nothing here prints or exits: problems are
 * returned as a typed error whose lines name the JSON path of each problem.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { configSchema, type DrConfig } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'dr.config.json';

/** The config file is missing, is not JSON, or breaks the schema. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    /** One line per problem: `path: message`. */
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problems.join('; ')}`, options);
  }
}

/** Validates an already-parsed object. */
export function parseConfig(raw: unknown, file = '<inline>'): DrConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || '(root)';
    return `${path}: ${describe(issue)}`;
  });
  throw new ConfigError(file, problems);
}

function describe(issue: { code: string; message: string; keys?: string[] }): string {
  if (issue.code === 'unrecognized_keys' && issue.keys) {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}; remove ${issue.keys.length > 1 ? 'them' : 'it'} (see the config reference in the README)`;
  }
  return issue.message;
}

/** Reads and validates a config file (default `./dr.config.json`). */
export async function loadConfig(path?: string): Promise<{ config: DrConfig; file: string }> {
  const file = resolve(path ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const hint = path ? 'check the --config path' : `create ${DEFAULT_CONFIG_FILE} or pass --config PATH`;
    throw new ConfigError(file, [`cannot read the config file; ${hint}`], { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON (${(error as Error).message})`], { cause: error });
  }
  return { config: parseConfig(raw, file), file };
}
