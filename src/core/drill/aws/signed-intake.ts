/**
 * Order intake on AWS: `POST /orders` on a region's order API, as a client of the
 * platform sends it. The route takes AWS_IAM authorization (src/infra/constructs/
 * regional/order-api.ts), so each request is SigV4-signed for `execute-api` in that
 * region. Accepted means API Gateway answered 2xx (the SQS integration took it); a 429
 * from a throttled stage, a 5xx, a timeout or a reset is a refusal.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type * as SignatureV4Module from '@smithy/signature-v4';
import { requireCjs } from '../../../aws/cjs.js';

type SignerInit = ConstructorParameters<typeof SignatureV4Module.SignatureV4>[0];
/** Static credentials or a provider (the SDK's default chain). */
export type SigningCredentials = SignerInit['credentials'];
type Bytes = string | ArrayBuffer | ArrayBufferView;
const toBuffer = (data: Bytes): string | Buffer =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 (and HMAC-SHA-256 with a secret) for the signer, from node:crypto. */
export class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: Bytes) {
    this.hash = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(this.secret));
  }
  update(data: Bytes): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface SignedIntakeOptions {
  /** The stage's base URL per region, e.g. `https://ID.execute-api.REGION.amazonaws.com/STAGE`. */
  readonly baseUrl: (region: string) => Promise<string>;
  readonly credentials: SigningCredentials;
  /** Per request. @default 3000 */
  readonly timeoutMs?: number;
}

export interface IntakeAnswer {
  readonly accepted: boolean;
  /** HTTP status, or the transport error's name. */
  readonly status: number | string;
}

export class SignedIntake {
  private readonly signers = new Map<string, InstanceType<typeof SignatureV4Module.SignatureV4>>();

  constructor(private readonly options: SignedIntakeOptions) {}

  private signer(region: string) {
    let signer = this.signers.get(region);
    if (!signer) {
      const { SignatureV4 } = requireCjs('@smithy/signature-v4') as typeof SignatureV4Module;
      signer = new SignatureV4({
        service: 'execute-api',
        region,
        credentials: this.options.credentials,
        sha256: NodeSha256,
      });
      this.signers.set(region, signer);
    }
    return signer;
  }

  async post(region: string, body: string): Promise<IntakeAnswer> {
    try {
      const url = new URL(`${(await this.options.baseUrl(region)).replace(/\/$/, '')}/orders`);
      const signed = await this.signer(region).sign({
        method: 'POST',
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: {},
        headers: { host: url.host, 'content-type': 'application/json' },
        body,
      });
      const headers = Object.fromEntries(
        Object.entries(signed.headers).filter(([name]) => name.toLowerCase() !== 'host'),
      );
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 3000),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { accepted: response.ok, status: response.status };
    } catch (error) {
      return { accepted: false, status: (error as Error).name || 'Error' };
    }
  }
}
