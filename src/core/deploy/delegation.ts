/**
 * Whether the parent domain delegates to the platform's new hosted zone: the NS records
 * public DNS answers for the domain, compared with the zone's name servers (the zone
 * stack's outputs). ACM validates the API certificates through records in that zone, so
 * `dr deploy` checks this between the zone stack and the global stack (./deploy.ts)
 * instead of letting the global stack's apply wait out ACM's validation timeout.
 *
 * Resolution goes through the resolvers given (public ones by default) with node:dns's
 * Resolver: no system resolver, whose split-horizon or cached view is not what ACM sees.
 */
import { Resolver } from 'node:dns/promises';
import { poll } from '../poll.js';

/** Public resolvers asked by default (Cloudflare, Google). */
export const DEFAULT_DNS_RESOLVERS: readonly string[] = ['1.1.1.1', '8.8.8.8'];

/**
 * - `delegated`: public DNS answers exactly the zone's name servers;
 * - `not-delegated`: it answers other name servers, or none (NXDOMAIN / no NS records);
 * - `no-answer`: no resolver answered (timeout, refused, server failure).
 */
export type DelegationStatus = 'delegated' | 'not-delegated' | 'no-answer';

export interface DelegationCheck {
  readonly status: DelegationStatus;
  readonly domain: string;
  /** The zone's name servers: the NS records the parent must hold. */
  readonly nameServers: string[];
  /** The NS records public DNS answered (empty when none). */
  readonly found: string[];
  /** Zone name servers public DNS did not answer. */
  readonly missing: string[];
  /** Name servers public DNS answered that are not the zone's. */
  readonly extra: string[];
  readonly resolvers: string[];
  /** The resolver's error code when there was no NS answer (ENOTFOUND, ENODATA, ETIMEOUT…). */
  readonly error?: string;
  /** When the last check ran (ISO 8601). */
  readonly checkedAt: string;
}

export interface CheckDelegationOptions {
  readonly domain: string;
  readonly nameServers: readonly string[];
  /** `host` or `host:port` (`[v6]:port`). @default - DEFAULT_DNS_RESOLVERS */
  readonly resolvers?: readonly string[];
  /** Per query, per resolver. @default - 3000 */
  readonly queryTimeoutMs?: number;
}

/** Lower case, no trailing dot: how name servers compare. */
export function normalizeHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** Errors that mean "the name has no NS records" rather than "nobody answered". */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN']);

/** One check: NS of `domain` through the resolvers, compared with the zone's name servers. */
export async function checkDelegation(options: CheckDelegationOptions): Promise<DelegationCheck> {
  const resolvers = [...(options.resolvers ?? DEFAULT_DNS_RESOLVERS)];
  const expected = [...new Set(options.nameServers.map(normalizeHost))].sort();
  const resolver = new Resolver({ timeout: options.queryTimeoutMs ?? 3000, tries: 1 });
  resolver.setServers(resolvers);
  let found: string[] = [];
  let error: string | undefined;
  try {
    found = [...new Set((await resolver.resolveNs(options.domain)).map(normalizeHost))].sort();
  } catch (e) {
    error = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  } finally {
    resolver.cancel();
  }
  const missing = expected.filter((ns) => !found.includes(ns));
  const extra = found.filter((ns) => !expected.includes(ns));
  const status: DelegationStatus =
    error !== undefined && !NO_RECORDS.has(error)
      ? 'no-answer'
      : found.length > 0 && missing.length === 0 && extra.length === 0
        ? 'delegated'
        : 'not-delegated';
  return {
    status,
    domain: normalizeHost(options.domain),
    nameServers: expected,
    found,
    missing,
    extra,
    resolvers,
    ...(error !== undefined ? { error } : {}),
    checkedAt: new Date().toISOString(),
  };
}

export interface WaitForDelegationOptions extends CheckDelegationOptions {
  /** How long to keep checking; 0: check once. */
  readonly timeoutMs: number;
  /** @default - 15000 */
  readonly intervalMs?: number;
  /** Called after every check that was not `delegated`, with the time left. */
  readonly onPending?: (check: DelegationCheck, leftMs: number) => void;
  /** @default - a timer */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export interface DelegationWait extends DelegationCheck {
  readonly checks: number;
  readonly waitedMs: number;
}

/** Checks until delegated or `timeoutMs` has passed; the last check is the answer. */
export async function waitForDelegation(options: WaitForDelegationOptions): Promise<DelegationWait> {
  const polled = await poll(
    () => checkDelegation(options),
    (check) => check.status === 'delegated',
    {
      intervalMs: options.intervalMs ?? 15_000,
      timeoutMs: options.timeoutMs,
      onPending: options.onPending,
      sleep: options.sleep,
      now: options.now,
    },
  );
  return { ...polled.value, checks: polled.looks, waitedMs: polled.elapsedMs };
}

/** `trading.example.com` → `example.com`: where the NS records go. */
export function parentDomain(domain: string): string {
  const labels = normalizeHost(domain).split('.');
  return labels.length > 2 ? labels.slice(1).join('.') : labels.join('.');
}

/** The NS records to add, one per line, as a zone file writes them. */
export function nsRecordLines(check: Pick<DelegationCheck, 'domain' | 'nameServers'>): string[] {
  return check.nameServers.map((ns) => `${check.domain}.  NS  ${ns}.`);
}

/** What public DNS said, in a few words. */
export function describeAnswer(check: DelegationCheck): string {
  const at = check.resolvers.join(', ');
  if (check.status === 'no-answer') return `no answer from ${at} (${check.error ?? 'unknown error'})`;
  if (check.found.length === 0) {
    return `${at}: no NS records for ${check.domain} (${check.error ?? 'empty answer'})`;
  }
  const parts = [`${at} answer ${check.found.join(', ')}`];
  if (check.missing.length > 0) parts.push(`missing ${check.missing.join(', ')}`);
  if (check.extra.length > 0) parts.push(`not the zone's: ${check.extra.join(', ')}`);
  return parts.join('; ');
}

/**
 * The message an operator acts on: what is missing, the records to add where, and that
 * the next `dr deploy` continues.
 */
export function delegationMessage(check: DelegationCheck): string {
  return [
    `${check.domain} is not delegated to its hosted zone yet (${describeAnswer(check)}).`,
    `Add these NS records at the parent zone (${parentDomain(check.domain)}) or the registrar, replacing any other NS records of ${check.domain}:`,
    ...nsRecordLines(check).map((line) => `  ${line}`),
    'Then run `dr deploy` again: it checks the delegation and continues with the global stack (the stacks already applied plan no changes).',
  ].join('\n');
}
