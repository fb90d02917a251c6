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

/**
 * The RDS CA bundle (every RDS/Aurora root CA, all regions) that `npm run build:lambdas`
 * packs next to `index.mjs` in the zip of each function that connects to Aurora. Node.js
 * Lambda runtimes from nodejs20.x on load no CA beyond Node's own (the Amazon CAs in
 * /var/runtime/ca-cert.pem only when NODE_EXTRA_CA_CERTS points there), and AWS advises
 * packaging just the certificates a function needs: "CA certificate loading",
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html
 */
export const DB_CA_BUNDLE_FILE = 'rds-ca-bundle.pem';
/** Where Lambda unpacks a zip (LAMBDA_TASK_ROOT). */
export const LAMBDA_TASK_ROOT = '/var/task';
/** The functions that open a PostgreSQL connection to Aurora (see src/lambdas/shared/db.ts). */
export const DB_FUNCTIONS = ['trade-processor', 'health'] as const;
/**
 * What the stacks add to a DB function's environment: Node loads the bundle at start
 * (so any TLS client in the function trusts RDS), and db.ts verifies Aurora against
 * exactly that file.
 */
export const DB_CA_ENV = { NODE_EXTRA_CA_CERTS: `${LAMBDA_TASK_ROOT}/${DB_CA_BUNDLE_FILE}` } as const;
