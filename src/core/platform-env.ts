/**
 * The environment variables every platform Lambda receives from the stacks. The
 * stacks (src/infra) set them; the Lambdas (src/lambdas) read them with
 * `readPlatformEnv`. One list, so the two sides cannot drift.
 */
export const PLATFORM_ENV_KEYS = [
  /** Config `app`. */
  'DR_APP',
  /** Config `environment`. */
  'DR_ENVIRONMENT',
  'DR_PRIMARY_REGION',
  'DR_SECONDARY_REGION',
  /** `primary` or `secondary`: which Route 53 failover record this region sits behind. */
  'DR_REGION_ROLE',
] as const;

export type PlatformEnvKey = (typeof PLATFORM_ENV_KEYS)[number];

export interface PlatformEnv {
  readonly app: string;
  readonly environment: string;
  readonly primaryRegion: string;
  readonly secondaryRegion: string;
  readonly regionRole: 'primary' | 'secondary';
}

export class PlatformEnvError extends Error {
  override readonly name = 'PlatformEnvError';
}

export function readPlatformEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): PlatformEnv {
  const missing = PLATFORM_ENV_KEYS.filter((k) => !env[k]);
  if (missing.length > 0)
    throw new PlatformEnvError(`missing environment variable(s): ${missing.join(', ')}`);
  const role = env.DR_REGION_ROLE;
  if (role !== 'primary' && role !== 'secondary') {
    throw new PlatformEnvError(`DR_REGION_ROLE must be primary or secondary, got ${role}`);
  }
  return {
    app: env.DR_APP as string,
    environment: env.DR_ENVIRONMENT as string,
    primaryRegion: env.DR_PRIMARY_REGION as string,
    secondaryRegion: env.DR_SECONDARY_REGION as string,
    regionRole: role,
  };
}
