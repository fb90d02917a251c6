/** What every function knows about where it runs: platform env (from the stacks) + AWS_REGION. */
import { readPlatformEnv, type PlatformEnv } from '../../contract/platform-env.js';
import { Naming } from '../../contract/naming.js';

export interface LambdaRuntime {
  readonly env: PlatformEnv;
  readonly naming: Naming;
  /** The region this copy of the function runs in. */
  readonly region: string;
}

export function lambdaRuntime(
  env: Readonly<Record<string, string | undefined>> = process.env,
): LambdaRuntime {
  const platform = readPlatformEnv(env);
  const region = env.AWS_REGION;
  if (!region) throw new Error('missing environment variable AWS_REGION');
  const naming = new Naming({
    app: platform.app,
    environment: platform.environment,
    regions: { primary: platform.primaryRegion, secondary: platform.secondaryRegion },
  });
  return { env: platform, naming, region };
}
