/**
 * The sandbox's stand-in for Lambda's SQS event source mapping. moto runs no Lambda code,
 * so in the sandbox the trade processor's own handler (`createHandler`, the code the
 * Lambda runs) is called in-process, fed from the emulator's SQS queue of its region:
 *
 * - the mapping's state is honoured: while GetEventSourceMapping says anything but
 *   Enabled, that region's pump receives nothing (the split-brain guard the failover
 *   flips);
 * - so is the function's reserved concurrency: while GetFunctionConcurrency says 0 (the
 *   AWS drill's PutFunctionConcurrency 0), Lambda invokes nothing and the messages stay
 *   in the queue. Read with the mapping state, on every poll (no cache);
 * - ReceiveMessage → handler → DeleteMessageBatch of every message not reported in
 *   `batchItemFailures`; a batch the handler throws on (fenced, database down) deletes
 *   nothing, so its messages come back after the visibility timeout, as with Lambda.
 *
 * One difference, named: the pump receives with a short visibility timeout
 * (`visibilityTimeoutSeconds`, default 2 s) instead of the queue's 180 s, so a batch
 * refused by a fence that was just moving is retried within the drill.
 */
import type { AwsClients } from '../aws/clients.js';
import type { SqsBatchResponse, SqsEvent } from '../lambdas/shared/events.js';

export type SqsHandler = (event: SqsEvent) => Promise<SqsBatchResponse>;

export interface PumpOptions {
  /** What the Lambda service reads: the mapping's state, the function's reserved concurrency. */
  readonly clients: AwsClients;
  /**
   * The queue's receive and delete calls, made as the function's execution role as
   * Lambda's poller makes them (its role must allow them). @default - `clients`
   */
  readonly pollerClients?: AwsClients;
  readonly region: string;
  readonly queueUrl: string;
  readonly mappingUuid: string;
  readonly handler: SqsHandler;
  /** The function whose reserved concurrency counts. @default - the mapping's FunctionArn */
  readonly functionName?: string;
  /** @default 10 (SQS's maximum per ReceiveMessage) */
  readonly batchSize?: number;
  /** Pause between empty or refused polls. @default 100 */
  readonly idleMs?: number;
  /** @default 2 */
  readonly visibilityTimeoutSeconds?: number;
}

export interface PumpStats {
  readonly region: string;
  readonly batches: number;
  readonly failedBatches: number;
  readonly received: number;
  readonly deleted: number;
  /** Polls skipped because the mapping was not Enabled. */
  readonly skippedDisabled: number;
  /** Polls skipped because the function's reserved concurrency was 0. */
  readonly skippedThrottled: number;
  /** Polls that could not reach the region. */
  readonly unreachable: number;
  readonly lastError?: string;
}

export class OrderPump {
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly stats = {
    batches: 0,
    failedBatches: 0,
    received: 0,
    deleted: 0,
    skippedDisabled: 0,
    skippedThrottled: 0,
    unreachable: 0,
    lastError: undefined as string | undefined,
  };
  private wake: (() => void) | undefined;
  private functionName: string | undefined;

  constructor(private readonly options: PumpOptions) {
    this.functionName = options.functionName;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  snapshot(): PumpStats {
    const { lastError, ...rest } = this.stats;
    return { region: this.options.region, ...rest, ...(lastError ? { lastError } : {}) };
  }

  private async pause(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  /** Reserved concurrency 0: Lambda runs no instance of the function. */
  private async throttled(functionName: string): Promise<boolean> {
    const out = await this.options.clients
      .lambda(this.options.region)
      .getFunctionConcurrency({ FunctionName: functionName });
    return out.ReservedConcurrentExecutions === 0;
  }

  /** Whether the mapping invokes the function now: its state, then the function's reserved concurrency. */
  private async invoking(): Promise<'enabled' | 'disabled' | 'throttled'> {
    const lambda = this.options.clients.lambda(this.options.region);
    const known = this.functionName;
    // Both read on every poll, concurrently once the function is known.
    const [mapping, throttled] = await Promise.all([
      lambda.getEventSourceMapping({ UUID: this.options.mappingUuid }),
      known === undefined ? undefined : this.throttled(known),
    ]);
    if (mapping.State !== 'Enabled') return 'disabled';
    if (known === undefined) {
      this.functionName = mapping.FunctionArn;
      if (this.functionName === undefined) return 'enabled';
      return (await this.throttled(this.functionName)) ? 'throttled' : 'enabled';
    }
    return throttled ? 'throttled' : 'enabled';
  }

  /** One poll: true when it received something (poll again at once). */
  async pollOnce(): Promise<boolean> {
    const { region, queueUrl } = this.options;
    const invoking = await this.invoking();
    if (invoking === 'disabled') {
      this.stats.skippedDisabled += 1;
      return false;
    }
    if (invoking === 'throttled') {
      this.stats.skippedThrottled += 1;
      return false;
    }
    const sqs = (this.options.pollerClients ?? this.options.clients).sqs(region);
    const out = await sqs.receiveMessage({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: this.options.batchSize ?? 10,
      VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 2,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['ApproximateReceiveCount'],
    });
    const messages = out.Messages ?? [];
    if (messages.length === 0) return false;
    this.stats.received += messages.length;
    this.stats.batches += 1;
    const event: SqsEvent = {
      Records: messages.map((m) => ({
        messageId: m.MessageId ?? '',
        body: m.Body ?? '',
        attributes: { ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1' },
        eventSourceARN: queueUrl,
      })),
    };
    let failed: Set<string>;
    try {
      const response = await this.options.handler(event);
      failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    } catch (error) {
      // The whole batch failed: Lambda deletes nothing; the messages come back later.
      this.stats.failedBatches += 1;
      this.stats.lastError = (error as Error).message;
      return false;
    }
    const done = messages.filter((m) => m.MessageId && m.ReceiptHandle && !failed.has(m.MessageId));
    if (done.length > 0) {
      const deleted = await sqs.deleteMessageBatch({
        QueueUrl: queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      });
      this.stats.deleted += deleted.Successful?.length ?? 0;
    }
    return true;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let busy = false;
      try {
        busy = await this.pollOnce();
      } catch (error) {
        // A region that does not answer consumes nothing (a lost region's Lambda is gone too).
        this.stats.unreachable += 1;
        this.stats.lastError = (error as Error).message;
      }
      if (!busy && this.running) await this.pause(this.options.idleMs ?? 100);
    }
  }
}
