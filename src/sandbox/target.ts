/**
 * Which AWS a command talks to: `--sandbox` → the sandbox recorded in
 * `.dr/sandbox.json`; else `DR_ENDPOINT`; else real AWS (the SDK's credential chain and
 * `--profile`).
 */
import type { AwsClients, ClientOptions } from '../aws/clients.js';
import { UsageError } from '../core/errors.js';
import { liveSandbox } from './state.js';

export const NO_SANDBOX_MESSAGE = 'no sandbox is running; start one with `dr sandbox up`';

export interface AwsTarget {
  /** The endpoint override, or undefined for real AWS. */
  readonly endpoint: string | undefined;
  readonly source: 'sandbox' | 'env' | 'aws';
  /** Per-region overrides from `DR_ENDPOINT_<REGION>` (e.g. `DR_ENDPOINT_US_EAST_1`), on top of the endpoint. */
  readonly regionEndpoints?: Readonly<Record<string, string>>;
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
    return { endpoint: state.endpoint, source: 'sandbox' };
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

/** The client factory pointed at the resolved target. */
export async function awsClientsFor(
  options: TargetOptions & Pick<ClientOptions, 'profile' | 'timeoutMs' | 'maxAttempts'>,
): Promise<AwsClients> {
  const target = await resolveAwsTarget(options);
  const { createClients } = await import('../aws/clients.js');
  return createClients({
    ...(options.profile ? { profile: options.profile } : {}),
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.regionEndpoints ? { regionEndpoints: target.regionEndpoints } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
}
