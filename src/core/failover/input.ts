/**
 * The input of a failover/failback execution: everything the state machine needs that
 * is not known at synth time. Built by `executionInput` for the CLI and the watchdog
 * alike (one builder, so both start the same thing).
 */
import type { FailoverMode, OperationKind, Phase } from '../../contract/steps.js';

export interface ExecutionInput {
  readonly operation: OperationKind;
  readonly mode: FailoverMode;
  readonly phase: Phase;
  /** Names the operation everywhere: executions, lease, audit, events. */
  readonly operationId: string;
  readonly from: string;
  readonly to: string;
  /** The new fencing epoch, as SSM stores it (string) and as the database needs it (number). */
  readonly epoch: string;
  readonly epochNumber: number;
  /** Who started it (operator identity or the watchdog). */
  readonly startedBy: string;
  readonly lease: {
    readonly table: string;
    readonly id: string;
    readonly holder: string;
    /** Epoch seconds, as strings (DynamoDB N). */
    readonly now: string;
    readonly expiresAt: string;
  };
  readonly globalCluster: string;
  /** The cluster that becomes the writer. */
  readonly targetCluster: { readonly arn: string; readonly id: string };
  /** The trade processor's event source mapping in the region this execution runs in. */
  readonly mapping: { readonly uuid: string };
  readonly parameters: { readonly activeRegion: string; readonly epoch: string };
  readonly bus: string;
  readonly eventSource: string;
  readonly auditBucket: string;
  /** The new writer's cluster, for the RDS Data API (fence row). */
  readonly db: { readonly clusterArn: string; readonly secretArn: string; readonly database: string };
  readonly timing: {
    /** Seconds between writer polls. */
    readonly pollSeconds: number;
    /** Polls before giving up on the new writer. */
    readonly maxPolls: number;
    /** Seconds the health checks need to move DNS (interval × threshold + TTL). */
    readonly dnsShiftSeconds: number;
  };
}
