/**
 * Servers shared by the whole test run, started by scripts/run-tests.ts before any test
 * file and stopped after the last. Each service is started only when some selected
 * test file needs it; its address reaches the tests through environment variables.
 */
import { emulatorService } from '../emulator/service.js';
import { postgresService } from '../fixtures/postgres-service.js';
import { deployedSandboxService } from '../sandbox/deployed.js';

export interface RunningServices {
  /** Variables the test processes inherit (addresses of the servers). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** One shared server: whether a test file needs it, and how to start it. */
export interface ServiceDefinition {
  readonly name: string;
  /** True when this test file needs the service. */
  needs(file: string): boolean;
  start(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
}

/** Quick to start (seconds): started before any test file runs. */
const SERVICES: readonly ServiceDefinition[] = [emulatorService, postgresService];

/**
 * Slow to start (the deployed sandbox: minutes, mostly the provider waiting on its own
 * timers): started in the background while the files that do not need it run.
 */
export const BACKGROUND_SERVICES: readonly ServiceDefinition[] = [deployedSandboxService];

/** The files that need none of the background services, and those that need one. */
export function splitByBackground(files: readonly string[]): { now: string[]; later: string[] } {
  const later = files.filter((f) => BACKGROUND_SERVICES.some((service) => service.needs(f)));
  return { now: files.filter((f) => !later.includes(f)), later };
}

export function startServices(files: readonly string[]): Promise<RunningServices> {
  return startAll(SERVICES, files);
}

/** Starts the background services the files need; the promise settles when they are up. */
export function startBackgroundServices(files: readonly string[]): Promise<RunningServices> {
  return startAll(BACKGROUND_SERVICES, files);
}

async function startAll(
  services: readonly ServiceDefinition[],
  files: readonly string[],
): Promise<RunningServices> {
  const stops: Array<() => Promise<void>> = [];
  const env: Record<string, string> = {};
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    for (const service of services) {
      if (!files.some((f) => service.needs(f))) continue;
      const started = await service.start();
      stops.push(started.stop);
      Object.assign(env, started.env);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  return { env, stop: stopAll };
}
