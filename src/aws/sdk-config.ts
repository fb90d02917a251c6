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

export interface ClientSettings {
  readonly region: string;
  /** Shared-config profile; the default credential chain otherwise. Ignored with `endpoint`. */
  readonly profile?: string;
  /** Endpoint override (the sandbox). Dummy credentials are used only when this is set. */
  readonly endpoint?: string;
  /** Per-attempt connection and request timeout, milliseconds. */
  readonly timeoutMs: number;
  /** Attempts per call, the first included. */
  readonly maxAttempts: number;
  /** One credential provider for all clients (else each client resolves the chain itself). */
  readonly credentials?: SharedCredentials;
}

/** Credentials for the local emulator: it accepts any key. Never used against AWS. */
export const SANDBOX_CREDENTIALS = Object.freeze({
  accessKeyId: 'sandbox',
  secretAccessKey: 'sandbox',
});

export interface SdkClientConfig {
  region: string;
  maxAttempts: number;
  retryMode: 'standard';
  requestHandler: NodeHttpHandler;
  profile?: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string } | SharedCredentials;
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
    // The sandbox takes any key: no profile, no credential chain.
    ...(settings.endpoint
      ? { endpoint: settings.endpoint, credentials: { ...SANDBOX_CREDENTIALS } }
      : {
          ...(settings.profile ? { profile: settings.profile } : {}),
          ...(settings.credentials ? { credentials: settings.credentials } : {}),
        }),
  };
}
