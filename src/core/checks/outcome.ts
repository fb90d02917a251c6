/**
 * One AWS read's outcome, kept apart from the others so a failed read becomes a failed
 * (or "unknown") observation instead of aborting everything: `dr status` shows what did
 * answer, and a check whose table is missing says so. Only a region that did not answer
 * at all (`RegionUnreachableError`) is collected separately: it decides exit 5. Missing or
 * expired credentials (`CredentialsError`) are kept too: nothing could be read, and the
 * caller throws the error once every read has settled (exit 6).
 */
import { CredentialsError, RegionUnreachableError } from '../../contract/errors.js';

export type Outcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string; readonly unreachable: boolean; readonly region?: string };

export interface Unreachable {
  readonly region: string;
  readonly message: string;
}

/** Where unreachable regions are collected (first error per region), and a credentials failure. */
export class UnreachableRegions {
  readonly #byRegion = new Map<string, string>();
  #credentials: CredentialsError | undefined;

  /** The first credentials failure, if any read had one. */
  get credentials(): CredentialsError | undefined {
    return this.#credentials;
  }

  addCredentials(error: CredentialsError): void {
    this.#credentials ??= error;
  }

  /** Throws the credentials failure, if any read had one. */
  throwIfCredentials(): void {
    if (this.#credentials) throw this.#credentials;
  }

  add(error: RegionUnreachableError): void {
    if (!this.#byRegion.has(error.region)) this.#byRegion.set(error.region, error.message);
  }

  has(region: string): boolean {
    return this.#byRegion.has(region);
  }

  list(): Unreachable[] {
    return [...this.#byRegion].map(([region, message]) => ({ region, message }));
  }
}

/** The error's name and message in one line, e.g. `ResourceNotFoundException: Requested resource not found`. */
export function describeError(error: unknown): string {
  const err = error as { name?: unknown; message?: unknown } | undefined;
  const name = typeof err?.name === 'string' ? err.name : 'Error';
  const message = typeof err?.message === 'string' ? err.message.split('\n')[0] : String(error);
  return message && message !== name ? `${name}: ${message}` : name;
}

/** Awaits `read`, turning a failure into an outcome (unreachable regions are recorded). */
export async function settle<T>(read: Promise<T>, unreachable?: UnreachableRegions): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await read };
  } catch (error) {
    if (error instanceof RegionUnreachableError) {
      unreachable?.add(error);
      return { ok: false, error: error.message, unreachable: true, region: error.region };
    }
    if (error instanceof CredentialsError) {
      unreachable?.addCredentials(error);
      return { ok: false, error: error.message, unreachable: false };
    }
    return { ok: false, error: describeError(error), unreachable: false };
  }
}

/** The value of an outcome, or undefined. */
export function valueOf<T>(outcome: Outcome<T> | undefined): T | undefined {
  return outcome?.ok ? outcome.value : undefined;
}

/** The error text of a failed outcome, or undefined. */
export function errorOf(outcome: Outcome<unknown> | undefined): string | undefined {
  return outcome && !outcome.ok ? outcome.error : undefined;
}

/** `arn:aws:rds:us-east-2:123:cluster:x` → `us-east-2`. */
export function regionOfArn(arn: string | undefined): string | undefined {
  const region = arn?.split(':')[3];
  return region ? region : undefined;
}
