/**
 * What Route 53 says, polled: the answer its authoritative servers give for the API's
 * failover records (TestDNSAnswer: no resolver cache in between, so the moment the
 * records switch, not the moment a client notices) and each region's health check as
 * its checkers report it (GetHealthCheckStatus; healthy when more than 18% of the
 * checkers say so, Route 53's own rule). Every change is recorded with its time.
 *
 * Route 53's control plane lives in us-east-1; in a drill that region's APIs still answer
 * (the outage is the data plane's), so the watch keeps seeing. A failed poll keeps the
 * last observation and is counted.
 */
import type { AwsClients } from '../../../aws/clients.js';
import type { DrConfig } from '../../../config/schema.js';
import { Naming } from '../../../contract/naming.js';
import { readHealthChecks, readHostedZoneId } from '../../checks/read.js';
import type { DnsEvent } from '../target.js';

/** Route 53's control plane. */
const ROUTE53_REGION = 'us-east-1';
/** Route 53 counts an endpoint healthy when more than this share of its checkers do. */
const HEALTHY_SHARE = 0.18;

export interface Route53WatchOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly intervalMs: number;
}

export class Route53Watch {
  readonly events: DnsEvent[] = [];
  /** Polls that failed (throttling, a transport error); the last observation stands. */
  failedPolls = 0;
  private current: string;
  private readonly healthy = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();

  private constructor(
    private readonly options: Route53WatchOptions,
    private readonly zoneId: string,
    private readonly recordName: string,
    private readonly checks: ReadonlyArray<{ region: string; id: string }>,
  ) {
    this.current = options.config.regions.primary;
  }

  /** Finds the zone, the record and the health checks, and takes a first observation. */
  static async create(options: Route53WatchOptions): Promise<Route53Watch> {
    const { clients, config } = options;
    const naming = new Naming(config);
    const route53 = clients.route53(ROUTE53_REGION);
    const domain = config.dns.domain;
    const zoneId = await readHostedZoneId(route53, domain);
    if (!zoneId) throw new Error(`Route 53 has no hosted zone ${domain}: is the platform deployed?`);
    const all = await readHealthChecks(route53);
    const checks = [config.regions.primary, config.regions.secondary].map((region) => {
      const fqdn = naming.regionalApiDomain(domain, config.dns.apiSubdomain, region);
      const id = all.find((c) => c.fqdn === fqdn)?.id;
      if (!id) throw new Error(`Route 53 has no health check for ${fqdn}: is the platform deployed?`);
      return { region, id };
    });
    const watch = new Route53Watch(
      options,
      zoneId.replace(/^\/hostedzone\//, ''),
      naming.apiDomain(domain, config.dns.apiSubdomain),
      checks,
    );
    await watch.poll();
    if (watch.failedPolls > 0) throw new Error('Route 53 did not answer the first observation');
    return watch;
  }

  /** The region the failover records answer with, as last observed. */
  answer(): string {
    return this.current;
  }

  isHealthy(region: string): boolean | undefined {
    return this.healthy.get(region);
  }

  start(): void {
    if (this.timer) return;
    const tick = () => {
      this.polling = this.poll().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.options.intervalMs);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
    await this.polling;
  }

  /** One observation: the DNS answer and both health checks, concurrently. */
  async poll(): Promise<void> {
    const route53 = this.options.clients.route53(ROUTE53_REGION);
    const regions = [this.options.config.regions.primary, this.options.config.regions.secondary];
    try {
      const [answer, ...statuses] = await Promise.all([
        route53.testDNSAnswer({
          HostedZoneId: this.zoneId,
          RecordName: this.recordName,
          RecordType: 'CNAME',
        }),
        ...this.checks.map((c) => route53.getHealthCheckStatus({ HealthCheckId: c.id })),
      ]);
      const at = Date.now();
      statuses.forEach((status, i) => {
        const region = this.checks[i]?.region as string;
        const observations = status.HealthCheckObservations ?? [];
        const ok = observations.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
        const healthy = observations.length > 0 && ok / observations.length > HEALTHY_SHARE;
        if (this.healthy.get(region) !== healthy) {
          const first = !this.healthy.has(region);
          this.healthy.set(region, healthy);
          if (!first) this.events.push({ at, region, healthy, answer: this.current });
        }
      });
      const data = (answer.RecordData ?? [])[0]?.replace(/\.$/, '') ?? '';
      const answered = regions.find((r) => data.includes(r));
      if (answered && answered !== this.current) {
        this.current = answered;
        this.events.push({
          at,
          region: answered,
          healthy: this.healthy.get(answered) ?? true,
          answer: answered,
        });
      }
    } catch {
      this.failedPolls += 1;
    }
  }
}
