/**
 * A drill whose CLI died (SIGKILL, a machine lost) could not put back what it changed:
 * its lease stays held by a process that is gone, and the platform may be failed over,
 * stranded between a demote and its promote, in the drill's outage, or with auto-failover
 * left on. The same operator's next drill puts all of that back first — the re-run
 * finishes what the killed one started — and then drills from the designed state:
 *
 * 1. the outage ends (the target's undo, safe when there is none);
 * 2. auto-failover goes back to what it was before the killed drill (its record);
 * 3. a failover or failback it was running is finished (`operate` re-attaches to the
 *    execution, or goes on from the demote);
 * 4. the platform fails back to the primary if it is not there (completing a stranded
 *    move without the gate).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { leaseLiveness, readLease, THIS_SESSION } from '../failover/lease.js';
import { operate } from '../failover/operate.js';
import { LEASE_ID, type Timing } from '../failover/plan.js';
import { isDone, readPosition } from '../failover/position.js';
import { leaseTarget } from '../failover/resume.js';
import type { Reporter } from '../reporter.js';
import { requireInSync, verifySync } from '../verify-sync.js';
import type { DrillTarget } from './target.js';

/** auto-failover's values before a drill switched it on, per region (removed once restored). */
export const AUTO_FAILOVER_RECORD = join('.dr', 'drill-auto-failover.json');

export interface AutoFailoverRecord {
  readonly regions: readonly string[];
  readonly values: ReadonlyArray<string | undefined>;
}

export async function writeAutoFailoverRecord(stateDir: string, record: AutoFailoverRecord): Promise<void> {
  const file = join(stateDir, AUTO_FAILOVER_RECORD);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(record));
}

/**
 * Sets the shared `auto-failover` setting in `region`. KeyId names the platform's regional
 * key: without it, an overwrite re-keys the SecureString to the account's `aws/ssm` key.
 */
export async function putAutoFailover(
  clients: AwsClients,
  naming: Naming,
  region: string,
  value: string,
): Promise<void> {
  await clients.ssm(region).putParameter({
    Name: naming.ssmShared('auto-failover'),
    Value: value,
    Type: 'SecureString',
    KeyId: naming.kmsAlias(region),
    Overwrite: true,
  });
}

export async function clearAutoFailoverRecord(stateDir: string): Promise<void> {
  await rm(join(stateDir, AUTO_FAILOVER_RECORD), { force: true });
}

async function readAutoFailoverRecord(stateDir: string): Promise<AutoFailoverRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, AUTO_FAILOVER_RECORD), 'utf8')) as AutoFailoverRecord;
  } catch {
    return undefined;
  }
}

export interface RecoverOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly target: DrillTarget;
  readonly reporter: Reporter;
  /** Who runs this drill: only that operator's own killed drill is put back. */
  readonly holder: string;
  readonly timing: Timing;
  /** Where the drill keeps its records (`.dr/` below it). */
  readonly stateDir: string;
  readonly now?: Date;
}

/** Puts back what the holder's killed drill left; the lines say what was done (none: nothing to do). */
export async function recoverKilledDrill(options: RecoverOptions): Promise<string[]> {
  const { clients, config, target, reporter, holder } = options;
  const naming = new Naming(config);
  const { primary, secondary } = config.regions;
  const now = options.now ?? new Date();
  const lease = await readLease(clients.dynamodb(secondary), naming.leaseTable(), LEASE_ID).catch(
    () => undefined,
  );
  if (
    !lease ||
    lease.holder !== holder ||
    lease.session === THIS_SESSION ||
    lease.expiresAt < Math.floor(now.getTime() / 1000)
  ) {
    return [];
  }
  const liveness = leaseLiveness(lease, now);
  if (liveness.running) return [];
  const done: string[] = [];
  const note = (line: string) => {
    done.push(line);
    reporter.info(line);
  };
  reporter.info(
    `${holder}'s last drill stopped without finishing (${lease.operation} ${lease.operationId}: ${liveness.reason}); putting back what it left first`,
  );
  for (const region of [primary, secondary]) await target.restoreOutage(region);
  note('the outage ended (if one was on)');
  const auto = await readAutoFailoverRecord(options.stateDir);
  if (auto) {
    await Promise.all(
      auto.regions.map((region, i) => {
        const value = auto.values[i];
        return value === undefined ? Promise.resolve() : putAutoFailover(clients, naming, region, value);
      }),
    );
    await clearAutoFailoverRecord(options.stateDir);
    note(`auto-failover set back to ${[...new Set(auto.values)].join('/')}`);
  }
  const gate = async (): Promise<void> => {
    requireInSync(await verifySync({ clients, config }));
  };
  const common = {
    clients,
    config,
    dryRun: false,
    reporter,
    timing: options.timing,
    takeOver: true,
    gate,
    syncTimeoutMs: target.tuning.settleTimeoutMs,
    pollMs: 250,
  } as const;
  const to = leaseTarget(lease);
  if ((lease.operation === 'failover' || lease.operation === 'failback') && to) {
    const finished = await operate({
      ...common,
      operation: lease.operation,
      to,
      mode: lease.mode ?? 'planned',
    });
    if (finished.kind === 'done' && finished.result.outcome !== 'succeeded') {
      throw new Error(
        `the ${lease.operation} the killed drill ran could not be finished: ${finished.result.failure?.error ?? 'failed'}`,
      );
    }
    note(`its ${lease.operation} to ${to} finished`);
  }
  const position = await readPosition(clients, config, [primary, secondary]);
  if (!isDone(position, primary)) {
    const back = await operate({ ...common, operation: 'failback', to: primary, mode: 'planned' });
    if (back.kind === 'done' && back.result.outcome !== 'succeeded') {
      throw new Error(`failing back to ${primary} failed: ${back.result.failure?.error ?? 'failed'}`);
    }
    note(`failed back to ${primary}`);
  }
  return done;
}
