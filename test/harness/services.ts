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

const SERVICES: readonly ServiceDefinition[] = [emulatorService, postgresService, deployedSandboxService];

export async function startServices(files: readonly string[]): Promise<RunningServices> {
  const stops: Array<() => Promise<void>> = [];
  const env: Record<string, string> = {};
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };
  try {
    for (const service of SERVICES) {
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
