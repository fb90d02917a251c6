/**
 * The sandbox's stand-in for Route 53's health checkers and failover records. The
 * emulator serves no regional `/health` and never evaluates health checks (moto reports
 * them healthy), so the drill does what Route 53 does, in-process:
 *
 * - every `intervalMs` it calls each region's `/health` handler — the health Lambda's own
 *   code (`createHealthHandler`), with its probes pointed at the emulator and the region's
 *   PostgreSQL (`dbUrl`; a standby answers the secondary's read probe, and fails the
 *   primary's write probe as a demoted Aurora writer does); a region in outage fails its
 *   SSM/RDS probes like a lost region;
 * - first, as API Gateway in front of that handler would, it reads the region's order API
 *   stage once per round (GetStage): a stage throttled to 0 (`*\/*` rate or burst limit 0,
 *   the AWS drill's data-plane blackout) answers 429 Too Many Requests without calling the
 *   handler, and a region whose API Gateway does not answer fails the check too;
 * - after `failureThreshold` answers in a row that disagree with the current status it
 *   flips the status (as Route 53 does), and forces it on the emulator's health check
 *   (`setHealthCheckStatus`), so `dr status` and the watchdog's sandbox probe see it;
 * - the failover records answer PRIMARY unless it is unhealthy and SECONDARY healthy.
 *
 * Every flip and every change of the DNS answer is recorded with its time.
 */
import type { AwsClients } from '../aws/clients.js';
import type { DrConfig } from '../config/schema.js';
import { Naming } from '../contract/naming.js';
import type { createHealthHandler } from '../lambdas/health/handler.js';
import { DbPool, urlDbSettings } from '../lambdas/shared/db.js';
import type { DnsEvent } from '../core/drill/target.js';
import { RegionUnreachableError } from '../contract/errors.js';
import { OrderApiStages } from './api-gateway.js';
import { setHealthCheckStatus } from './emulator.js';
import { sandboxHealthHandler } from './health-handler.js';
import { functionClients } from './identity.js';

export interface HealthCheckersOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  /** The emulator (control endpoint: forced health-check status). */
  readonly endpoint: string;
  /** The database each region's `/health` probes: one URL for both, or each region's own. */
  readonly dbUrl: string | ((region: string) => string);
  /** Between two checks of a region (Route 53: 10 or 30 s). */
  readonly intervalMs: number;
}

interface RegionHealth {
  readonly region: string;
  readonly handler: ReturnType<typeof createHealthHandler>;
  readonly checkId: string | undefined;
  healthy: boolean;
  streak: number;
  lastDetail: string;
}

export class HealthCheckers {
  readonly events: DnsEvent[] = [];
  private readonly regions: RegionHealth[] = [];
  private readonly pools: DbPool[] = [];
  private readonly roleClients: AwsClients[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private readonly threshold: number;
  private readonly stages: OrderApiStages;
  private readonly primary: string;
  private readonly secondary: string;

  private constructor(private readonly options: HealthCheckersOptions) {
    this.threshold = options.config.dns.healthCheck.failureThreshold;
    this.stages = new OrderApiStages(options.clients, options.config);
    this.primary = options.config.regions.primary;
    this.secondary = options.config.regions.secondary;
  }

  /** Finds the health checks (Route 53 answers for us-east-1: call it while that region is up). */
  static async create(options: HealthCheckersOptions): Promise<HealthCheckers> {
    const self = new HealthCheckers(options);
    const { clients, config } = options;
    const naming = new Naming(config);
    const checks = (await clients.route53(config.regions.primary).listHealthChecks({})).HealthChecks ?? [];
    for (const region of [config.regions.primary, config.regions.secondary]) {
      const fqdn = naming.regionalApiDomain(config.dns.domain, config.dns.apiSubdomain, region);
      const checkId = checks.find((c) => c.HealthCheckConfig?.FullyQualifiedDomainName === fqdn)?.Id;
      const url = typeof options.dbUrl === 'string' ? options.dbUrl : options.dbUrl(region);
      const db = new DbPool(urlDbSettings(url), { max: 2, connectionTimeoutMillis: 1000 });
      self.pools.push(db);
      // The health function's code as its execution role, as in Lambda (./identity.ts).
      const own = await functionClients(clients, config, 'health', region);
      self.roleClients.push(own);
      const handler = sandboxHealthHandler({ clients: own, admin: clients, config, region, db });
      self.regions.push({ region, handler, checkId, healthy: true, streak: 0, lastDetail: '' });
    }
    // Find the order APIs while every region answers (the first rounds need no lookup then).
    await Promise.all(self.regions.map((r) => self.stages.read(r.region).catch(() => undefined)));
    return self;
  }

  /** The region the failover records answer with now. */
  answer(): string {
    const p = this.regions.find((r) => r.region === this.primary);
    const s = this.regions.find((r) => r.region === this.secondary);
    return p && !p.healthy && s?.healthy ? this.secondary : this.primary;
  }

  healthy(region: string): boolean {
    return this.regions.find((r) => r.region === region)?.healthy ?? false;
  }

  /** Checks every region once, concurrently. */
  async tick(): Promise<void> {
    await Promise.all(this.regions.map((r) => this.check(r)));
  }

  /** Why the region's `/health` did not reach its handler, or undefined when it does. */
  private async gatewayRefusal(region: string): Promise<string | undefined> {
    try {
      const stage = await this.stages.read(region, {
        resourcePath: this.options.config.dns.healthCheck.path,
        httpMethod: 'GET',
      });
      return stage.throttled ? stage.detail : undefined;
    } catch (error) {
      // A lost region's API Gateway does not answer; any other failure of the emulator
      // leaves the answer to the handler.
      if (error instanceof RegionUnreachableError) return `API Gateway in ${region} did not answer`;
      return undefined;
    }
  }

  private async check(r: RegionHealth): Promise<void> {
    let ok: boolean;
    const refused = await this.gatewayRefusal(r.region);
    if (refused !== undefined) {
      ok = false;
      r.lastDetail = refused;
    } else {
      try {
        const response = await r.handler({
          httpMethod: 'GET',
          path: this.options.config.dns.healthCheck.path,
        });
        ok = response.statusCode === 200;
        r.lastDetail = response.body;
      } catch (error) {
        ok = false;
        r.lastDetail = (error as Error).message;
      }
    }
    if (ok === r.healthy) {
      r.streak = 0;
      return;
    }
    r.streak += 1;
    if (r.streak < this.threshold) return;
    r.healthy = ok;
    r.streak = 0;
    this.events.push({ at: Date.now(), region: r.region, healthy: ok, answer: this.answer() });
    if (r.checkId) {
      await setHealthCheckStatus(this.options.endpoint, r.checkId, ok ? null : 'Failure').catch(() => {});
    }
  }

  start(): void {
    if (this.timer) return;
    const loop = () => {
      this.ticking = this.tick().finally(() => {
        if (this.timer) this.timer = setTimeout(loop, this.options.intervalMs);
      });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    const timer = this.timer;
    this.timer = undefined;
    if (timer) clearTimeout(timer);
    await this.ticking;
  }

  /** Stops, clears the forced statuses, closes the database pools. */
  async close(): Promise<void> {
    await this.stop();
    for (const r of this.regions) {
      if (r.checkId) await setHealthCheckStatus(this.options.endpoint, r.checkId, null).catch(() => {});
    }
    await Promise.all(this.pools.map((p) => p.end().catch(() => {})));
    for (const own of this.roleClients.splice(0)) own.destroy();
  }
}
