/**
 * The per-region reads that need nothing else (level 1): alarms in ALARM, the trade
 * processor's event source mappings, and the last readiness check.
 */
import type { MappingView } from '../checks/evaluate.js';
import { readLatest, type Datapoint } from '../checks/metrics.js';
import { valueOf } from '../checks/outcome.js';
import { readAlarms, readMappings } from '../checks/read.js';
import { mappingTakesOrders } from '../status-unsafe.js';
import type { MappingStatus, ReadinessStatus, RegionAlarms } from './model.js';
import { errorField, type Regional, type StatusContext } from './context.js';

/** The metric the readiness-check Lambda publishes (1 ready, 0 not), per region. */
export const READINESS_METRIC = 'FailoverReadiness';
/** The readiness check runs hourly: look back a little over two runs. */
const READINESS_WINDOW_SECONDS = 2.5 * 3600;

type AlarmsRead = Array<Regional<Awaited<ReturnType<typeof readAlarms>>>>;
export type MappingsRead = Array<Regional<MappingView[]>>;
type ReadinessRead = Array<Regional<Datapoint | undefined>>;

export function readFiring(ctx: StatusContext): Promise<AlarmsRead> {
  return ctx.perRegion((r) => readAlarms(ctx.clients.cloudwatch(r), ctx.naming.regional(r, ''), 'ALARM'));
}

export function alarmsView(read: AlarmsRead): RegionAlarms[] {
  return read.map(({ region, outcome }) => ({
    region,
    // Filtered here too: moto ignores StateValue next to AlarmNamePrefix.
    firing: (valueOf(outcome) ?? [])
      .filter((a) => a.StateValue === 'ALARM')
      .map((a) => ({
        name: a.AlarmName ?? '',
        reason: a.StateReason ?? '',
        since: a.StateUpdatedTimestamp ? new Date(a.StateUpdatedTimestamp).toISOString() : null,
      })),
    ...errorField(outcome),
  }));
}

export function readTradeMappings(ctx: StatusContext): Promise<MappingsRead> {
  return ctx.perRegion((r) => readMappings(ctx.clients.lambda(r), ctx.naming.lambda(r, 'trade-processor')));
}

export function mappingsView(read: MappingsRead): MappingStatus[] {
  return read.map(({ region, outcome }) => {
    const found = valueOf(outcome);
    return {
      region,
      states: (found ?? []).map((m) => m.state),
      consuming: found ? found.some((m) => mappingTakesOrders(m.state)) : null,
      ...errorField(outcome),
    };
  });
}

export function readReadiness(ctx: StatusContext): Promise<ReadinessRead> {
  return ctx.perRegion(
    async (r) =>
      (
        await readLatest(
          ctx.clients.cloudwatch(r),
          [
            {
              id: 'ready',
              namespace: ctx.naming.metricsNamespace(),
              metricName: READINESS_METRIC,
              dimensions: { Region: r },
              stat: 'Minimum',
            },
          ],
          READINESS_WINDOW_SECONDS,
          ctx.now,
        )
      ).ready,
  );
}

export function readinessView(read: ReadinessRead): ReadinessStatus[] {
  return read.map(({ region, outcome }) => {
    const point = valueOf(outcome);
    return { region, ready: point ? point.value >= 1 : null, at: point?.at ?? null, ...errorField(outcome) };
  });
}
