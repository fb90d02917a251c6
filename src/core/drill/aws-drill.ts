/**
 * `dr drill` on AWS: the Route 53 watch and the other AWS pieces (./aws-target.ts), then
 * the drill (./drill.ts) — and the outage's undo, whatever happens. Against an emulator
 * (`DR_ENDPOINT`) the same code runs; `DR_EXECUTE_API_ENDPOINT` then names the stand-in
 * that plays API Gateway (src/sandbox/api-gateway.ts), since no emulator serves
 * `*.execute-api.*.amazonaws.com`.
 */
import { join } from 'node:path';
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { UsageError } from '../../contract/errors.js';
import { silentReporter, type Reporter } from '../reporter.js';
import { DataPlaneOutage, outageNotUndone, readUndo, type OutageUndo } from './aws/data-plane-outage.js';
import { AwsTarget } from './aws-target.js';
import { runDrill } from './drill.js';
import type { DrillReport, ScenarioName } from './model.js';
import type { Tuning } from './target.js';

/** Where a drill keeps the undo record of its outage. */
export function outageUndoFile(cwd = process.cwd()): string {
  return join(cwd, '.dr', 'drill-outage.json');
}

export interface AwsDrillOptions {
  readonly clients: AwsClients;
  readonly config: DrConfig;
  readonly scenarios: readonly ScenarioName[];
  readonly cwd?: string;
  readonly reporter?: Reporter;
  readonly tuning?: Tuning;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly triggerTimeoutMs?: number;
  /** SIGINT/SIGTERM: see DrillOptions.signal (./drill.ts). */
  readonly signal?: AbortSignal;
  /** See DrillOptions.takeOver (./drill.ts). */
  readonly takeOver?: boolean;
}

/** `DR_EXECUTE_API_ENDPOINT`: emulator-only, like `DR_ENDPOINT_<REGION>`. */
function executeApiEndpointFrom(
  clients: AwsClients,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const base = env.DR_EXECUTE_API_ENDPOINT;
  if (!base) return undefined;
  if (!clients.endpoint) {
    throw new UsageError('DR_EXECUTE_API_ENDPOINT is for the emulator: set DR_ENDPOINT as well, or unset it');
  }
  if (!URL.canParse(base)) throw new UsageError(`DR_EXECUTE_API_ENDPOINT must be a URL, got "${base}"`);
  return base;
}

export async function runAwsDrill(options: AwsDrillOptions): Promise<DrillReport> {
  const reporter = options.reporter ?? silentReporter;
  const undoFile = outageUndoFile(options.cwd);
  const pending = await readUndo(undoFile);
  if (pending) throw new UsageError(outageNotUndone(pending));
  const executeApiEndpoint = executeApiEndpointFrom(options.clients, options.env ?? process.env);
  const step = reporter.step('Watching Route 53 (answer for the API, health checks)');
  let target: AwsTarget;
  try {
    target = await AwsTarget.start({
      clients: options.clients,
      config: options.config,
      credentials: options.clients.credentials,
      undoFile,
      ...(options.tuning ? { tuning: options.tuning } : {}),
      ...(executeApiEndpoint ? { executeApiEndpoint } : {}),
      ...(options.triggerTimeoutMs ? { triggerTimeoutMs: options.triggerTimeoutMs } : {}),
    });
  } catch (error) {
    step.fail((error as Error).message);
    throw error;
  }
  step.succeed(`DNS answers ${target.answer()}`);
  try {
    return await runDrill({
      clients: options.clients,
      config: options.config,
      target,
      scenarios: options.scenarios,
      reporter,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.takeOver ? { takeOver: true } : {}),
    });
  } finally {
    await target.restoreOutage().catch(() => {});
    await target.close();
  }
}

/** `dr drill --restore-outage`: undoes a drill outage left behind; null when there was none. */
export async function restoreDrillOutage(options: {
  clients: AwsClients;
  config: DrConfig;
  cwd?: string;
}): Promise<OutageUndo | null> {
  return new DataPlaneOutage(options.clients, options.config, outageUndoFile(options.cwd)).restore();
}
