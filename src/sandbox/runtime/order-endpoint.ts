/**
 * The live sandbox's one order endpoint (`DR_ORDER_API_URL`): what a client of the platform
 * reaches through `https://api.<domain>` on AWS. Any request (`POST /orders`, any path)
 * goes to the region Route 53 answers for `api.<domain>`, then to that region's order API
 * on the API Gateway stand-in (../api-gateway.ts), which answers as the deployed API does
 * (IAM auth, stage throttle, request validator, SQS integration).
 *
 * Resolving, as a resolver does:
 * - the answer is the emulator's Route 53 `TestDNSAnswer` for the failover CNAME
 *   `api.<domain>` in the platform's hosted zone; the answered value (the region's API
 *   Gateway regional domain name) is mapped back to its region by the failover record
 *   that carries it (its health check probes `api-<region code>.<domain>`), else by the
 *   region named in the value;
 * - it is cached for the answered record's TTL divided by the pace factor (./pace.ts), so
 *   after a failover requests keep going to the old region for up to a TTL, as clients
 *   behind a caching resolver do;
 * - Route 53's DNS (its data plane) does not live in us-east-1, but the emulator counts
 *   every Route 53 API call as us-east-1's: while that region is down `TestDNSAnswer` is
 *   cut. The endpoint then answers from `fallbackAnswer` (the runtime's Route 53 health
 *   checkers and failover records: the same rule on the same statuses), cached the same.
 *
 * Signing (decided here, documented in the README): the order API takes AWS_IAM, so a
 * request must be SigV4-signed for `execute-api`. A client of a failover name cannot know
 * which region it will reach — on AWS its SDK resolves the name, then signs for that
 * region. Here the endpoint is that resolver, so a client signs ONCE, for either platform
 * region (`AWS_REGION` from `dr sandbox env` is the primary: `curl --aws-sigv4
 * "aws:amz:us-east-1:execute-api"` works across a failover). A request whose credential
 * scope names the other platform region than the answered one is forwarded with the
 * scope's region rewritten to the answered region (header `Authorization` or query
 * `X-Amz-Credential`); the caller's access key and the rest of the request are kept. The
 * signature is not recomputed (the endpoint holds no secret of the caller): the stand-in
 * checks the scope, not the signature, so this costs nothing there, and it is the one
 * place to change should the stand-in ever verify signatures. Anything else (unsigned,
 * another service, a region outside the platform) is forwarded as it came and refused by
 * the stand-in as API Gateway refuses it (403).
 *
 * Every answer carries `x-dr-region` (the region that served it). A region that does not
 * answer (the stand-in resets the connection of a region in outage) resets the client's
 * connection too, as a dead regional endpoint does.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { readHealthChecks, readHostedZoneId } from '../../core/checks/read.js';
import { listenOnLoopback } from '../loopback.js';
import { ttlMsAt, type Pace } from './pace.js';

/** Route 53's control plane (the emulator signs and cuts its calls as us-east-1's). */
const ROUTE53_REGION = 'us-east-1';
/** Hop-by-hop headers a proxy does not pass on (RFC 9110 §7.6.1), and the host it rewrites. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'host',
]);

export interface Resolution {
  readonly region: string;
  /** What answered: Route 53's TestDNSAnswer, or the health checkers when it was cut. */
  readonly source: 'route53' | 'health-checkers';
  /** The record's TTL as Route 53 serves it, seconds. */
  readonly ttlSeconds: number;
  /** Epoch ms: resolved at, and kept until. */
  readonly at: number;
  readonly until: number;
}

export interface OrderEndpointOptions {
  /** Route 53 reads (the sandbox's administrator: a resolver needs no IAM on AWS). */
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly pace: Pace;
  /** The region's order API stage on the stand-in (its invoke URL, no trailing slash). */
  readonly regionUrl: (region: string) => string;
  /** The failover records' answer when Route 53 does not answer (see above). */
  readonly fallbackAnswer: () => string;
  /** @default 0 (any free port) */
  readonly port?: number;
}

export interface RunningOrderEndpoint {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** The cached answer, resolved again once it expired. */
  resolve(): Promise<Resolution>;
  /** The answer last resolved (undefined before the first request). */
  readonly last: Resolution | undefined;
  /** Requests forwarded so far, per region. */
  readonly forwarded: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

interface RecordValue {
  readonly region: string;
  readonly ttlSeconds: number;
}

const normalize = (value: string) => value.trim().replace(/\.$/, '').toLowerCase();

/**
 * The credential scope of a SigV4 request with its region rewritten to `to`, when it names
 * `execute-api` and another of the platform's `regions`; undefined when nothing changes.
 */
export function rescope(credential: string, regions: readonly string[], to: string): string | undefined {
  const parts = credential.split('/');
  const [, date, region, service, terminator] = parts;
  if (parts.length !== 5 || !date || !region || service !== 'execute-api' || terminator !== 'aws4_request') {
    return undefined;
  }
  if (region === to || !regions.includes(region)) return undefined;
  return [parts[0], date, to, service, terminator].join('/');
}

/** The request's headers and path as forwarded to `region` (SigV4 scope rewritten when needed). */
export function forwardedRequest(
  headers: IncomingHttpHeaders,
  pathAndQuery: string,
  regions: readonly string[],
  region: string,
): { headers: Record<string, string | string[]>; pathAndQuery: string } {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = value;
  }
  const authorization = headers.authorization;
  if (typeof authorization === 'string') {
    out.authorization = authorization.replace(
      /((?:^|[\s,])Credential=)([^,\s]+)/,
      (whole, prefix: string, credential: string) => {
        const changed = rescope(credential, regions, region);
        return changed === undefined ? whole : `${prefix}${changed}`;
      },
    );
  }
  const url = new URL(pathAndQuery, 'http://order-endpoint.local');
  const credential = url.searchParams.get('X-Amz-Credential');
  if (credential !== null) {
    const changed = rescope(credential, regions, region);
    if (changed !== undefined) url.searchParams.set('X-Amz-Credential', changed);
  }
  return { headers: out, pathAndQuery: `${url.pathname}${url.search}` };
}

export async function startOrderEndpoint(options: OrderEndpointOptions): Promise<RunningOrderEndpoint> {
  const { clients, config, pace } = options;
  const naming = new Naming(config);
  const regions = [config.regions.primary, config.regions.secondary];
  const recordName = naming.apiDomain(config.dns.domain, config.dns.apiSubdomain);
  const route53 = clients.route53(ROUTE53_REGION);
  const zone = await readHostedZoneId(route53, config.dns.domain);
  if (!zone) throw new Error(`Route 53 has no hosted zone ${config.dns.domain}: is the platform deployed?`);
  const zoneId = zone.replace(/^\/hostedzone\//, '');

  /** Each failover record's value → its region and TTL (read again when an answer is unknown). */
  const values = new Map<string, RecordValue>();
  const readRecords = async (): Promise<void> => {
    const [sets, checks] = await Promise.all([
      route53.listResourceRecordSets({ HostedZoneId: zoneId, StartRecordName: recordName, MaxItems: 20 }),
      readHealthChecks(route53),
    ]);
    const regionOfCheck = new Map(
      checks.flatMap((c) =>
        regions
          .filter((r) => c.fqdn === naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, r))
          .map((r) => [c.id, r] as const),
      ),
    );
    for (const set of sets.ResourceRecordSets ?? []) {
      if (normalize(set.Name ?? '') !== recordName.toLowerCase() || !set.Failover) continue;
      const fallback = set.Failover === 'PRIMARY' ? config.regions.primary : config.regions.secondary;
      const region = (set.HealthCheckId ? regionOfCheck.get(set.HealthCheckId) : undefined) ?? fallback;
      for (const value of set.ResourceRecords ?? []) {
        if (value.Value)
          values.set(normalize(value.Value), { region, ttlSeconds: set.TTL ?? config.dns.ttlSeconds });
      }
    }
  };
  await readRecords();
  if (values.size === 0) {
    throw new Error(
      `Route 53 has no failover records for ${recordName} in ${config.dns.domain}: is the platform deployed?`,
    );
  }

  const regionOfValue = async (value: string): Promise<RecordValue> => {
    const key = normalize(value);
    if (!values.has(key)) await readRecords().catch(() => undefined);
    const known = values.get(key);
    if (known) return known;
    const named = regions.find((r) => key.includes(r));
    if (named) return { region: named, ttlSeconds: config.dns.ttlSeconds };
    throw new Error(
      `Route 53 answered ${value} for ${recordName}: no failover record of either region has it`,
    );
  };

  let last: Resolution | undefined;
  let resolving: Promise<Resolution> | undefined;
  const ask = async (): Promise<Resolution> => {
    const at = Date.now();
    let answered: RecordValue & { source: Resolution['source'] };
    try {
      const out = await route53.testDNSAnswer({
        HostedZoneId: zoneId,
        RecordName: recordName,
        RecordType: 'CNAME',
      });
      const value = out.RecordData?.[0];
      if (!value) throw new Error(`Route 53 answered ${out.ResponseCode ?? 'nothing'} for ${recordName}`);
      answered = { ...(await regionOfValue(value)), source: 'route53' };
    } catch {
      const region = options.fallbackAnswer();
      const ttlSeconds =
        [...values.values()].find((v) => v.region === region)?.ttlSeconds ?? config.dns.ttlSeconds;
      answered = { region, ttlSeconds, source: 'health-checkers' };
    }
    last = { ...answered, at, until: at + ttlMsAt(answered.ttlSeconds, pace) };
    return last;
  };
  const resolve = (): Promise<Resolution> => {
    if (last && Date.now() < last.until) return Promise.resolve(last);
    resolving ??= ask().finally(() => {
      resolving = undefined;
    });
    return resolving;
  };

  const forwarded: Record<string, number> = Object.fromEntries(regions.map((r) => [r, 0]));
  const reset = (incoming: IncomingMessage) => incoming.socket.destroy();

  const server = createServer((incoming, outgoing) => {
    void resolve().then(
      (resolution) => {
        const { region } = resolution;
        let target: URL;
        try {
          target = new URL(options.regionUrl(region));
        } catch {
          return reset(incoming);
        }
        const { headers, pathAndQuery } = forwardedRequest(
          incoming.headers,
          incoming.url ?? '/',
          regions,
          region,
        );
        forwarded[region] = (forwarded[region] ?? 0) + 1;
        const upstream = httpRequest(
          {
            host: target.hostname,
            port: target.port,
            method: incoming.method,
            path: `${target.pathname.replace(/\/$/, '')}${pathAndQuery}`,
            headers: { ...headers, host: target.host },
          },
          (answer) => {
            outgoing.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'x-dr-region': region });
            answer.pipe(outgoing);
            answer.on('error', () => reset(incoming));
          },
        );
        // The region did not answer (its connection reset): neither does the endpoint.
        upstream.on('error', () => reset(incoming));
        incoming.pipe(upstream);
      },
      () => reset(incoming),
    );
  });
  const port = await listenOnLoopback(server, options.port);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    resolve,
    get last() {
      return last;
    },
    forwarded,
    close() {
      closing ??= new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
