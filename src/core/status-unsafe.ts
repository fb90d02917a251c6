/**
 * The unsafe states `dr status` names (and exits 3 for): pure, over what the status
 * reads saw. Each finding has a stable `code` runbooks may branch on, a message saying
 * what was seen, and, where one command repairs it, that command.
 *
 * | code             | unsafe when                                                               |
 * |------------------|---------------------------------------------------------------------------|
 * | `NO_CONSUMER`    | both regions answered and neither trade-processor mapping consumes orders  |
 * | `TWO_CONSUMERS`  | both regions' mappings consume orders (split brain)                       |
 * | `SSM_DISAGREE`   | the regions' `active-region` or `epoch` copies differ                     |
 * | `DNS_NOT_WRITER` | Route 53 answers a region other than the Aurora writer's for longer than  |
 * |                  | the DNS budget (interval × threshold + TTL) since `active-region` changed |
 * | `LEASE_ORPHANED` | the lease is held (not expired) but nothing runs it: its process is gone  |
 * |                  | and no failover/failback execution runs in a region that answered         |
 *
 * A state evaluable only from a region that did not answer is not guessed: a finding
 * needs the reads it speaks about (the exit code is 5 then anyway). While a failover or
 * failback execution runs, `NO_CONSUMER`, `SSM_DISAGREE` and `DNS_NOT_WRITER` are
 * expected steps of it; they are still reported (`duringOperation`), since nothing
 * consuming orders is unsafe whatever the reason.
 */
import type { DrConfig } from '../config/schema.js';
import type { OperationKind } from '../contract/steps.js';

/** Stable codes: runbooks branch on them; never rename. */
export type UnsafeCode =
  'NO_CONSUMER' | 'TWO_CONSUMERS' | 'SSM_DISAGREE' | 'DNS_NOT_WRITER' | 'LEASE_ORPHANED';

export interface UnsafeFinding {
  readonly code: UnsafeCode;
  /** What was seen, in one line. */
  readonly message: string;
  /** The one command that repairs it, where there is one. */
  readonly repair?: string;
  /** A failover/failback execution is running: the state may be one of its steps. */
  readonly duringOperation: boolean;
}

/** A trade-processor mapping takes orders off the queue in this state. */
export function mappingTakesOrders(state: string): boolean {
  return state === 'Enabled' || state === 'Enabling';
}

/** How long DNS may answer a region other than the writer's after a move: detection + TTL. */
export function dnsBudgetSeconds(config: Pick<DrConfig, 'dns'>): { seconds: number; basis: string } {
  const { intervalSeconds, failureThreshold } = config.dns.healthCheck;
  const seconds = intervalSeconds * failureThreshold + config.dns.ttlSeconds;
  return {
    seconds,
    basis: `${intervalSeconds} s health-check interval × ${failureThreshold} failures + ${config.dns.ttlSeconds} s TTL`,
  };
}

export interface UnsafeInputs {
  readonly config: Pick<DrConfig, 'dns'>;
  readonly now: Date;
  readonly regions: readonly string[];
  /** The winning SSM copy's active region (highest epoch); null when no region answered. */
  readonly activeRegion: string | null;
  /** SSM copies of the regions that answered. */
  readonly control: ReadonlyArray<{
    readonly region: string;
    readonly activeRegion?: string;
    readonly epoch?: number;
  }>;
  readonly parameterNames: { readonly activeRegion: string; readonly epoch: string };
  /** The latest write of `active-region` in a region that answered (ISO), if known. */
  readonly movedAt: string | null;
  /** Per region; `mappings` undefined when the read failed. */
  readonly mappings: ReadonlyArray<{
    readonly region: string;
    readonly mappings?: ReadonlyArray<{ readonly uuid: string; readonly state: string }>;
  }>;
  readonly dnsServingRegion: string | null;
  readonly dnsName: string;
  readonly writerRegion: string | null;
  readonly lease: {
    readonly holder: string;
    readonly operation: string;
    readonly operationId: string;
    readonly startedAt: string;
    readonly expired: boolean;
    readonly running: boolean;
    readonly reason: string;
    readonly to?: string;
    readonly mode?: string;
  } | null;
  readonly inFlight: ReadonlyArray<{
    readonly region: string;
    readonly operation: OperationKind;
    readonly execution: string;
  }>;
  /** Regions whose running executions could not be listed. */
  readonly executionsUnknown: readonly string[];
}

export function evaluateUnsafe(input: UnsafeInputs): UnsafeFinding[] {
  const findings: UnsafeFinding[] = [];
  const [flight] = input.inFlight;
  const duringOperation = flight !== undefined;
  const expected = flight
    ? ` (expected while ${flight.operation} execution ${flight.execution} runs in ${flight.region}; unsafe until it ends)`
    : '';

  // Order consumption: only when every region's mappings were read.
  const read = input.mappings.filter((m) => m.mappings !== undefined);
  if (read.length === input.regions.length && read.length > 0) {
    const consuming = read.filter((m) => (m.mappings ?? []).some((x) => mappingTakesOrders(x.state)));
    const states = read
      .map((m) => `${m.region} ${(m.mappings ?? []).map((x) => x.state).join('/') || 'no mapping'}`)
      .join(', ');
    if (consuming.length === 0) {
      const target = input.activeRegion
        ? read.find((m) => m.region === input.activeRegion)?.mappings?.[0]
        : undefined;
      findings.push({
        code: 'NO_CONSUMER',
        message: `no region consumes orders: trade-processor event source mappings ${states}; orders queue up unprocessed${expected}`,
        ...(!duringOperation && target && input.activeRegion
          ? {
              repair: `aws lambda update-event-source-mapping --region ${input.activeRegion} --uuid ${target.uuid} --enabled`,
            }
          : {}),
        duringOperation,
      });
    } else if (consuming.length > 1) {
      const stray = input.activeRegion ? consuming.filter((m) => m.region !== input.activeRegion) : [];
      const repair = stray.flatMap((m) =>
        (m.mappings ?? [])
          .filter((x) => mappingTakesOrders(x.state))
          .map(
            (x) =>
              `aws lambda update-event-source-mapping --region ${m.region} --uuid ${x.uuid} --no-enabled`,
          ),
      );
      findings.push({
        code: 'TWO_CONSUMERS',
        message: `split brain: ${consuming.map((m) => m.region).join(' and ')} both consume orders (${states})${input.activeRegion ? `; SSM names ${input.activeRegion} active` : ''}`,
        ...(repair.length > 0 ? { repair: repair.join(' && ') } : {}),
        duringOperation,
      });
    }
  }

  // SSM copies.
  const copies = input.control;
  if (copies.length > 1) {
    const key = (c: (typeof copies)[number]) => `${c.activeRegion ?? '?'}@${c.epoch ?? '?'}`;
    if (new Set(copies.map(key)).size > 1) {
      const said = copies
        .map(
          (c) => `${c.region} says active-region ${c.activeRegion ?? 'unset'}, epoch ${c.epoch ?? 'unset'}`,
        )
        .join('; ');
      const winner = copies
        .filter((c) => c.activeRegion === input.activeRegion && c.epoch !== undefined)
        .sort((x, y) => (y.epoch ?? 0) - (x.epoch ?? 0))[0];
      const stale = winner ? copies.filter((c) => key(c) !== key(winner)) : [];
      const repair =
        !duringOperation && winner?.activeRegion !== undefined && winner.epoch !== undefined
          ? stale
              .flatMap((c) => [
                `aws ssm put-parameter --region ${c.region} --name ${input.parameterNames.activeRegion} --value ${winner.activeRegion} --overwrite`,
                `aws ssm put-parameter --region ${c.region} --name ${input.parameterNames.epoch} --value ${winner.epoch} --overwrite`,
              ])
              .join(' && ')
          : '';
      findings.push({
        code: 'SSM_DISAGREE',
        message: `the regions' SSM copies disagree: ${said}${winner ? `; the highest epoch wins (${winner.region}'s: ${winner.activeRegion})` : ''}${expected}`,
        ...(repair ? { repair } : {}),
        duringOperation,
      });
    }
  }

  // DNS against the writer, past the budget.
  if (input.dnsServingRegion && input.writerRegion && input.dnsServingRegion !== input.writerRegion) {
    const budget = dnsBudgetSeconds(input.config);
    const moved = input.movedAt ? Date.parse(input.movedAt) : Number.NaN;
    const since = Number.isFinite(moved) ? Math.floor((input.now.getTime() - moved) / 1000) : null;
    if (since === null || since > budget.seconds) {
      findings.push({
        code: 'DNS_NOT_WRITER',
        message: `DNS (${input.dnsName}) answers ${input.dnsServingRegion} but the Aurora writer is in ${input.writerRegion}, ${since === null ? 'since an unknown time (no active-region write time was read)' : `${since} s after active-region last changed (${input.movedAt})`}; budget ${budget.seconds} s (${budget.basis}). The PRIMARY record's region is healthy only while it holds the writer: check the health checks and ${input.writerRegion}'s /health${expected}`,
        duringOperation,
      });
    }
  }

  // The lease, held by nothing running.
  const lease = input.lease;
  if (lease && !lease.expired && !lease.running && input.inFlight.length === 0) {
    const checked = input.regions.filter((r) => !input.executionsUnknown.includes(r));
    if (checked.length > 0) {
      const command =
        lease.operation === 'failover'
          ? `dr failover${lease.to ? ` --to ${lease.to}` : ''}${lease.mode ? ` --${lease.mode}` : ''}`
          : `dr ${lease.operation}`;
      const unknown =
        input.executionsUnknown.length > 0
          ? ` (executions in ${input.executionsUnknown.join(', ')} could not be listed)`
          : '';
      findings.push({
        code: 'LEASE_ORPHANED',
        message: `${lease.holder} holds the DR lease (${lease.operation} ${lease.operationId}, since ${lease.startedAt}) but nothing runs it: ${lease.reason}, and no failover/failback execution is running in ${checked.join(' or ')}${unknown}`,
        repair: `as ${lease.holder}, re-run \`${command}\` to resume it; anyone else: \`${command} --take-over\``,
        duringOperation: false,
      });
    }
  }
  return findings;
}
