/**
 * Which SDK failures mean "no usable AWS credentials", decided by the error's class name
 * (never its message text), and the one-line `CredentialsError` they become: it names
 * the profile or the default chain that failed and the command that fixes it.
 *
 * - the credential providers failed: `CredentialsProviderError` (no credentials in the
 *   chain, an unknown profile, an expired or never-started SSO session), `TokenProviderError`;
 * - the service refused the credentials it was given: `ExpiredToken(Exception)`,
 *   `InvalidClientTokenId`, `UnrecognizedClientException`, `InvalidAccessKeyId`.
 *
 * Which command fixes it comes from the shared config files (is the profile defined, is
 * it an SSO profile), read only on this error path.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CredentialsError } from '../contract/errors.js';

/** The credential providers found nothing usable. */
const PROVIDER_FAILURES = new Set(['CredentialsProviderError', 'TokenProviderError']);

/** The service refused the credentials (expired session, unknown key). */
const REJECTED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
]);

/** The error (or one of its causes) that says the credentials failed, or undefined. */
function credentialFailure(error: unknown): { name: string; rejected: boolean } | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const name = (e as { name?: unknown }).name;
    if (typeof name !== 'string') continue;
    if (PROVIDER_FAILURES.has(name)) return { name, rejected: false };
    if (REJECTED.has(name)) return { name, rejected: true };
  }
  return undefined;
}

export function isCredentialsFailure(error: unknown): boolean {
  return error instanceof CredentialsError || credentialFailure(error) !== undefined;
}

/** Where the SDK reads the shared config and credentials files. */
export function sharedFiles(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  return {
    config: env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials'),
  };
}

/** The keys of one INI section (`[profile x]` in config, `[x]` in credentials), or undefined. */
function iniSection(file: string, header: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  let section: Record<string, string> | undefined;
  let inside = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = /^\[\s*(.+?)\s*\]$/.exec(line);
    if (head) {
      inside = head[1]?.replace(/\s+/g, ' ') === header;
      if (inside) section ??= {};
      continue;
    }
    const pair = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (inside && section && pair) section[(pair[1] as string).toLowerCase()] = pair[2] as string;
  }
  return section;
}

/** How a profile is defined in the shared files: absent, SSO, or otherwise. */
export function profileKind(
  profile: string,
  env: NodeJS.ProcessEnv = process.env,
): 'missing' | 'sso' | 'defined' {
  const files = sharedFiles(env);
  const config = iniSection(files.config, profile === 'default' ? 'default' : `profile ${profile}`);
  const credentials = iniSection(files.credentials, profile);
  if (!config && !credentials) return 'missing';
  return config && (config.sso_session || config.sso_start_url) ? 'sso' : 'defined';
}

/**
 * Maps a credential failure to `CredentialsError`; anything else is returned unchanged.
 * `profile`: `--profile`, else `AWS_PROFILE` (the SDK honours it), else the default chain.
 */
export function toCredentialsError(
  error: unknown,
  profile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): unknown {
  if (error instanceof CredentialsError) return error;
  const failure = credentialFailure(error);
  if (!failure) return error;
  const named = profile ?? (env.AWS_PROFILE || undefined);
  const files = sharedFiles(env);
  if (!named) {
    const message = failure.rejected
      ? `AWS rejected the credentials of the default credential chain (${failure.name}): renew them (\`aws sso login\`, or fresh session keys), or pass --profile NAME`
      : `no AWS credentials found by the default credential chain (environment, ${files.config}, ${files.credentials}, SSO, container and instance roles): run \`aws configure\` or \`aws sso login --profile NAME\`, then pass --profile NAME`;
    return new CredentialsError(message, undefined, { cause: error });
  }
  const which = `AWS profile "${named}"${profile ? '' : ' (AWS_PROFILE)'}`;
  const kind = profileKind(named, env);
  let message: string;
  if (kind === 'missing') {
    message = `${which} is not defined in ${files.config} or ${files.credentials}: set it up with \`aws configure sso --profile ${named}\` (or \`aws configure --profile ${named}\`), or pass an existing --profile`;
  } else if (kind === 'sso') {
    message = failure.rejected
      ? `AWS rejected the SSO credentials of ${which} (${failure.name}): run \`aws sso login --profile ${named}\``
      : `the SSO session of ${which} has expired or was never started: run \`aws sso login --profile ${named}\``;
  } else {
    message = failure.rejected
      ? `AWS rejected the credentials of ${which} (${failure.name}): renew them (\`aws configure --profile ${named}\`, or fresh session keys)`
      : `${which} gives no usable credentials (${failure.name}): check it with \`aws configure list --profile ${named}\``;
  }
  return new CredentialsError(message, named, { cause: error });
}
