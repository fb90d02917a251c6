/**
 * What every `dr status` read shares: the traced clients, the names, the regions, and
 * the one place a failed read becomes an outcome (a region that does not answer is
 * recorded once, for `unreachable` and exit 5).
 */
import type { AwsClients, Route53Api } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { errorOf, settle, type Outcome, type UnreachableRegions } from '../checks/outcome.js';

/** Global control planes (Route 53) sign for us-east-1. */
const GLOBAL_REGION = 'us-east-1';

/** One region's answer to one read. */
export interface Regional<T> {
  readonly region: string;
  readonly outcome: Outcome<T>;
}

export interface StatusContext {
  readonly config: DrConfig;
  readonly naming: Naming;
  /** Traced: every call counts in `trace`. */
  readonly clients: AwsClients;
  readonly now: Date;
  readonly primary: string;
  readonly secondary: string;
  readonly regions: readonly [string, string];
  readonly route53: Route53Api;
  /** The public API name Route 53 fails over (`api.<domain>`). */
  readonly apiName: string;
  /** Awaits one read as an outcome; a region that did not answer is recorded. */
  settle<T>(read: Promise<T>): Promise<Outcome<T>>;
  /** The same read in both regions, at once. */
  perRegion<T>(read: (region: string) => Promise<T>): Promise<Array<Regional<T>>>;
}

export function statusContext(
  config: DrConfig,
  clients: AwsClients,
  now: Date,
  unreachable: UnreachableRegions,
): StatusContext {
  const naming = new Naming(config);
  const primary = naming.regionOf('primary');
  const secondary = naming.regionOf('secondary');
  const regions = [primary, secondary] as const;
  const settleRead = <T>(read: Promise<T>) => settle(read, unreachable);
  return {
    config,
    naming,
    clients,
    now,
    primary,
    secondary,
    regions,
    route53: clients.route53(GLOBAL_REGION),
    apiName: naming.apiDomain(config.dns.domain, config.dns.apiSubdomain),
    settle: settleRead,
    perRegion: <T>(read: (region: string) => Promise<T>) =>
      Promise.all(regions.map((region) => settleRead(read(region)).then((outcome) => ({ region, outcome })))),
  };
}

/** `{ error }` when the outcome failed, else nothing: spread into a section's entry. */
export function errorField(outcome: Outcome<unknown> | undefined): { error?: string } {
  const e = errorOf(outcome);
  return e ? { error: e } : {};
}

/** The outcome of `region` in a per-region read. */
export function outcomeIn<T>(read: ReadonlyArray<Regional<T>>, region: string): Outcome<T> | undefined {
  return read.find((r) => r.region === region)?.outcome;
}
