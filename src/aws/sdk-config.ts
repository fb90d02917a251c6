/**
 * The SDK client configuration every service module builds its client from. Loaded only
 * together with a service module (never on the `dr --help` path).
 */
import type * as SmithyNodeHttpHandlerModule from '@smithy/node-http-handler';
import type { defaultProvider } from '@aws-sdk/credential-provider-node';
import { requireCjs } from './cjs.js';

const { NodeHttpHandler } = requireCjs('@smithy/node-http-handler') as typeof SmithyNodeHttpHandlerModule;
type NodeHttpHandler = SmithyNodeHttpHandlerModule.NodeHttpHandler;

/** The default credential chain, resolved once and shared by every client of a factory. */
export type SharedCredentials = ReturnType<typeof defaultProvider>;

/** A key pair (and session token) given outright: the sandbox's, or a role session's. */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** What a client signs with: a key pair, or a provider the SDK asks (and refreshes from). */
export type ClientCredentials = StaticCredentials | SharedCredentials;

export interface ClientSettings {
  readonly region: string;
  /** Shared-config profile; the default credential chain otherwise. Ignored with `credentials`. */
  readonly profile?: string;
  /** Endpoint override (the sandbox or another emulator). */
  readonly endpoint?: string;
  /** Per-attempt connection and request timeout, milliseconds. */
  readonly timeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** One identity for all clients (else each client resolves the chain itself). */
  readonly credentials?: ClientCredentials;
}

export interface SdkClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: 'standard';
  requestHandler: NodeHttpHandler;
  profile?: string;
  endpoint?: string;
  credentials?: ClientCredentials;
}

export function sdkConfig(settings: ClientSettings): SdkClientConfig {
  return {
    region: settings.region,
    maxAttempts: settings.maxAttempts,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: settings.timeoutMs,
      requestTimeout: settings.timeoutMs,
      // Without this the handler only logs a warning when requestTimeout passes.
      throwOnRequestTimeout: true,
    }),
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials
      ? {
          // A copy of a key pair: the SDK marks the object it is given (a frozen one throws).
          credentials:
            typeof settings.credentials === 'function' ? settings.credentials : { ...settings.credentials },
        }
      : settings.profile
        ? { profile: settings.profile }
        : {}),
  };
}
