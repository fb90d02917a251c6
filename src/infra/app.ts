/**
 * Config → cdktf App with its stacks: the two regional ones, the global one, and the
 * zone stack when the platform creates its hosted zone (no `dns.hostedZoneId`). The only entry point the rest of `dr`
 * uses to reach cdktf (`src/core` imports this module lazily, and only to synthesize).
 */
import { App } from './cdktf.js';
import type { DrConfig } from '../config/schema.js';
import { Naming } from '../contract/naming.js';
import { RegionalStack } from './stacks/regional-stack.js';
import { GlobalStack } from './stacks/global-stack.js';
import { ZoneStack } from './stacks/zone-stack.js';
import { tagEverything } from './aspects/tagging.js';

export interface PlatformAppProps {
  readonly config: DrConfig;
  /** Where `synth()` writes. @default - `cdktf.out` (or `CDKTF_OUTDIR` when run by the cdktf CLI) */
  readonly outdir?: string;
  /** Directory holding `<function>.zip`, as a path the stacks reference. @default - `dist/lambdas` */
  readonly lambdaDir?: string;
}

export interface PlatformApp {
  readonly app: App;
  readonly primary: RegionalStack;
  readonly secondary: RegionalStack;
  readonly global: GlobalStack;
  /** The hosted zone's stack; undefined with `dns.hostedZoneId` (an existing zone). */
  readonly zone: ZoneStack | undefined;
}

/** The tags every taggable resource carries. */
export function platformTags(config: DrConfig): Record<string, string> {
  return {
    app: config.app,
    environment: config.environment,
    'managed-by': 'dr',
    ...config.tags,
  };
}

export function buildPlatformApp(props: PlatformAppProps): PlatformApp {
  const { config } = props;
  const naming = new Naming(config);
  const app = new App({ ...(props.outdir ? { outdir: props.outdir } : {}), skipValidation: false });
  const tags = platformTags(config);
  const lambdaDir = props.lambdaDir ?? 'dist/lambdas';

  const primary = new RegionalStack(app, naming.stack('primary'), {
    config,
    naming,
    role: 'primary',
    tags,
    lambdaDir,
  });
  const secondary = new RegionalStack(app, naming.stack('secondary'), {
    config,
    naming,
    role: 'secondary',
    tags,
    lambdaDir,
  });
  // A zone the platform creates gets a stack of its own, deployed before the global stack
  // (whose certificates validate in it) and beside the regional ones (it references
  // neither: its query logs have a key of their own): see ./stacks/zone-stack.ts.
  const zone = config.dns.hostedZoneId
    ? undefined
    : new ZoneStack(app, naming.stack('zone'), { config, naming, tags });
  const global = new GlobalStack(app, naming.stack('global'), {
    config,
    naming,
    tags,
    primary,
    secondary,
    ...(zone ? { zone: zone.created } : {}),
  });

  tagEverything(app, tags);
  return { app, primary, secondary, global, zone };
}

/**
 * Builds and synthesizes the platform, writing `<outdir>/stacks/<stack>/cdk.tf.json`
 * and `<outdir>/manifest.json`.
 *
 * cdktf records a full stack trace for every token it creates (`captureStackTrace` with
 * an unlimited depth), only to decorate error messages; capturing and formatting those
 * traces was a fifth of `dr synth`'s time. Unless DEBUG is set, no such trace is taken
 * while the app is built and synthesized, and both hooks are restored afterwards.
 * Errors thrown meanwhile still carry their own stack.
 */
export function synthesizePlatform(props: PlatformAppProps & { readonly outdir: string }): PlatformApp {
  const capture = Error.captureStackTrace;
  if (!process.env.DEBUG) Error.captureStackTrace = () => undefined;
  try {
    const platform = buildPlatformApp(props);
    platform.app.synth();
    return platform;
  } finally {
    Error.captureStackTrace = capture;
  }
}
