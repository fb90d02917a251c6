/**
 * `dr sandbox env`: the settings that point any AWS client at the running sandbox, as an
 * administrator of its account — the AWS CLI, boto3, an SDK, Terraform. One record per
 * variable, so the command prints them as `export` lines or as JSON.
 */
import { UsageError } from '../core/errors.js';
import { liveSandbox, rootCredentialsOf } from './state.js';
import { NO_SANDBOX_MESSAGE } from './target.js';

export interface SandboxEnv {
  readonly variables: Readonly<Record<string, string>>;
}

export async function sandboxEnv(cwd = process.cwd()): Promise<SandboxEnv> {
  const state = await liveSandbox(cwd);
  if (!state) throw new UsageError(NO_SANDBOX_MESSAGE);
  const root = rootCredentialsOf(state);
  return {
    variables: {
      AWS_ENDPOINT_URL: state.endpoint,
      // The account's root user: the administrator the issue's `aws` examples need.
      AWS_ACCESS_KEY_ID: root.accessKeyId,
      AWS_SECRET_ACCESS_KEY: root.secretAccessKey,
      AWS_REGION: state.regions.primary,
      // Older tools read only this one.
      AWS_DEFAULT_REGION: state.regions.primary,
    },
  };
}

/** POSIX shell `export` lines, each value single-quoted. */
export function exportLines(env: SandboxEnv): string {
  return Object.entries(env.variables)
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`)
    .join('\n');
}
