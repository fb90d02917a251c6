/**
 * The drill's target in the sandbox (src/core/drill/target.ts): the in-process platform pieces
 * (./platform.ts) beside the emulator. Orders are SQS SendMessage to the region's orders
 * queue (what API Gateway's SQS integration does for POST /orders), processed orders are
 * read from the sandbox's PostgreSQL, the outage is the emulator's switch, and the
 * watchdog's own code runs in-process when the drill waits for it.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { sandboxWatchdog } from '../watchdog.js';
import { EmulatorOutage } from './outage.js';
import { processedRows, type ProcessedRow } from '../../core/drill/orders.js';
import type { SandboxPlatform } from './platform.js';
import type { AutomaticFailover, DnsEvent, DrillTarget, Tuning } from '../../core/drill/target.js';

export const SANDBOX_TUNING: Tuning = {
  probeIntervalMs: 200,
  orderEveryMs: 100,
  settleTimeoutMs: 30_000,
  canaries: 5,
};

export const SANDBOX_SIMPLIFICATIONS: readonly string[] = [
  'AWS APIs are the local emulator (moto + the DR extension); no AWS account is used.',
  'Both regions share ONE local PostgreSQL as "the global database": the writer moves by the dr_fence row and SSM (what the trade processor checks) and by Aurora membership in the emulator. Replication cannot lose anything here, so canary orders are never missing in the sandbox; the lag at the cut is the AuroraGlobalDBReplicationLag the emulator publishes.',
  "moto runs no Lambda code: the trade processor's own handler runs in-process, fed from the emulator's SQS queues (ReceiveMessage / DeleteMessageBatch; messages in batchItemFailures are not deleted), and only while its region's event source mapping is Enabled. It receives with a 2 s visibility timeout instead of the queue's 180 s.",
  "Synthetic orders are an SQS SendMessage to the orders queue of the region DNS answers with: what API Gateway's SQS integration does for POST /orders.",
  "Route 53 is played in-process: the health Lambda's own /health code is called for each region every probe interval, a status flips after the failure threshold in a row and is forced on the emulator's health check; resolvers' TTL caching is not simulated (the budget still counts it).",
  'Probe intervals are compressed (0.2 s instead of 10 s), so detection and DNS shift are far shorter than on AWS; the RTO budget beside each figure is computed from the config as on AWS.',
  "The RDS Data API is the emulator's extension running each statement on the local PostgreSQL, so the failover machine's fence-database step advances dr_fence itself; a cluster that is not the global writer runs it read-only, as Aurora refuses writes there.",
];

export class SandboxTarget extends EmulatorOutage implements DrillTarget {
  readonly kind = 'sandbox';
  readonly simplifications = SANDBOX_SIMPLIFICATIONS;

  constructor(
    private readonly clients: AwsClients,
    private readonly config: DrConfig,
    readonly endpoint: string,
    private readonly platform: SandboxPlatform,
    readonly tuning: Tuning = SANDBOX_TUNING,
  ) {
    super();
  }

  answer(): string {
    return this.platform.checkers.answer();
  }

  get dnsEvents(): readonly DnsEvent[] {
    return this.platform.checkers.events;
  }

  async submitOrder(region: string, body: string): Promise<boolean> {
    const url = this.platform.queueUrls[region];
    if (!url) return false;
    try {
      await this.clients.sqs(region).sendMessage({ QueueUrl: url, MessageBody: body });
      return true;
    } catch {
      return false;
    }
  }

  processedRows(prefix: string): Promise<ProcessedRow[]> {
    return processedRows(this.platform.db, prefix);
  }

  promoteStarted(): void {
    // The emulator's RDS Data API runs the fence step's SQL on the sandbox's PostgreSQL.
  }

  outageNote(from: string, to: string): string {
    return `The outage: every AWS call signed for ${from} is refused (the emulator's outage switch); the Route 53 stand-in finds ${from}'s /health failing and forces its health check to Failure after ${this.config.dns.healthCheck.failureThreshold} failures; the watchdog (the Lambda's code, in-process, auto-failover on) fires the unplanned failover from ${to}.`;
  }

  async awaitAutomaticFailover(
    region: string,
    _since: number,
    signal?: AbortSignal,
  ): Promise<AutomaticFailover> {
    const periods = Math.ceil(
      this.tuning.settleTimeoutMs /
        (this.tuning.probeIntervalMs * this.config.dns.healthCheck.failureThreshold),
    );
    const watch = await sandboxWatchdog({
      clients: this.clients,
      config: this.config,
      region,
      periods,
      intervalMs: this.tuning.probeIntervalMs,
      follow: false,
      ...(signal ? { signal } : {}),
    });
    return {
      ...(watch.executionArn ? { executionArn: watch.executionArn } : {}),
      by: `watchdog@${region}`,
      reason: watch.decision.reason,
      probes: watch.samples.length,
    };
  }
}
