import { Flags } from '@oclif/core';
import { DrCommand, type Finished } from '../cli/base-command.js';
import type { DeployResult, StackResult } from '../core/deploy/deploy.js';

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

  protected async execute(): Promise<Finished<DeployResult>> {
    const { flags } = await this.parse(Deploy);
    // Refusals first: nothing is synthesized or run when they apply.
    const { findTerraform } = await import('../core/deploy/terraform-bin.js');
    const terraform = findTerraform({ flag: flags['terraform-bin'] });
    const planOnly = flags['plan-only'];
    const asks = !planOnly && !flags['auto-approve'];
    const { canPrompt, terminalConfirm } = await import('../cli/confirm.js');
    if (asks && !canPrompt()) {
      const { UsageError } = await import('../contract/errors.js');
      throw new UsageError(
        'refusing to apply without a terminal to confirm on: pass --auto-approve (or --yes), or --plan-only to only plan',
      );
    }

    const config = await this.loadDrConfig(flags.config);
    const flow = await import('../core/deploy/command-flow.js');
    await flow.checkStackNames(config, flags.stack ?? []);
    const reporter = await this.reporter();
    const clients = await this.awsClients(flags);
    try {
      const [{ DEPLOY_OUTCOMES }, render] = await Promise.all([
        import('../core/deploy/deploy.js'),
        import('../cli/render/deploy.js'),
      ]);
      const request = {
        terraform,
        stacks: flags.stack ?? [],
        planOnly,
        skipMigrations: flags['skip-migrations'],
        ...(flags['database-url'] ? { databaseUrl: flags['database-url'] } : {}),
        out: flags.out,
        ...(flags['dns-resolver'] ? { dnsResolvers: flags['dns-resolver'] } : {}),
        delegationTimeoutSeconds: flags['delegation-timeout'],
      };
      const confirm = terminalConfirm({ yes: false });
      const steps = await flow.sharedDeploySteps({
        request,
        config,
        clients,
        reporter,
        approve: asks
          ? async (plans: readonly StackResult[]) => {
              this.logToStderr(render.renderWavePlans(plans));
              return confirm(`apply ${plans.map((p) => p.name).join(' and ')}`);
            }
          : 'auto',
      });
      const result =
        flags.sandbox && clients.endpoint
          ? // The sandbox variant of the same stacks, into the running sandbox (.dr/sandbox/).
            await (
              await import('../sandbox/deploy.js')
            ).deploySandbox({
              ...steps,
              config,
              endpoint: clients.endpoint,
              credentials: clients.credentials,
            })
          : await flow.deployToAws({ request, config, clients, steps });

      if (!this.jsonEnabled()) this.log(render.renderDeploy(result));
      const outcome = DEPLOY_OUTCOMES[result.outcome];
      const cancelled = result.outcome === 'cancelled';
      if (outcome === 'ok' && !cancelled) return { result };
      // A cancellation says so also under --json (stderr): nothing was applied.
      return { result, outcome, notice: render.deployErrorLine(result), noticeUnderJson: cancelled };
    } finally {
      clients.destroy();
    }
  }
}
