/**
 * The order-intake RTO budget, computed from the config: how long until DNS sends new
 * orders to the surviving region after the primary stops answering.
 *
 *   detection     = health-check interval × failure threshold (Route 53 marks it unhealthy)
 *   dns           = TTL of the failover records (resolvers keep the old answer that long)
 *   orchestration = fencing and the other steps on the RTO path (config)
 *
 * Settlement waits for the Aurora promotion on top of this; it is not on the 60 s path.
 * Pure: the drill measures the real figure and sets it beside this one.
 */
import type { DrConfig } from '../config/schema.js';

export interface RtoBudgetItem {
  readonly name: 'detection' | 'dns' | 'orchestration';
  readonly seconds: number;
  /** How the figure is made, e.g. `10 s interval × 3 failures`. */
  readonly basis: string;
}

export interface RtoBudget {
  readonly items: RtoBudgetItem[];
  readonly totalSeconds: number;
  readonly objectiveSeconds: number;
  /** objective − total: negative when the design cannot meet the objective. */
  readonly marginSeconds: number;
  readonly withinObjective: boolean;
}

export type RtoInputs = {
  readonly dns: Pick<DrConfig['dns'], 'ttlSeconds'> & {
    readonly healthCheck: Pick<DrConfig['dns']['healthCheck'], 'intervalSeconds' | 'failureThreshold'>;
  };
  readonly objectives: Pick<DrConfig['objectives'], 'rtoSeconds' | 'orchestrationSeconds'>;
};

export function rtoBudget(config: RtoInputs): RtoBudget {
  const { intervalSeconds, failureThreshold } = config.dns.healthCheck;
  const items: RtoBudgetItem[] = [
    {
      name: 'detection',
      seconds: intervalSeconds * failureThreshold,
      basis: `${intervalSeconds} s health-check interval × ${failureThreshold} failures`,
    },
    { name: 'dns', seconds: config.dns.ttlSeconds, basis: `${config.dns.ttlSeconds} s record TTL` },
    {
      name: 'orchestration',
      seconds: config.objectives.orchestrationSeconds,
      basis: 'objectives.orchestrationSeconds',
    },
  ];
  const totalSeconds = items.reduce((sum, item) => sum + item.seconds, 0);
  const objectiveSeconds = config.objectives.rtoSeconds;
  return {
    items,
    totalSeconds,
    objectiveSeconds,
    marginSeconds: objectiveSeconds - totalSeconds,
    withinObjective: totalSeconds <= objectiveSeconds,
  };
}
