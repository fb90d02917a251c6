/**
 * The region outage of a drill on AWS: a data-plane blackout of one region, made with
 * ordinary APIs and undone the same way.
 *
 * - The order API's stage is throttled to zero (method settings for every method: rate 0,
 *   burst 0): API Gateway answers 429 to every request, so Route 53's health checks and
 *   the watchdog's probe of `/health` fail, and clients' orders are refused there.
 * - The trade processor's reserved concurrency is set to 0: its event source mapping
 *   invokes nothing, and the orders already queued there stay queued (stranded) until
 *   the region returns, as in a real outage.
 *
 * What it does not do, named in the report: the region's AWS control plane and its
 * Aurora cluster stay up (the unplanned failover still detaches and promotes in the
 * other region, and the old writer rejoins as it would after a real outage ends).
 *
 * Before changing anything it writes what it found to an undo file, so that a drill that
 * dies mid-outage is undone by `dr drill --restore-outage` (or by `dr deploy`: both
 * changes are drift from the Terraform state, which an apply puts back).
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { AwsClients } from '../../../aws/clients.js';
import { errorName } from '../../../aws/errors.js';
import type { DrConfig } from '../../../config/schema.js';
import { Naming } from '../../../contract/naming.js';
import { findRestApiId, stageThrottlePatch, type StageThrottle } from '../../order-api.js';

export interface OutageUndo {
  readonly kind: 'dr-drill-outage';
  readonly region: string;
  readonly restApiId: string;
  readonly stageName: string;
  /** The stage-wide throttling before the outage; null when none was set. */
  readonly throttle: StageThrottle | null;
  readonly functionName: string;
  /** Reserved concurrency before the outage; null when none was reserved. */
  readonly reservedConcurrency: number | null;
  readonly injectedAt: string;
}

/** Why a new outage is refused while an earlier one's record is still there. */
export function outageNotUndone(pending: OutageUndo): string {
  return `an earlier drill's outage of ${pending.region} (${pending.injectedAt}) was never undone: run \`dr drill --restore-outage\` first`;
}

export class DataPlaneOutage {
  private readonly naming: Naming;

  constructor(
    private readonly clients: AwsClients,
    config: DrConfig,
    /** Where the undo record is kept (`.dr/drill-outage.json`). */
    readonly undoFile: string,
  ) {
    this.naming = new Naming(config);
  }

  private async restApiId(region: string): Promise<string> {
    const name = this.naming.restApi(region);
    const id = await findRestApiId(this.clients.apiGateway(region), name);
    if (!id) throw new Error(`API Gateway has no REST API ${name} in ${region}: is the platform deployed?`);
    return id;
  }

  async inject(region: string): Promise<OutageUndo> {
    const pending = await readUndo(this.undoFile);
    if (pending) throw new Error(outageNotUndone(pending));
    const apigw = this.clients.apiGateway(region);
    const lambda = this.clients.lambda(region);
    const restApiId = await this.restApiId(region);
    const stageName = this.naming.restApiStage();
    const functionName = this.naming.lambda(region, 'trade-processor');
    const [stage, concurrency] = await Promise.all([
      apigw.getStage({ restApiId, stageName }),
      lambda.getFunctionConcurrency({ FunctionName: functionName }),
    ]);
    const all = stage.methodSettings?.['*/*'];
    const undo: OutageUndo = {
      kind: 'dr-drill-outage',
      region,
      restApiId,
      stageName,
      throttle:
        all?.throttlingRateLimit !== undefined && all.throttlingBurstLimit !== undefined
          ? { rateLimit: all.throttlingRateLimit, burstLimit: all.throttlingBurstLimit }
          : null,
      functionName,
      reservedConcurrency: concurrency.ReservedConcurrentExecutions ?? null,
      injectedAt: new Date().toISOString(),
    };
    await mkdir(dirname(this.undoFile), { recursive: true });
    await writeFile(this.undoFile, `${JSON.stringify(undo, null, 2)}\n`, { mode: 0o600 });
    await Promise.all([
      apigw.updateStage({
        restApiId,
        stageName,
        patchOperations: stageThrottlePatch({ rateLimit: 0, burstLimit: 0 }),
      }),
      lambda.putFunctionConcurrency({ FunctionName: functionName, ReservedConcurrentExecutions: 0 }),
    ]);
    return undo;
  }

  /** Puts back what `inject` found; then removes the undo file. A no-op without one. */
  async restore(): Promise<OutageUndo | null> {
    const undo = await readUndo(this.undoFile);
    if (!undo) return null;
    const apigw = this.clients.apiGateway(undo.region);
    const lambda = this.clients.lambda(undo.region);
    await Promise.all([
      apigw.updateStage({
        restApiId: undo.restApiId,
        stageName: undo.stageName,
        patchOperations: undo.throttle ? stageThrottlePatch(undo.throttle) : [{ op: 'remove', path: '/*/*' }],
      }),
      undo.reservedConcurrency === null
        ? lambda.deleteFunctionConcurrency({ FunctionName: undo.functionName }).catch((error: unknown) => {
            if (errorName(error) !== 'ResourceNotFoundException') throw error;
          })
        : lambda.putFunctionConcurrency({
            FunctionName: undo.functionName,
            ReservedConcurrentExecutions: undo.reservedConcurrency,
          }),
    ]);
    await rm(this.undoFile, { force: true });
    return undo;
  }
}

export async function readUndo(file: string): Promise<OutageUndo | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const undo = JSON.parse(text) as OutageUndo;
  if (undo.kind !== 'dr-drill-outage') throw new Error(`${file} is not a drill outage record`);
  return undo;
}
