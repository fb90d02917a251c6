/**
 * The one AWS client factory. Per region and service it builds an SDK v3 client on first
 * use (the SDK package is imported only then: `dr --help` never pays for it), with
 *
 * - the SDK's default credential chain, `profile` from the shared config, or credentials
 *   given outright (the sandbox's, or a role session the caller assumed);
 * - an endpoint override for the sandbox (path-style S3 only then);
 * - a per-attempt timeout and bounded retries, so a dead region costs seconds;
 * - transport failures mapped to `RegionUnreachableError`, and missing, expired or
 *   rejected credentials to `CredentialsError` (one per factory: every call fails alike);
 *   other service errors pass through unchanged, matched by their `name`.
 */
import type * as CredentialProviderModule from '@aws-sdk/credential-provider-node';
import { requireCjs } from './cjs.js';
import type { ServiceApis, ServiceName } from './apis.js';
import type { ClientCredentials, ClientSettings, SharedCredentials } from './sdk-config.js';
import { toCredentialsError } from './credentials.js';
import { toRegionError } from './errors.js';
import { PAGINATE, usePaginators, type Paginate } from './paginate.js';

export type * from './apis.js';

export interface ClientOptions {
  /** Shared-config profile (`--profile`). @default - the SDK's default credential chain */
  readonly profile?: string;
  /** Endpoint override, e.g. the sandbox's `http://127.0.0.1:PORT`. @default - real AWS */
  readonly endpoint?: string;
  /** Per-region endpoint overrides (`DR_ENDPOINT_US_EAST_1`); win over `endpoint` for their region. */
  readonly regionEndpoints?: Readonly<Record<string, string>>;
  /** Sign every call with these. @default - the default chain (or `profile`) */
  readonly credentials?: ClientCredentials;
  /** Connection and request timeout per attempt, milliseconds. @default 5000 */
  readonly timeoutMs?: number;
  /** Attempts per call, the first included. @default 2 */
  readonly maxAttempts?: number;
}

/** One getter per service: `clients.ssm('us-east-2').getParameter(...)`. */
export type AwsClients = {
  readonly [K in ServiceName]: (region: string) => ServiceApis[K];
} & {
  /** The endpoint override in use, or undefined for real AWS. */
  readonly endpoint: string | undefined;
  /** The identity every client signs with (requests signed outside the SDK use it too). */
  readonly credentials: ClientCredentials;
  /** Closes every client built so far (their sockets would keep the process alive). */
  destroy(): void;
};

interface Destroyable {
  destroy(): void;
}

type ServiceModule<K extends ServiceName> = {
  create(settings: ClientSettings): ServiceApis[K] & Destroyable;
};

const LOADERS: { readonly [K in ServiceName]: () => Promise<ServiceModule<K>> } = {
  ssm: () => import('./services/ssm.js'),
  sqs: () => import('./services/sqs.js'),
  lambda: () => import('./services/lambda.js'),
  rds: () => import('./services/rds.js'),
  dynamodb: () => import('./services/dynamodb.js'),
  s3: () => import('./services/s3.js'),
  route53: () => import('./services/route53.js'),
  sns: () => import('./services/sns.js'),
  cloudwatch: () => import('./services/cloudwatch.js'),
  eventbridge: () => import('./services/eventbridge.js'),
  sfn: () => import('./services/sfn.js'),
  iam: () => import('./services/iam.js'),
  sts: () => import('./services/sts.js'),
  secretsManager: () => import('./services/secrets-manager.js'),
  apiGateway: () => import('./services/api-gateway.js'),
  rdsData: () => import('./services/rds-data.js'),
};

export const DEFAULT_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_ATTEMPTS = 2;

export function createClients(options: ClientOptions = {}): AwsClients {
  // SDK releases warn on every run under Node 20 (the Node the CLI supports): a multi-line
  // stderr warning would break the one-line error contract. An explicit setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer ≥ 1, got ${maxAttempts}`);
  }
  const built: Destroyable[] = [];
  const cache = new Map<string, unknown>();
  // Real AWS: one default-chain provider for every client, so an SSO or role-assuming
  // profile is resolved once per run, not once per service and region.
  let credentials: Promise<SharedCredentials> | undefined;
  let credentialsFailure: unknown;
  const sharedCredentials = () =>
    (credentials ??= Promise.resolve().then(() => {
      const { defaultProvider } = requireCjs(
        '@aws-sdk/credential-provider-node',
      ) as typeof CredentialProviderModule;
      return defaultProvider(options.profile ? { profile: options.profile } : {});
    }));
  // Resolved lazily: `dr --help` and argument errors never load the credential chain.
  const chainIdentity = async () => (await sharedCredentials())();

  function service<K extends ServiceName>(name: K, region: string): ServiceApis[K] {
    const key = `${name}/${region}`;
    const cached = cache.get(key);
    if (cached) return cached as ServiceApis[K];
    const endpoint = options.regionEndpoints?.[region] ?? options.endpoint;
    const settings: ClientSettings = {
      region,
      timeoutMs,
      maxAttempts,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
    };
    let api: Promise<ServiceApis[K] & Destroyable> | undefined;
    const load = () =>
      (api ??= Promise.all([
        (LOADERS[name] as () => Promise<ServiceModule<K>>)(),
        options.credentials ?? sharedCredentials(),
      ]).then(([module, provider]) => {
        const created = module.create({ ...settings, credentials: provider });
        built.push(created);
        return created;
      }));
    // Transport failures name the region; a broken credential chain fails every call alike.
    const mapFailure = (error: unknown, operation: string): unknown => {
      // Credentials given outright (the sandbox's) are not the chain's to explain.
      if (!options.credentials) {
        const mapped = toCredentialsError(error, options.profile);
        if (mapped !== error) return (credentialsFailure ??= mapped);
      }
      return toRegionError(error, region, name, operation);
    };
    // The SDK paginators of the module (src/aws/paginate.ts), over its real client: loaded
    // on the first page, each page's failure mapped as a call's.
    const paginate = async function* (operation: string, input: object): AsyncGenerator<unknown> {
      const loaded = (await load()) as unknown as { [PAGINATE]?: Paginate };
      const pages = loaded[PAGINATE];
      if (typeof pages !== 'function') {
        throw new TypeError(
          `src/aws: ${name} has no paginator for ${operation}; add it to its service module`,
        );
      }
      try {
        yield* pages(operation, input);
      } catch (error) {
        throw mapFailure(error, operation);
      }
    };
    // Each call loads the service module on first use, then maps transport failures.
    const proxy = new Proxy({} as ServiceApis[K], {
      get(_target, operation) {
        // Not a thenable: `await clients.ssm(r)` must not call a `then` operation.
        if (typeof operation !== 'string' || operation === 'then') return undefined;
        return async (input: unknown) => {
          const loaded = (await load()) as unknown as Record<string, unknown>;
          const call = loaded[operation];
          if (typeof call !== 'function' || operation === 'destroy') {
            throw new TypeError(`src/aws: ${name} has no call ${operation}; add it to src/aws/apis.ts`);
          }
          try {
            return await (call as (i: unknown) => Promise<unknown>)(input);
          } catch (error) {
            throw mapFailure(error, operation);
          }
        };
      },
    });
    usePaginators(proxy, paginate);
    cache.set(key, proxy);
    return proxy;
  }

  const getters = Object.fromEntries(
    (Object.keys(LOADERS) as ServiceName[]).map((name) => [name, (region: string) => service(name, region)]),
  ) as { [K in ServiceName]: (region: string) => ServiceApis[K] };

  return {
    ...getters,
    endpoint: options.endpoint,
    credentials: options.credentials ?? chainIdentity,
    destroy() {
      for (const client of built.splice(0)) client.destroy();
      cache.clear();
    },
  };
}
