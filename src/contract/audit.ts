/**
 * The audit objects of a failover or failback: where they go and what the CLI's holds.
 * Both writers live in the target region's audit-logs bucket, under one prefix and one
 * key format, `dr-audit/<operation>/<operation id>.<writer>.json`, so one listing of
 * `dr-audit/<operation>/<operation id>.` finds every record of an operation.
 *
 * There are two writers, on purpose:
 * - the promote execution of the state machine (`emit-event/Audit`, `failure/Audit`)
 *   writes its whole state (`States.JsonToString($)`: the execution input, what each step
 *   read, and on failure `failedStep` and `error`). It is the only record of an operation
 *   the watchdog Lambda starts without the CLI, so it cannot move into the CLI.
 * - the CLI (`writeAudit`, src/core/failover/run.ts) writes an `OperationAuditRecord`:
 *   what no single execution knows (the demote execution in the other region, the
 *   per-step timings, a re-attach, a lease taken over, a rollback and where the platform
 *   was left). A state machine cannot know these, so that record cannot move into it.
 */
import type { FailoverMode, OperationKind, StepId } from './steps.js';

/** The prefix of every audit object: the operator's `s3:PutObject` grant covers only it. */
export const AUDIT_PREFIX = 'dr-audit';

/** The `<writer>` part of the state machine's keys: one object per outcome of a promote execution. */
export const STATE_MACHINE_AUDIT = {
  succeeded: 'state-machine',
  failed: 'state-machine-failed',
} as const;

/**
 * The key of an audit object. `writer` tells the objects of one operation apart: the state
 * machine's `STATE_MACHINE_AUDIT` names, the CLI's write time in epoch milliseconds (a
 * re-attach or a rollback writes another record instead of replacing the first).
 */
export function auditKey(operation: string, operationId: string, writer: string): string {
  return `${AUDIT_PREFIX}/${operation}/${operationId}.${writer}.json`;
}

/**
 * `auditKey` as a `States.Format` template, `{}` where the execution's `$.operation` and
 * `$.operationId` go: the state machine builds its keys at run time, from the same format.
 */
export function auditKeyTemplate(writer: string): string {
  return auditKey('{}', '{}', writer);
}

/** A step of the CLI's record: which step ran where, how it ended and how long it took. */
export interface AuditStep {
  readonly step: StepId;
  readonly region: string;
  readonly outcome: 'succeeded' | 'failed';
  readonly ms: number;
  /** The part of `ms` spent waiting on AWS calls. */
  readonly awsMs: number;
}

/** Why an operation (or its rollback) failed, as the execution history says. */
export interface AuditFailure {
  readonly step?: string;
  readonly error: string;
  readonly cause: string;
}

/**
 * The CLI's audit record of one operation (who, what, when, each step), written as
 * indented JSON. Optional fields are absent, not null, when they do not apply.
 */
export interface OperationAuditRecord {
  /** The operator identity or the watchdog. */
  readonly who: string;
  readonly what: {
    readonly operation: OperationKind;
    readonly mode: FailoverMode;
    readonly from: string;
    readonly to: string;
    readonly epoch: number;
  };
  readonly when: { readonly recordedAt: string; readonly totalMs: number };
  readonly operationId: string;
  readonly outcome: 'succeeded' | 'failed';
  /** True when this run attached to an execution already in flight. */
  readonly reattached: boolean;
  readonly lease?: { readonly takenOverFrom?: string; readonly released: boolean };
  readonly failure?: AuditFailure;
  /** After a planned promote failed behind a fenced old primary: the run back to it. */
  readonly recovery?: {
    readonly rolledBackTo: string;
    readonly outcome: 'succeeded' | 'failed';
    readonly failure?: AuditFailure;
    readonly position: string;
  };
  /** A failed operation without a rollback: where it left the platform. */
  readonly left?: string;
  readonly executions: ReadonlyArray<{
    readonly region: string;
    readonly arn: string;
    readonly status: string;
  }>;
  readonly steps: readonly AuditStep[];
}
