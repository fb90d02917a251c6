/** The active region as SSM holds it in each region: highest epoch wins. */
import { resolveActiveRegion } from '../checks/evaluate.js';
import { valueOf } from '../checks/outcome.js';
import { readParametersDated } from '../checks/read.js';
import type { RegionControl } from './model.js';
import { errorField, type Regional, type StatusContext } from './context.js';

type DatedParameters = Awaited<ReturnType<typeof readParametersDated>>;
export type ControlRead = Array<Regional<DatedParameters>>;

/** Level 1: the DR parameters (active-region, epoch) of each region, with when they were written. */
export function readControl(ctx: StatusContext): Promise<ControlRead> {
  return ctx.perRegion((r) => readParametersDated(ctx.clients.ssm(r), ctx.naming.ssmPrefix(), false));
}

export interface ActiveView {
  readonly byRegion: RegionControl[];
  /** null when no region answered. */
  readonly region: string | null;
  readonly epoch: number | null;
  readonly agreed: boolean;
  /** When active-region was last written in any region (ISO), for the DNS budget. */
  readonly movedAt: string | null;
}

function regionControl(ctx: StatusContext, { region, outcome }: Regional<DatedParameters>): RegionControl {
  const values = valueOf(outcome)?.values;
  const epoch = Number(values?.[ctx.naming.ssmEpoch()]);
  return {
    region,
    ...(values?.[ctx.naming.ssmActiveRegion()] ? { activeRegion: values[ctx.naming.ssmActiveRegion()] } : {}),
    ...(Number.isFinite(epoch) && values?.[ctx.naming.ssmEpoch()] !== undefined ? { epoch } : {}),
    ...errorField(outcome),
  };
}

export function activeView(ctx: StatusContext, read: ControlRead): ActiveView {
  const { naming } = ctx;
  const byRegion = read.map((c) => regionControl(ctx, c));
  const answered = read.some((c) => c.outcome.ok);
  const active = resolveActiveRegion(
    Object.fromEntries(
      read.map((c) => [
        c.region,
        c.outcome.ok ? { ok: true as const, value: c.outcome.value.values } : c.outcome,
      ]),
    ),
    { activeRegion: naming.ssmActiveRegion(), epoch: naming.ssmEpoch() },
    ctx.primary,
  );
  const agreed =
    new Set(byRegion.filter((c) => !c.error).map((c) => `${c.activeRegion ?? ''}@${c.epoch ?? ''}`)).size <=
    1;
  const movedAt =
    read
      .map((c) => valueOf(c.outcome)?.modified[naming.ssmActiveRegion()])
      .filter((t): t is string => t !== undefined)
      .sort()
      .at(-1) ?? null;
  return {
    byRegion,
    region: answered ? active.region : null,
    epoch: answered ? (active.epoch ?? null) : null,
    agreed,
    movedAt,
  };
}
