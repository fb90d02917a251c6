/**
 * The drill's target on AWS (./target.ts): Route 53 observed through its API, orders
 * posted to the regional order APIs (SigV4), processed orders read through the RDS Data
 * API, the outage a data-plane blackout of the region (./aws/data-plane-outage.ts), and
 * the automatic failover the watchdog Lambda's own.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { watchdogTiming } from '../../contract/watchdog-env.js';
import { findRestApiId } from '../order-api.js';
import { awaitWatchdogExecution } from './aws/automatic-trigger.js';
import { DataApiOrders } from './aws/data-api-orders.js';
import { DataPlaneOutage } from './aws/data-plane-outage.js';
import { Route53Watch } from './aws/route53-watch.js';
import { SignedIntake, type SigningCredentials } from './aws/signed-intake.js';
import type { ProcessedRow } from './orders.js';
import type { AutomaticFailover, DnsEvent, DrillTarget, Tuning } from './target.js';

export const AWS_TUNING: Tuning = {
  // Route 53's API allows 5 requests a second per account; one look is 3 of them.
  probeIntervalMs: 2000,
  orderEveryMs: 500,
  settleTimeoutMs: 300_000,
  canaries: 5,
};

export const AWS_SIMPLIFICATIONS: readonly string[] = [
  "The outage is a data-plane blackout made with ordinary APIs, not a lost region: the primary's order API stage is throttled to 0 (every request, /health included, answers 429) and its trade processor's reserved concurrency is 0 (queued orders stay queued). Both are undone at the end, by the drill or by `dr drill --restore-outage`.",
  "The region's control plane and its Aurora cluster stay up during the outage, so the old writer rejoins the global database at once after the unplanned failover; in a real outage it rejoins when the region returns.",
  'DNS shift is what Route 53 answers (TestDNSAnswer), polled every 2 s; resolvers and clients that cache the old answer for the TTL come on top (the RTO budget counts the TTL).',
];

export interface AwsTargetOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  /** Signing credentials for POST /orders (the SDK's default chain, or `--profile`). */
  readonly credentials: SigningCredentials;
  /** The undo record of the outage (`.dr/drill-outage.json`). */
  readonly undoFile: string;
  readonly tuning?: Tuning;
  /**
   * An API Gateway stand-in serving `BASE/REGION/ID/STAGE` (src/sandbox/api-gateway.ts),
   * for the emulator. @default - AWS: `https://ID.execute-api.REGION.amazonaws.com/STAGE`
   */
  readonly executeApiEndpoint?: string;
  /** How long to wait for the watchdog. @default - two schedule periods + its probing time */
  readonly triggerTimeoutMs?: number;
}

export class AwsTarget implements DrillTarget {
  readonly kind = 'aws';
  readonly endpoint: string | undefined;
  readonly simplifications = AWS_SIMPLIFICATIONS;
  readonly tuning: Tuning;
  private readonly intake: SignedIntake;
  private readonly orders: DataApiOrders;
  private readonly outage: DataPlaneOutage;

  private constructor(
    private readonly options: AwsTargetOptions,
    private readonly watch: Route53Watch,
  ) {
    const { clients, config } = options;
    const naming = new Naming(config);
    this.endpoint = clients.endpoint;
    this.tuning = options.tuning ?? AWS_TUNING;
    const ids = new Map<string, Promise<string>>();
    const executeApiUrl = (region: string) => {
      let id = ids.get(region);
      if (!id) {
        id = findRestApiId(clients.apiGateway(region), naming.restApi(region)).then((found) => {
          if (!found) throw new Error(`no REST API ${naming.restApi(region)} in ${region}`);
          return found;
        });
        id.catch(() => ids.delete(region));
        ids.set(region, id);
      }
      const stage = naming.restApiStage();
      const standIn = options.executeApiEndpoint?.replace(/\/$/, '');
      return id.then((restApiId) =>
        standIn
          ? `${standIn}/${region}/${restApiId}/${stage}`
          : `https://${restApiId}.execute-api.${region}.amazonaws.com/${stage}`,
      );
    };
    this.intake = new SignedIntake({
      baseUrl: executeApiUrl,
      credentials: options.credentials,
    });
    this.orders = new DataApiOrders(clients, config);
    this.outage = new DataPlaneOutage(clients, config, options.undoFile);
  }

  /** Finds Route 53's zone, records and health checks, and starts watching them. */
  static async start(options: AwsTargetOptions): Promise<AwsTarget> {
    const watch = await Route53Watch.create({
      clients: options.clients,
      config: options.config,
      intervalMs: (options.tuning ?? AWS_TUNING).probeIntervalMs,
    });
    watch.start();
    return new AwsTarget(options, watch);
  }

  async close(): Promise<void> {
    await this.watch.stop();
  }

  answer(): string {
    return this.watch.answer();
  }

  get dnsEvents(): readonly DnsEvent[] {
    return this.watch.events;
  }

  async submitOrder(region: string, body: string): Promise<boolean> {
    return (await this.intake.post(region, body)).accepted;
  }

  processedRows(prefix: string): Promise<ProcessedRow[]> {
    return this.orders.rows(prefix);
  }

  promoteStarted(): void {
    // The state machine's fence step runs the RDS Data API itself on AWS.
  }

  async injectOutage(region: string): Promise<void> {
    await this.outage.inject(region);
  }

  async restoreOutage(): Promise<void> {
    await this.outage.restore();
  }

  outageNote(from: string, to: string): string {
    return `The outage: ${from}'s order API stage was throttled to 0 (every request answered 429, /health included) and its trade processor's reserved concurrency set to 0; Route 53's health checks of ${from} failed, and the failover-watchdog Lambda in ${to} (auto-failover on) started the unplanned failover. Both changes were undone before the failback.`;
  }

  awaitAutomaticFailover(region: string, since: number, signal?: AbortSignal): Promise<AutomaticFailover> {
    const timing = watchdogTiming(this.options.config);
    return awaitWatchdogExecution({
      clients: this.options.clients,
      config: this.options.config,
      region,
      since,
      timeoutMs: this.options.triggerTimeoutMs ?? 2 * 60_000 + timing.timeoutSeconds * 1000,
      pollMs: this.tuning.probeIntervalMs,
      ...(signal ? { signal } : {}),
    });
  }
}
