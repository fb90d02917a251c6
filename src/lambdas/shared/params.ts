/**
 * SSM Parameter Store and Secrets Manager behind two one-method interfaces, so the logic
 * that uses them runs in tests against plain objects. The SDK-backed versions live in
 * ./aws.ts (only handlers import it).
 */
import type { Naming } from '../../contract/naming.js';

export interface ParameterStore {
  /** Values by name; a missing parameter is absent from the result. */
  get(names: readonly string[]): Promise<Record<string, string>>;
}

export interface SecretStore {
  getSecretString(secretId: string): Promise<string>;
}

export class MissingParameterError extends Error {
  override readonly name = 'MissingParameterError';
}

/** The fencing state as this region's SSM has it (written by failover/failback). */
export interface SsmFence {
  readonly activeRegion: string;
  readonly epoch: number;
}

export async function readSsmFence(store: ParameterStore, naming: Naming): Promise<SsmFence> {
  const activeName = naming.ssmActiveRegion();
  const epochName = naming.ssmEpoch();
  const values = await store.get([activeName, epochName]);
  const activeRegion = values[activeName];
  const epochText = values[epochName];
  if (!activeRegion || epochText === undefined) {
    throw new MissingParameterError(
      `SSM parameter(s) missing: ${[!activeRegion && activeName, epochText === undefined && epochName].filter(Boolean).join(', ')}`,
    );
  }
  const epoch = Number(epochText);
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    throw new MissingParameterError(`SSM parameter ${epochName} is not a non-negative integer: ${epochText}`);
  }
  return { activeRegion, epoch };
}

/** Plain values, for tests and the bench. */
export function staticParameterStore(values: Record<string, string>): ParameterStore & {
  values: Record<string, string>;
} {
  return {
    values,
    async get(names) {
      return Object.fromEntries(
        names.filter((n) => n in this.values).map((n) => [n, this.values[n] as string]),
      );
    },
  };
}
