/** What a drill scenario is given (by drill.ts) and what an interrupted one leaves behind. */
import type { AwsClients } from '../../../aws/clients.js';
import type { DrConfig } from '../../../config/schema.js';
import type { Timing } from '../../failover/plan.js';
import type { Reporter } from '../../reporter.js';
import type { RtoBudget } from '../../rto-budget.js';
import type { DrillTarget } from '../target.js';

export interface ScenarioContext {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly target: DrillTarget;
  readonly reporter?: Reporter;
  readonly runId: string;
  readonly timing: Timing;
  readonly budget: RtoBudget;
  /** Takes the drill's lease back (after an execution released it). */
  readonly takeLease: () => Promise<void>;
  /** Hands the lease over (to the watchdog). */
  readonly dropLease: () => Promise<void>;
  /** Aborted (reason: an `Interrupt`) when SIGINT/SIGTERM stops the drill. */
  readonly signal?: AbortSignal;
  /** Where an interrupted scenario writes what it put back and what it left. */
  readonly interruption?: InterruptionLog;
}

/** Filled by an interrupted scenario on its way out. */
export interface InterruptionLog {
  readonly restored: string[];
  readonly left: string[];
  /** A failover/failback execution was still running when the drill stopped waiting. */
  executionRunning: boolean;
}
