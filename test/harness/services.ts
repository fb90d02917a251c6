/**
 * Servers shared by the whole test run, started by scripts/run-tests.ts before any test
 * file and stopped after the last. Each service is started only when some selected
 * test file needs it; its address reaches the tests through environment variables.
 */
export interface RunningServices {
  /** Variables the test processes inherit (addresses of the servers). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startServices(_files: readonly string[]): Promise<RunningServices> {
  const stops: Array<() => Promise<void>> = [];
  const env: Record<string, string> = {};
  return {
    env,
    async stop() {
      for (const stop of stops.reverse()) await stop().catch(() => {});
    },
  };
}
