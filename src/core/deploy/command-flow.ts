/**
 * What `dr deploy` does around `deploy()`: refuse an unknown `--stack` before anything
 * is synthesized, pick where the migrations go, wire the steps every deploy shares
 * (migrations, credentials, the verify-sync gate, the preflight), and, outside the
 * sandbox, synthesize and wait for the zone's delegation. The command provides the
 * approval (it shows the plans and asks) and runs the sandbox's variant itself.
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import type { Reporter } from '../reporter.js';
import type { DeployOptions, DeployResult } from './deploy.js';
import type { MigrationTarget } from './migrate.js';
import type { TerraformBinary } from './terraform-bin.js';

/** What the operator asked for (`dr deploy`'s flags). */
export interface DeployRequest {
  readonly terraform: TerraformBinary;
  /** `--stack` names (full or short); empty: all. */
  readonly stacks: readonly string[];
  readonly planOnly: boolean;
  readonly skipMigrations: boolean;
  readonly databaseUrl?: string;
  /** The synth output directory (the stacks run there). */
  readonly out: string;
  /** `--dns-resolver`; undefined: the defaults. */
  readonly dnsResolvers?: readonly string[];
  readonly delegationTimeoutSeconds: number;
}

/** The steps a deploy into AWS and one into the sandbox share. */
export type SharedDeploySteps = Pick<
  DeployOptions,
  'terraform' | 'stacks' | 'planOnly' | 'reporter' | 'approve' | 'migrate' | 'gate' | 'preflight'
> & { readonly reporter: Reporter };

/** The stacks this config synthesizes (a new hosted zone has a stack of its own). */
function stackNames(config: DrConfig): string[] {
  const naming = new Naming(config);
  const kinds = config.dns.hostedZoneId
    ? (['primary', 'secondary', 'global'] as const)
    : (['primary', 'secondary', 'zone', 'global'] as const);
  return kinds.map((kind) => naming.stack(kind));
}

/** Refuses an unknown `--stack` (UsageError) before anything is synthesized: cdktf.out/ stays untouched. */
export async function checkStackNames(config: DrConfig, requested: readonly string[]): Promise<void> {
  if (requested.length === 0) return;
  const { resolveStackNames } = await import('./select.js');
  resolveStackNames(stackNames(config), requested);
}

/** Where the migrations go: skipped, a PostgreSQL URL, or the writer's cluster through the Data API. */
function migrationTarget(
  migrate: typeof import('./migrate.js'),
  request: DeployRequest,
  clients: AwsClients,
  config: DrConfig,
): MigrationTarget {
  if (request.skipMigrations) return { kind: 'skip', reason: '--skip-migrations' };
  if (request.databaseUrl) return migrate.urlTarget(request.databaseUrl);
  if (clients.endpoint) {
    return {
      kind: 'skip',
      reason: 'the sandbox/emulator has no database (pass --database-url to apply them to a PostgreSQL)',
    };
  }
  return migrate.awsTarget({ clients, naming: new Naming(config), database: config.database.databaseName });
}

/** The steps every deploy shares, wired to `clients`. */
export async function sharedDeploySteps(options: {
  readonly request: DeployRequest;
  readonly config: DrConfig;
  readonly clients: AwsClients;
  readonly reporter: Reporter;
  readonly approve: DeployOptions['approve'];
}): Promise<SharedDeploySteps> {
  const { request, config, clients } = options;
  const migrate = await import('./migrate.js');
  const naming = new Naming(config);
  const target = migrationTarget(migrate, request, clients, config);
  return {
    terraform: request.terraform,
    stacks: request.stacks,
    planOnly: request.planOnly,
    reporter: options.reporter,
    approve: options.approve,
    migrate: () =>
      migrate.migrateOrders({
        target,
        writer: () => migrate.readWriter(clients, naming, config.regions),
        credentials: async (sql) =>
          (await import('../db-credentials.js')).applyDbCredentials({
            clients,
            naming,
            secretRegion: config.regions.primary,
            sql,
          }),
      }),
    gate: async () => {
      const { verifySync } = await import('../verify-sync.js');
      return verifySync({ clients, config });
    },
    preflight: async () =>
      (await import('./api-gateway-account.js')).apiGatewayAccountConflicts({ clients, naming, config }),
  };
}

/**
 * Synthesizes the stacks into `request.out` and deploys them (to AWS, or to the emulator
 * at DR_ENDPOINT), waiting for the parent domain's delegation to a new zone.
 */
export async function deployToAws(options: {
  readonly request: DeployRequest;
  readonly config: DrConfig;
  readonly clients: AwsClients;
  readonly steps: SharedDeploySteps;
}): Promise<DeployResult> {
  const { request, config, clients, steps } = options;
  const [{ deploy }, { logDirFor }, delegation, { loadSynth }] = await Promise.all([
    import('./deploy.js'),
    import('./select.js'),
    import('./delegation.js'),
    import('../synth-loader.js'),
  ]);
  const synthStep = steps.reporter.step('Synthesizing stacks');
  const { synthesize } = await loadSynth();
  const synth = await synthesize({ config, outDir: request.out });
  synthStep.succeed(`${synth.stacks.length} stacks`);
  const resolvers = request.dnsResolvers ? [...request.dnsResolvers] : undefined;
  return deploy({
    ...steps,
    synth,
    logDir: logDirFor('.dr/deploy'),
    delegation: {
      zoneStack: new Naming(config).stack('zone'),
      // The emulator has no parent domain (like it has no database): said, not silent.
      ...(clients.endpoint && !resolvers
        ? { skip: 'the emulator (DR_ENDPOINT) has no parent domain; pass --dns-resolver to check one' }
        : {}),
      wait: (zone, step) =>
        delegation.waitForDelegation({
          ...zone,
          ...(resolvers ? { resolvers } : {}),
          timeoutMs: request.delegationTimeoutSeconds * 1000,
          onPending: (check, leftMs) =>
            step.update(
              `${delegation.describeAnswer(check)}; checking again for ${Math.ceil(leftMs / 1000)} s`,
            ),
        }),
      message: delegation.delegationMessage,
    },
  });
}
