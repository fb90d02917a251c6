/**
 * The sandbox's stand-in for the RDS Data API. The failover machine's `fence-database`
 * step advances the `dr_fence` row on the new writer through `rds-data:ExecuteStatement`;
 * moto answers that call without running any SQL. So while an execution runs, the
 * bridge watches its history and, once the machine enters `fence-database`, applies the
 * same advance (`advanceFence`, the statement the machine sends) to the sandbox's
 * PostgreSQL. The trade processor then sees the fence move as it would on Aurora.
 */
import type pg from 'pg';
import type { AwsClients } from '../../aws/clients.js';
import { advanceFence } from '../db-fence.js';
import { measureSteps } from '../failover/execution.js';

export interface FenceMirror {
  readonly executionArn: string;
  /** Epoch ms when the row was advanced (undefined: the step never ran). */
  readonly advancedAt?: number;
}

/** `arn:…:stateMachine:NAME` + execution name → `arn:…:execution:NAME:EXEC`. */
export function executionArnOf(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

export class FenceBridge {
  private readonly watches: Array<Promise<FenceMirror>> = [];
  private stopped = false;

  constructor(
    private readonly clients: AwsClients,
    private readonly db: pg.Pool,
    private readonly pollMs = 50,
    /** Give up on an execution after this long. */
    private readonly timeoutMs = 180_000,
  ) {}

  /** Watches one execution (it may not exist yet) until it ends. */
  watch(
    region: string,
    executionArn: string,
    fence: { activeRegion: string; epoch: number },
  ): Promise<FenceMirror> {
    const run = (async (): Promise<FenceMirror> => {
      const sfn = this.clients.sfn(region);
      const deadline = Date.now() + this.timeoutMs;
      let advancedAt: number | undefined;
      while (!this.stopped && Date.now() < deadline) {
        try {
          const page = await sfn.getExecutionHistory({ executionArn, maxResults: 1000 });
          const measured = measureSteps([...(page.events ?? [])].sort((a, b) => (a.id ?? 0) - (b.id ?? 0)));
          if (advancedAt === undefined && measured.steps.some((s) => s.id === 'fence-database')) {
            await advanceFence(this.db, fence);
            advancedAt = Date.now();
          }
          if (measured.status !== 'RUNNING') break;
        } catch {
          // not started yet, or the region blinked: look again
        }
        await new Promise((r) => setTimeout(r, this.pollMs));
      }
      return { executionArn, ...(advancedAt !== undefined ? { advancedAt } : {}) };
    })();
    this.watches.push(run);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled(this.watches);
  }
}
