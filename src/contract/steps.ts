/**
 * The typed step list of a failover or failback: what the state machines run, what
 * `--dry-run` and the plan print show, what `follow` reports and what the audit record
 * and the drill report list. One list, so they cannot drift apart.
 *
 * Step Functions cannot call another region (cross-region AWS SDK integrations do not
 * exist), so every execution acts on its own region only:
 * - `demote` runs in the region being left, and only on the planned path (it is up):
 *   fence it (event source mapping off, its `active-region`/`epoch` written);
 * - `promote` runs in the target region: everything else. On the unplanned path it is
 *   the only execution, and it calls nothing outside the target region.
 */
export type OperationKind = 'failover' | 'failback';
export type FailoverMode = 'planned' | 'unplanned';
export type Phase = 'demote' | 'promote';

/**
 * The phases in the order a planned operation runs them. The last is the one every mode
 * runs (the target region's), so an execution whose phase names no other runs it.
 */
export const PHASES: readonly Phase[] = ['demote', 'promote'];

export type StepId =
  | 'take-lease'
  | 'pre-checks'
  | 'fence-old-primary'
  | 'fence-surviving-region'
  | 'promote'
  | 'wait-for-writer'
  | 'fence-database'
  | 'shift-traffic'
  | 'enable-new-primary'
  | 'verify'
  | 'emit-event'
  | 'release-lease';

export interface StepDefinition {
  readonly id: StepId;
  readonly title: string;
  readonly phase: Phase;
  /** Which modes run it. */
  readonly modes: readonly FailoverMode[];
  /** What it does, for the plan (filled with the plan's values). */
  describe(ctx: StepContext): string;
}

export interface StepContext {
  readonly mode: FailoverMode;
  readonly from: string;
  readonly to: string;
  readonly epoch: number;
}

const both: readonly FailoverMode[] = ['planned', 'unplanned'];

export const STEPS: readonly StepDefinition[] = [
  {
    id: 'take-lease',
    title: 'Take the lease',
    phase: 'promote',
    modes: both,
    describe: (c) =>
      `conditional write on the lease table's ${c.to} replica (refused while another operation holds it)`,
  },
  {
    id: 'fence-old-primary',
    title: 'Fence the old primary',
    phase: 'demote',
    modes: ['planned'],
    describe: (c) =>
      `in ${c.from}: disable the trade processor's event source mapping, set active-region=${c.to} and epoch=${c.epoch}`,
  },
  {
    id: 'pre-checks',
    title: 'Pre-checks',
    phase: 'promote',
    modes: both,
    describe: (c) =>
      `the global cluster answers from ${c.to} and is available; skip promotion if ${c.to} already writes`,
  },
  {
    id: 'fence-surviving-region',
    title: 'Fence (surviving region)',
    phase: 'promote',
    modes: both,
    describe: (c) => `in ${c.to}: set active-region=${c.to}, epoch=${c.epoch}`,
  },
  {
    id: 'promote',
    title: 'Promote',
    phase: 'promote',
    modes: both,
    describe: (c) =>
      c.mode === 'planned'
        ? `Aurora SwitchoverGlobalCluster to the ${c.to} cluster (RPO 0)`
        : `Aurora FailoverGlobalCluster to the ${c.to} cluster with AllowDataLoss (RPO = replication lag at the cut)`,
  },
  {
    id: 'wait-for-writer',
    title: 'Wait for the new writer',
    phase: 'promote',
    modes: both,
    describe: (c) => `poll the global cluster until the ${c.to} cluster is the available writer (bounded)`,
  },
  {
    id: 'fence-database',
    title: 'Fence the database',
    phase: 'promote',
    modes: both,
    describe: (c) =>
      `advance the dr_fence row on the new writer to ${c.to} at epoch ${c.epoch} (RDS Data API)`,
  },
  {
    id: 'shift-traffic',
    title: 'Shift traffic',
    phase: 'promote',
    modes: both,
    describe: (c) =>
      `no Route 53 call: ${c.from}'s /health now fails (not the writer), so the health checks move DNS to ${c.to}; wait interval × threshold + TTL`,
  },
  {
    id: 'enable-new-primary',
    title: 'Enable the new primary',
    phase: 'promote',
    modes: both,
    describe: (c) => `in ${c.to}: enable the trade processor's event source mapping`,
  },
  {
    id: 'verify',
    title: 'Verify',
    phase: 'promote',
    modes: both,
    describe: (c) => `${c.to} holds the writer, its mapping is enabled, its active-region says ${c.to}`,
  },
  {
    id: 'emit-event',
    title: 'Emit the event',
    phase: 'promote',
    modes: both,
    describe: (c) =>
      `EventBridge event on the ${c.to} DR bus (forwarded to the other region), audit object in ${c.to}`,
  },
  {
    id: 'release-lease',
    title: 'Release the lease',
    phase: 'promote',
    modes: both,
    describe: () => 'delete the lease item, only if this operation still holds it',
  },
];

export function stepsFor(mode: FailoverMode): StepDefinition[] {
  return STEPS.filter((s) => s.modes.includes(mode));
}

/** The steps of one phase, in order (`steps` defaults to the step list). */
export function stepsOfPhase(phase: Phase, steps: readonly StepDefinition[] = STEPS): StepDefinition[] {
  return steps.filter((s) => s.phase === phase);
}

export function stepById(id: StepId): StepDefinition {
  const step = STEPS.find((s) => s.id === id);
  if (!step) throw new Error(`no failover step ${id}`);
  return step;
}

/** The step a state machine state belongs to (`verify/Writer` → `verify`), or undefined (Phase, failure/*). */
export function stepOfState(stateName: string): StepId | undefined {
  const prefix = stateName.split('/')[0];
  return STEPS.find((s) => s.id === prefix)?.id;
}
