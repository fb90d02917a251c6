import { Flags } from '@oclif/core';
import { DrCommand } from '../cli/base-command.js';
import { ExitCode } from '../cli/exit-codes.js';
import type { DeployOutcome, DeployResult } from '../core/deploy/deploy.js';

/** A failed stack or database step: 1; a failed gate: 3 (never "deployed"). */
const EXIT_BY_OUTCOME: Record<DeployOutcome, number> = {
  deployed: ExitCode.Ok,
  planned: ExitCode.Ok,
  cancelled: ExitCode.Ok,
  refused: ExitCode.Usage,
  'stack-failed': ExitCode.Failed,
  // Not a failure: a check the operator makes pass (NS records at the parent); the next run continues.
  'awaiting-delegation': ExitCode.CheckFailed,
  'migrations-failed': ExitCode.Failed,
  'gate-failed': ExitCode.CheckFailed,
};

export default class Deploy extends DrCommand<DeployResult> {
  static override summary =
    'Deploy every stack with Terraform or OpenTofu, then prove both regions are in sync.';
  static override description = `Synthesizes the stacks in-process, then per stack in dependency order (the two regional stacks in parallel, the global stack after both) runs init, plan -out=dr.tfplan and apply of that saved plan in the stack's working directory. The full output of every call goes to .dr/deploy/<time>/<stack>.log. The first failure stops the run: calls already running finish, nothing new starts (exit 1, naming the stack and its log). After the apply: the orders database migrations and fence seed on the writer, then the verify-sync gate; only a passing gate is "deployed" (gate failure: exit 3).

Terraform binary: --terraform-bin, else DR_TERRAFORM_BIN, else terraform on the PATH, else tofu on the PATH; none: exit 2 with how to install one.

On a terminal, each wave's plans are shown and you are asked before they are applied; --auto-approve (or --yes) skips that, and without a terminal it is required (or --plan-only).

--stack runs only the named stacks (full or short names: primary, secondary, zone, global), in dependency order; their dependencies are not deployed (their deployed state is used) and are listed.

New hosted zone (no dns.hostedZoneId): the zone has a stack of its own (zone), applied before the global stack, whose certificates ACM validates through DNS records in that zone, which it can only see once the parent domain delegates to the zone. Before the global stack, dr deploy reads the zone's name servers from the zone stack's outputs and asks public DNS (--dns-resolver, default 1.1.1.1 and 8.8.8.8) for the domain's NS records. Not delegated: it prints the NS records to add at the parent and stops with exit 3, outcome awaiting-delegation, nothing after the zone applied; run dr deploy again once the records are in place and it continues. --delegation-timeout keeps checking that many seconds first. Skipped, and said so, in the sandbox and against DR_ENDPOINT (no parent domain there) unless --dns-resolver is given.

With --sandbox the same stacks go into the running sandbox: synthesized under .dr/sandbox/ with a local state, each beside a Terraform override file that points the AWS provider at the emulator (and pins the provider version of a filesystem mirror when this machine has one, e.g. 5.100.0 offline).

Database: --database-url (or DR_DATABASE_URL) names the writer as a PostgreSQL URL (e.g. through a tunnel); otherwise, on AWS, the RDS Data API on the writer region's cluster as the master user (its secret's ARN in that region's SSM db-master-secret-arn): no network path to the private endpoint needed; each migration file runs in one Data API transaction. Then the application users' passwords are set from their secrets. Against the sandbox (no database) it is skipped with a note unless a URL is given; --skip-migrations skips it anywhere.`;
  static override examples = [
    '<%= config.bin %> deploy --plan-only',
    '<%= config.bin %> deploy --auto-approve --json',
    '<%= config.bin %> deploy --stack secondary --terraform-bin /opt/tofu/bin/tofu',
    '<%= config.bin %> deploy --sandbox --auto-approve --terraform-bin ./test/fixtures/fake-terraform.mjs',
  ];

  static override flags = {
    stack: Flags.string({
      summary: 'Deploy only this stack (repeatable; full or short name). Dependencies are not added.',
      multiple: true,
    }),
    'plan-only': Flags.boolean({
      summary:
        'Run init and plan only and print what would change per stack; apply nothing (alias --dry-run).',
      aliases: ['dry-run'],
      default: false,
    }),
    'auto-approve': Flags.boolean({
      summary: 'Apply without asking (alias --yes; required without a terminal).',
      aliases: ['yes'],
      default: false,
    }),
    'terraform-bin': Flags.string({
      summary: 'Path (or name on the PATH) of terraform or tofu. Default: DR_TERRAFORM_BIN, terraform, tofu.',
    }),
    out: Flags.string({ summary: 'Synth output directory (the stacks run there).', default: 'cdktf.out' }),
    'database-url': Flags.string({
      summary: 'PostgreSQL URL of the writer for the orders migrations (e.g. via a tunnel).',
      env: 'DR_DATABASE_URL',
      exclusive: ['skip-migrations'],
    }),
    'skip-migrations': Flags.boolean({
      summary: 'Do not apply the orders database migrations (noted in the output).',
      default: false,
    }),
    'delegation-timeout': Flags.integer({
      summary:
        'Seconds to keep checking that the parent domain delegates to a new hosted zone before stopping (exit 3); 0: check once.',
      default: 0,
      min: 0,
      max: 86_400,
    }),
    'dns-resolver': Flags.string({
      summary:
        'DNS server (host or host:port) to check the delegation through (repeatable). Default: 1.1.1.1, 8.8.8.8.',
      multiple: true,
    }),
  };

  async run(): Promise<DeployResult> {
    const { flags } = await this.parse(Deploy);
    // Refusals first: nothing is synthesized or run when they apply.
    const { findTerraform } = await import('../core/deploy/terraform-bin.js');
    const terraform = findTerraform({ flag: flags['terraform-bin'] });
    const planOnly = flags['plan-only'];
    const asks = !planOnly && !flags['auto-approve'];
    const { canPrompt, confirmOrRefuse } = await import('../core/failover/confirm.js');
    if (asks && !canPrompt()) {
      const { UsageError } = await import('../contract/errors.js');
      throw new UsageError(
        'refusing to apply without a terminal to confirm on: pass --auto-approve (or --yes), or --plan-only to only plan',
      );
    }

    const config = await this.loadDrConfig(flags.config);
    if (flags.stack) {
      // An unknown --stack is refused before anything is synthesized (cdktf.out/ stays untouched).
      const [{ resolveStackNames }, { Naming }] = await Promise.all([
        import('../core/deploy/select.js'),
        import('../contract/naming.js'),
      ]);
      const naming = new Naming(config);
      resolveStackNames(
        (config.dns.hostedZoneId
          ? (['primary', 'secondary', 'global'] as const)
          : (['primary', 'secondary', 'zone', 'global'] as const)
        ).map((kind) => naming.stack(kind)),
        flags.stack,
      );
    }
    const reporter = await this.reporter();
    const clients = await this.awsClients(flags);
    try {
      const [{ deploy }, { logDirFor }, migrate, render, { Naming }] = await Promise.all([
        import('../core/deploy/deploy.js'),
        import('../core/deploy/select.js'),
        import('../core/deploy/migrate.js'),
        import('../cli/render/deploy.js'),
        import('../contract/naming.js'),
      ]);
      const naming = new Naming(config);
      const target: import('../core/deploy/migrate.js').MigrationTarget = flags['skip-migrations']
        ? { kind: 'skip', reason: '--skip-migrations' }
        : flags['database-url']
          ? migrate.urlTarget(flags['database-url'])
          : clients.endpoint
            ? {
                kind: 'skip',
                reason:
                  'the sandbox/emulator has no database (pass --database-url to apply them to a PostgreSQL)',
              }
            : migrate.awsTarget({ clients, naming, database: config.database.databaseName });
      const common = {
        terraform,
        stacks: flags.stack ?? [],
        planOnly,
        reporter,
        approve: asks
          ? async (plans: readonly import('../core/deploy/deploy.js').StackResult[]) => {
              this.logToStderr(render.renderWavePlans(plans));
              return confirmOrRefuse(`apply ${plans.map((p) => p.name).join(' and ')}`, { yes: false });
            }
          : ('auto' as const),
        migrate: () =>
          migrate.migrateOrders({
            target,
            writer: () => migrate.readWriter(clients, naming, config.regions),
            credentials: async (sql) =>
              (await import('../core/db-credentials.js')).applyDbCredentials({
                clients,
                naming,
                secretRegion: config.regions.primary,
                sql,
              }),
          }),
        gate: async () => {
          const { verifySync } = await import('../core/verify-sync.js');
          return verifySync({ clients, config });
        },
        preflight: async () =>
          (await import('../core/deploy/api-gateway-account.js')).apiGatewayAccountConflicts({
            clients,
            naming,
            config,
          }),
      };

      let result: DeployResult;
      if (flags.sandbox && clients.endpoint) {
        // The sandbox variant of the same stacks, into the running sandbox (.dr/sandbox/).
        const { deploySandbox } = await import('../sandbox/deploy.js');
        result = await deploySandbox({
          ...common,
          config,
          endpoint: clients.endpoint,
          credentials: clients.credentials,
        });
      } else {
        const synthStep = reporter.step('Synthesizing stacks');
        const { synthesize } = await (await import('../core/synth-loader.js')).loadSynth();
        const synth = await synthesize({ config, outDir: flags.out });
        synthStep.succeed(`${synth.stacks.length} stacks`);
        const delegation = await import('../core/deploy/delegation.js');
        const resolvers = flags['dns-resolver'];
        result = await deploy({
          ...common,
          synth,
          logDir: logDirFor('.dr/deploy'),
          delegation: {
            zoneStack: naming.stack('zone'),
            // The emulator has no parent domain (like it has no database): said, not silent.
            ...(clients.endpoint && !resolvers
              ? { skip: 'the emulator (DR_ENDPOINT) has no parent domain; pass --dns-resolver to check one' }
              : {}),
            wait: (zone, step) =>
              delegation.waitForDelegation({
                ...zone,
                ...(resolvers ? { resolvers } : {}),
                timeoutMs: flags['delegation-timeout'] * 1000,
                onPending: (check, leftMs) =>
                  step.update(
                    `${delegation.describeAnswer(check)}; checking again for ${Math.ceil(leftMs / 1000)} s`,
                  ),
              }),
            message: delegation.delegationMessage,
          },
        });
      }

      if (!this.jsonEnabled()) this.log(render.renderDeploy(result));
      const exit = EXIT_BY_OUTCOME[result.outcome];
      if (exit !== ExitCode.Ok) {
        process.exitCode = exit;
        if (!this.jsonEnabled()) this.logToStderr(`dr: ${render.deployErrorLine(result)}`);
      } else if (result.outcome === 'cancelled') {
        this.logToStderr(`dr: ${render.deployErrorLine(result)}`);
      }
      return result;
    } finally {
      clients.destroy();
    }
  }
}
