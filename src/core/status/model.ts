/**
 * What `dr status` returns: the JSON contract of `dr status --json` (additive changes
 * only). Kept apart from the reads so each read module and the renderer share one shape.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import type { FailoverMode, OperationKind, StepId } from '../../contract/steps.js';
import type { Datapoint } from '../checks/metrics.js';
import type { Unreachable } from '../checks/outcome.js';
import type { LeaseRecord } from '../failover/lease.js';
import type { TraceSummary } from '../call-trace.js';
import type { Reporter } from '../reporter.js';
import type { RtoBudget } from '../rto-budget.js';
import type { UnsafeFinding } from '../status-unsafe.js';

export interface StatusOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly reporter?: Reporter;
  /** @default - now */
  readonly now?: Date;
}

export interface RegionControl {
  readonly region: string;
  readonly activeRegion?: string;
  readonly epoch?: number;
  readonly error?: string;
}

export interface DnsRecordStatus {
  readonly failover: 'PRIMARY' | 'SECONDARY';
  readonly region: string | null;
  readonly target: string | null;
  readonly healthCheckId: string | null;
  /** null: not known (no health check, or its status could not be read). */
  readonly healthy: boolean | null;
  /** Checkers reporting success / all checkers. */
  readonly checkers?: { readonly healthy: number; readonly total: number };
  readonly error?: string;
}

export interface DnsStatus {
  readonly name: string;
  readonly records: DnsRecordStatus[];
  /** The region Route 53 answers with now (PRIMARY unless it is unhealthy and SECONDARY is healthy). */
  readonly servingRegion: string | null;
  readonly error?: string;
}

export interface AuroraMemberStatus {
  readonly region: string;
  readonly cluster: string;
  readonly status: string | null;
  readonly writer: boolean | null;
  readonly lag: Datapoint | null;
  readonly error?: string;
}

export interface AuroraStatus {
  readonly globalCluster: string;
  readonly writerRegion: string | null;
  readonly members: AuroraMemberStatus[];
  readonly error?: string;
}

export interface TableRegionStatus {
  readonly region: string;
  readonly status: string | null;
  readonly replicas: ReadonlyArray<{ readonly region: string; readonly status: string }>;
  readonly pitr: string | null;
  readonly error?: string;
}

export interface TableStatus {
  readonly table: string;
  readonly regions: TableRegionStatus[];
}

export interface ReplicationStatus {
  readonly region: string;
  readonly sourceBucket: string;
  readonly destinationBucket: string | null;
  readonly ruleId: string | null;
  readonly status: string | null;
  readonly pendingOperations: number | null;
  readonly pendingBytes: number | null;
  /** `ReplicationLatency`, seconds. */
  readonly latencySeconds: number | null;
  readonly error?: string;
}

export interface FiringAlarm {
  readonly name: string;
  readonly reason: string;
  readonly since: string | null;
}

export interface RegionAlarms {
  readonly region: string;
  readonly firing: FiringAlarm[];
  readonly error?: string;
}

export interface MappingStatus {
  readonly region: string;
  readonly states: string[];
  readonly consuming: boolean | null;
  readonly error?: string;
}

export interface ReadinessStatus {
  readonly region: string;
  /** null: no `FailoverReadiness` datapoint in the window. */
  readonly ready: boolean | null;
  readonly at: string | null;
  readonly error?: string;
}

export interface LeaseStatus {
  readonly holder: string;
  readonly operation: LeaseRecord['operation'];
  readonly operationId: string;
  readonly startedAt: string;
  /** ISO. */
  readonly expiresAt: string;
  readonly expired: boolean;
  readonly to?: string;
  readonly mode?: FailoverMode;
  readonly session?: string;
  /** ISO time of the holder's last heartbeat. */
  readonly heartbeatAt?: string;
  /** Whether the process holding it still runs (`leaseLiveness`), and why. */
  readonly running: boolean;
  readonly reason: string;
  /** The replicas that answered with this item. */
  readonly readFrom: string[];
}

export interface ExecutionInFlight {
  readonly region: string;
  readonly operation: OperationKind;
  readonly execution: string;
  readonly executionArn: string;
  readonly startedAt: string | null;
  /**
   * Its steps in `STEPS` order, for its phase and mode, each as its history shows it now:
   * what an operator watching a stuck failover needs first. Empty when they could not be
   * read (`stepsError` says why).
   */
  readonly steps: InFlightStep[];
  readonly stepsError?: string;
}

/** Where one step of an in-flight execution is. */
export type InFlightStepState = 'done' | 'running' | 'pending' | 'failed';

export interface InFlightStep {
  readonly id: StepId;
  readonly title: string;
  readonly state: InFlightStepState;
}

export interface OperationsStatus {
  /** The DR lease (either replica: the most recent item); null when no replica holds one. */
  readonly lease: LeaseStatus | null;
  /** RUNNING failover/failback executions in the regions that answered. */
  readonly inFlight: ExecutionInFlight[];
  /** Per region, what could not be read (lease, state machines, executions). */
  readonly errors: ReadonlyArray<{ readonly region: string; readonly error: string }>;
}

export interface StatusResult {
  readonly generatedAt: string;
  readonly regions: { readonly primary: string; readonly secondary: string };
  readonly active: {
    /** By SSM (highest epoch wins); null when no region answered. */
    readonly region: string | null;
    readonly epoch: number | null;
    /** True when every region that answered holds the same active-region and epoch. */
    readonly agreed: boolean;
    readonly byRegion: RegionControl[];
    /** Where DNS sends orders now. */
    readonly dnsServingRegion: string | null;
  };
  readonly dns: DnsStatus;
  readonly aurora: AuroraStatus;
  readonly dynamodb: TableStatus[];
  readonly s3: ReplicationStatus[];
  readonly alarms: RegionAlarms[];
  readonly eventSourceMappings: MappingStatus[];
  readonly readiness: ReadinessStatus[];
  readonly rto: RtoBudget;
  readonly operations: OperationsStatus;
  /** Unsafe states seen (empty: none); the CLI exits 3 when there is any. */
  readonly unsafe: UnsafeFinding[];
  readonly unreachable: Unreachable[];
  readonly trace: TraceSummary;
}
