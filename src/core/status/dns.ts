/**
 * Where Route 53 sends orders: the API's failover records and their health checks. The
 * zone and the health-check list are read at level 1; the records and each health
 * check's status need their ids, so they are read at level 2.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { errorOf, valueOf, type Outcome } from '../checks/outcome.js';
import { readHealthChecks, readHostedZoneId } from '../checks/read.js';
import type { DnsRecordStatus, DnsStatus } from './model.js';
import { errorField, type StatusContext } from './context.js';

/** Route 53 considers an endpoint healthy while more than 18% of its checkers do. */
const HEALTHY_FRACTION = 0.18;

type Probes = Array<{ id: string; fqdn: string }>;
type Checkers = { healthy: number; total: number };
type CheckerRead = Map<string, Outcome<Checkers>>;

export interface DnsRead {
  readonly zone: Outcome<string>;
  readonly probes: Outcome<Probes>;
  readonly records: Outcome<ResourceRecordSet[]>;
  readonly checkers: CheckerRead;
}

/** Level 1: the public hosted zone's id (a missing zone is an error here). */
export function readZone(ctx: StatusContext): Promise<Outcome<string>> {
  const domain = ctx.config.dns.domain;
  return ctx.settle(
    readHostedZoneId(ctx.route53, domain).then((id) => {
      if (!id) throw new Error(`no hosted zone ${domain}`);
      return id;
    }),
  );
}

/** Level 1: every health check (id and what it probes). */
export function readProbes(ctx: StatusContext): Promise<Outcome<Probes>> {
  return ctx.settle(readHealthChecks(ctx.route53));
}

/** Level 2: the API name's failover records (the zone's failure when there is no zone). */
export async function readRecords(
  ctx: StatusContext,
  zone: Outcome<string>,
): Promise<Outcome<ResourceRecordSet[]>> {
  if (!zone.ok) return zone;
  const { apiName } = ctx;
  return ctx.settle(
    ctx.route53
      .listResourceRecordSets({ HostedZoneId: zone.value, StartRecordName: apiName, MaxItems: 20 })
      .then((out) => (out.ResourceRecordSets ?? []).filter((r) => r.Name === `${apiName}.` && r.Failover)),
  );
}

const regionalProbe = (ctx: StatusContext, region: string) =>
  ctx.naming.regionalApiDomain(ctx.config.dns.domain, ctx.config.dns.apiSubdomain, region);

/** Level 2: how many checkers see each regional API healthy, by health-check id. */
export async function readCheckers(ctx: StatusContext, probes: Outcome<Probes>): Promise<CheckerRead> {
  if (!probes.ok) return new Map();
  const ours = new Set(ctx.regions.map((r) => regionalProbe(ctx, r)));
  const read = await Promise.all(
    probes.value
      .filter((c) => ours.has(c.fqdn))
      .map(async (c) => {
        const outcome = await ctx.settle(
          ctx.route53.getHealthCheckStatus({ HealthCheckId: c.id }).then((out) => {
            const observations = out.HealthCheckObservations ?? [];
            const healthy = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
            return { healthy, total: observations.length };
          }),
        );
        return [c.id, outcome] as const;
      }),
  );
  return new Map(read);
}

function recordStatus(
  ctx: StatusContext,
  read: DnsRead,
  regionOfProbe: ReadonlyMap<string, string>,
  failover: 'PRIMARY' | 'SECONDARY',
): DnsRecordStatus {
  const rec = (valueOf(read.records) ?? []).find((r) => r.Failover === failover);
  const hcId = rec?.HealthCheckId ?? null;
  const hc = hcId ? read.checkers.get(hcId) : undefined;
  const checkers = valueOf(hc);
  const fallbackRegion = failover === 'PRIMARY' ? ctx.primary : ctx.secondary;
  return {
    failover,
    region: rec ? ((hcId ? regionOfProbe.get(hcId) : undefined) ?? fallbackRegion) : null,
    target: rec?.ResourceRecords?.[0]?.Value ?? rec?.AliasTarget?.DNSName ?? null,
    healthCheckId: hcId,
    healthy: checkers && checkers.total > 0 ? checkers.healthy / checkers.total > HEALTHY_FRACTION : null,
    ...(checkers ? { checkers } : {}),
    ...(rec ? errorField(hc) : { error: 'no such record' }),
  };
}

/** The records, and the region Route 53 answers with (PRIMARY unless it is unhealthy and SECONDARY healthy). */
export function dnsView(ctx: StatusContext, read: DnsRead): DnsStatus {
  const regionOfProbe = new Map(
    (valueOf(read.probes) ?? []).flatMap((c) =>
      ctx.regions.filter((r) => c.fqdn === regionalProbe(ctx, r)).map((r) => [c.id, r] as const),
    ),
  );
  const records = (['PRIMARY', 'SECONDARY'] as const).map((f) => recordStatus(ctx, read, regionOfProbe, f));
  const [primaryRecord, secondaryRecord] = records as [DnsRecordStatus, DnsRecordStatus];
  const error = errorOf(read.zone) ?? errorOf(read.records) ?? errorOf(read.probes);
  const servingRegion = error
    ? null
    : primaryRecord.healthy === false && secondaryRecord.healthy === true
      ? secondaryRecord.region
      : primaryRecord.region;
  return { name: ctx.apiName, records, servingRegion, ...(error ? { error } : {}) };
}
