/**
 * Which AWS a command talks to: `--sandbox` → the sandbox recorded in
 * `.dr/sandbox.json`, signed with its root key pair; else `DR_ENDPOINT` (an emulator,
 * signed with what the SDK's credential chain finds, as `aws --endpoint-url` does); else
 * real AWS (the SDK's credential chain and `--profile`).
 */
import { userInfo } from 'node:os';
import type { AwsClients, ClientOptions } from '../aws/clients.js';
import { UsageError } from '../contract/errors.js';
import type { StaticCredentials } from '../aws/sdk-config.js';
import { liveSandbox, rootCredentialsOf } from './state.js';

export const NO_SANDBOX_MESSAGE = 'no sandbox is running; start one with `dr sandbox up`';

export interface AwsTarget {
  /** The endpoint override, or undefined for real AWS. */
  readonly endpoint: string | undefined;
  readonly source: 'sandbox' | 'env' | 'aws';
  /** Per-region overrides from `DR_ENDPOINT_<REGION>` (e.g. `DR_ENDPOINT_US_EAST_1`), on top of the endpoint. */
  readonly regionEndpoints?: Readonly<Record<string, string>>;
  /** The sandbox's root key pair; absent: the SDK's credential chain (`DR_ENDPOINT`, AWS). */
  readonly credentials?: StaticCredentials;
}

const REGION_ENDPOINT_VAR = /^DR_ENDPOINT_([A-Z]{2}(?:_GOV)?_[A-Z]+_\d)$/;

/**
 * `DR_ENDPOINT_US_EAST_1=http://127.0.0.1:9` points one region elsewhere (a closed port
 * simulates a dead region). Emulator-only: it needs `--sandbox` or `DR_ENDPOINT`.
 */
function regionEndpointsFrom(env: Readonly<Record<string, string | undefined>>, base: AwsTarget): AwsTarget {
  const entries = Object.entries(env).flatMap(([name, value]) => {
    const match = REGION_ENDPOINT_VAR.exec(name);
    if (!match?.[1] || !value) return [];
    if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol)) {
      throw new UsageError(`${name} must be an http(s) URL such as http://127.0.0.1:5000, got "${value}"`);
    }
    return [[match[1].toLowerCase().replaceAll('_', '-'), value] as const];
  });
  if (entries.length === 0) return base;
  if (base.source === 'aws') {
    throw new UsageError(
      `DR_ENDPOINT_<REGION> is for the emulator: set DR_ENDPOINT or use --sandbox as well`,
    );
  }
  return { ...base, regionEndpoints: Object.fromEntries(entries) };
}

export interface TargetOptions {
  readonly sandbox?: boolean;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

export async function resolveAwsTarget(options: TargetOptions = {}): Promise<AwsTarget> {
  return regionEndpointsFrom(options.env ?? process.env, await resolveBaseTarget(options));
}

async function resolveBaseTarget(options: TargetOptions): Promise<AwsTarget> {
  if (options.sandbox) {
    const state = await liveSandbox(options.cwd);
    if (!state) throw new UsageError(NO_SANDBOX_MESSAGE);
    return { endpoint: state.endpoint, source: 'sandbox', credentials: rootCredentialsOf(state) };
  }
  const fromEnv = (options.env ?? process.env).DR_ENDPOINT;
  if (fromEnv) {
    if (!URL.canParse(fromEnv) || !/^https?:$/.test(new URL(fromEnv).protocol)) {
      throw new UsageError(
        `DR_ENDPOINT must be an http(s) URL such as http://127.0.0.1:5000, got "${fromEnv}"`,
      );
    }
    return { endpoint: fromEnv, source: 'env' };
  }
  return { endpoint: undefined, source: 'aws' };
}

/**
 * Who a command acts as in the sandbox (./identity.ts): the account's administrator
 * (`deploy`), or a deployed role assumed by it (the operator role for an SRE's commands).
 * Against AWS and `DR_ENDPOINT` the credential chain's identity is used as it is.
 */
export type SandboxActor = 'administrator' | { readonly role: string; readonly regions: readonly string[] };

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'operator'; // no passwd entry for this uid (some containers)
  }
}

/** The client factory pointed at the resolved target. */
export async function awsClientsFor(
  options: TargetOptions &
    Pick<ClientOptions, 'profile' | 'timeoutMs' | 'maxAttempts'> & { readonly actAs?: SandboxActor },
): Promise<AwsClients> {
  const target = await resolveAwsTarget(options);
  const { createClients } = await import('../aws/clients.js');
  const actAs = options.actAs ?? 'administrator';
  let credentials: ClientOptions['credentials'] = target.credentials;
  if (target.source === 'sandbox' && target.endpoint && target.credentials && actAs !== 'administrator') {
    const { assumeSandboxRole, sessionNameFor } = await import('./identity.js');
    const session = await assumeSandboxRole({
      endpoint: target.endpoint,
      root: target.credentials,
      regions: actAs.regions,
      roleName: actAs.role,
      sessionName: sessionNameFor((options.env ?? process.env).DR_OPERATOR || osUser()),
    });
    credentials = session.credentials;
  }
  return createClients({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.regionEndpoints ? { regionEndpoints: target.regionEndpoints } : {}),
    ...(credentials ? { credentials } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}
