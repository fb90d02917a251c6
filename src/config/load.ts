/**
 * Reading and validating `dr.config.json`. Nothing here prints or exits: problems are
 * returned as a typed error whose lines name the JSON path of each problem.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { duplicateKeys } from './json.js';
import { configSchema, type DrConfig } from './schema.js';
import { BadConfigError } from '../contract/errors.js';

export const DEFAULT_CONFIG_FILE = 'dr.config.json';

/** The config file is missing, is not JSON, or breaks the schema. */
export class ConfigError extends BadConfigError {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    /** One line per problem: `path: message`. */
    readonly problems: string[],
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${problems.join('; ')}`, problems, options);
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

/** What a file that is not a regular file is, for the message. */
function kindOf(stat: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * The config file's text. Opened without blocking and checked to be a regular file
 * before reading, so a FIFO or a device named by --config is refused instead of waiting
 * forever; each failure says why (not found, a directory, no permission).
 */
async function readConfigText(file: string, given: boolean): Promise<string> {
  const hint = given ? 'check the --config path' : `create ${DEFAULT_CONFIG_FILE} or pass --config PATH`;
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? `not found; ${hint}`
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied; make it readable by this user (chmod u+r) or pass --config PATH'
          : code === 'EISDIR'
            ? `is a directory, not a file; ${hint}`
            : `cannot be opened (${code ?? (error as Error).message}); ${hint}`;
    throw new ConfigError(file, [why], { cause: error });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new ConfigError(file, [`is ${kindOf(stat)}, not a config file; ${hint}`]);
    }
    try {
      return await handle.readFile('utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ConfigError(file, [`cannot be read (${code ?? (error as Error).message}); ${hint}`], {
        cause: error,
      });
    }
  } finally {
    await handle.close();
  }
}

/** Reads and validates a config file (default `./dr.config.json`). */
export async function loadConfig(path?: string): Promise<{ config: DrConfig; file: string }> {
  const file = resolve(path ?? DEFAULT_CONFIG_FILE);
  const text = await readConfigText(file, path !== undefined);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(file, [`not valid JSON (${(error as Error).message})`], { cause: error });
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length > 0) {
    throw new ConfigError(
      file,
      duplicates.map(
        (key) => `${key}: duplicate key; JSON would silently keep only the last value, so remove the other`,
      ),
    );
  }
  return { config: parseConfig(raw, file), file };
}
