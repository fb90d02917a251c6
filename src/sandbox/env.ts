/**
 * `dr sandbox env`: the settings that point any AWS client at the running sandbox, as an
 * administrator of its account — the AWS CLI, boto3, an SDK, Terraform. One record per
 * variable, so the command prints them as `export` lines or as JSON.
 *
 * While the live runtime runs (`dr sandbox up` without `--no-runtime`) it also gives the
 * platform's own endpoints, for driving load and looking at what was written:
 * `DR_ORDER_API_URL`, the DNS-following order endpoint (`POST $DR_ORDER_API_URL/orders`,
 * SigV4-signed for `execute-api`: ./runtime/order-endpoint.ts), and `DR_DATABASE_URL`, the
 * writer region's database (the runtime's answer now: it moves with a failover).
 */
import { UsageError } from '../contract/errors.js';
import { liveSandbox, rootCredentialsOf } from './state.js';
import { NO_SANDBOX_MESSAGE } from './target.js';
import type { RuntimeRecord } from './runtime/contract.js';

export interface SandboxEnv {
  readonly variables: Readonly<Record<string, string>>;
}

export async function sandboxEnv(cwd = process.cwd()): Promise<SandboxEnv> {
  const state = await liveSandbox(cwd);
  if (!state) throw new UsageError(NO_SANDBOX_MESSAGE);
  const root = rootCredentialsOf(state);
  const runtime = await runtimeVariables(state.runtime);
  return {
    variables: {
      AWS_ENDPOINT_URL: state.endpoint,
      // The account's root user: the administrator the issue's `aws` examples need.
      AWS_ACCESS_KEY_ID: root.accessKeyId,
      AWS_SECRET_ACCESS_KEY: root.secretAccessKey,
      AWS_REGION: state.regions.primary,
      // Older tools read only this one.
      AWS_DEFAULT_REGION: state.regions.primary,
      ...runtime,
    },
  };
}

/** The runtime's endpoints when it runs and answers; nothing otherwise. */
async function runtimeVariables(record: RuntimeRecord | undefined): Promise<Record<string, string>> {
  if (!record) return {};
  const { liveRuntime } = await import('./runtime/start.js');
  const live = await liveRuntime(record);
  if (!live) return {};
  const database = live.record.databaseUrls[live.status.writer] ?? Object.values(live.record.databaseUrls)[0];
  return {
    DR_ORDER_API_URL: live.record.orderApiUrl,
    ...(database ? { DR_DATABASE_URL: database } : {}),
  };
}

/** POSIX shell `export` lines, each value single-quoted. */
export function exportLines(env: SandboxEnv): string {
  return Object.entries(env.variables)
    .map(([name, value]) => `export ${name}='${value.replaceAll("'", `'\\''`)}'`)
    .join('\n');
}
