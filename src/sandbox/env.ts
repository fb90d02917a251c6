/**
 * `dr sandbox env`: the settings that point any AWS client at the running sandbox, as an
 * administrator of its account — the AWS CLI, boto3, an SDK, Terraform. One record per
 * variable, so the command prints them as `export` lines or as JSON.
 */
import { SANDBOX_CREDENTIALS } from '../aws/sdk-config.js';
import { UsageError } from '../core/errors.js';
import { liveSandbox } from './state.js';
import { NO_SANDBOX_MESSAGE } from './target.js';

export interface SandboxEnv {
  readonly variables: Readonly<Record<string, string>>;
}

export async function sandboxEnv(cwd = process.cwd()): Promise<SandboxEnv> {
  const state = await liveSandbox(cwd);
  if (!state) throw new UsageError(NO_SANDBOX_MESSAGE);
  return {
    variables: {
      AWS_ENDPOINT_URL: state.endpoint,
      AWS_ACCESS_KEY_ID: SANDBOX_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SANDBOX_CREDENTIALS.secretAccessKey,
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
