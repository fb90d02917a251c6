import { Flags } from '@oclif/core';
import { DrLocalCommand, type Finished } from '../../cli/base-command.js';
import { ExitCode } from '../../cli/exit-codes.js';
import type { UpResult } from '../../sandbox/sandbox.js';
import { COMPRESSED_FACTOR, DEFAULT_PACE, PACE_NAMES } from '../../sandbox/runtime/pace.js';

export default class SandboxUp extends DrLocalCommand<UpResult> {
  static override summary =
    'Start the local two-region sandbox, deploy the synthesized stacks into it with Terraform, and run the platform until `dr sandbox down`.';
  static override description = `Starts the AWS emulator (moto with the DR extension) on a free 127.0.0.1 port and records it in .dr/sandbox.json, then deploys the platform exactly as dr deploy does: the synthesized stacks, applied wave by wave by Terraform (or OpenTofu: DR_TERRAFORM_BIN, terraform, tofu) with the AWS provider pointed at the emulator, then the verify-sync gate. Logs go to .dr/deploy/<time>/; the sandbox's Terraform files and state to .dr/sandbox/. The provider comes from a filesystem mirror when this machine has one (offline: hashicorp/aws 5.100.0), else from the registry. Afterwards any command given --sandbox (or DR_ENDPOINT) talks to it. A sandbox that is already running is reused and its stacks planned again (applied only where something changed). A failed deploy names the stack, the resource and the log, and leaves nothing running.

Then the live runtime starts, detached (log: .dr/runtime.log), and runs the deployed platform until dr sandbox down: both regions' order APIs (the API Gateway stand-in), one DNS-following order endpoint (DR_ORDER_API_URL in dr sandbox env: each request goes to the region Route 53 answers for the API's name, cached for the record's TTL), the trade processors consuming while their event source mapping is enabled, Route 53's health checkers, the failover watchdog on its schedule, and the regions' databases: one PostgreSQL server per region, the secondary a read-only hot standby fed by streaming replication that ships WAL --replication-lag-ms late (250 by default), moved by Aurora's switchover and failover (a failover cuts replication where it stands: what had not shipped is lost) and cut while a region is in outage (migrated as dr deploy does; DR_DATABASE_URL is the writer's). --pace compressed (the default) runs health checks, TTL and the watchdog's schedule ${COMPRESSED_FACTOR}× faster than AWS; --pace aws runs them as configured. On a reused sandbox a runtime at the asked pace and lag is kept, one at another restarted. A runtime that fails to start is stopped, with what it started, and named with its log. --no-runtime deploys only (and stops a runtime that runs).`;
  static override examples = [
    '<%= config.bin %> sandbox up',
    '<%= config.bin %> sandbox up --pace aws',
    '<%= config.bin %> sandbox up --replication-lag-ms 1000',
    '<%= config.bin %> sandbox up --no-runtime --json',
  ];
  static override flags = {
    pace: Flags.string({
      summary: `How fast the runtime's clocks run: compressed (${COMPRESSED_FACTOR}× faster than AWS) or aws (as configured). [default: ${DEFAULT_PACE}]`,
      options: [...PACE_NAMES],
    }),
    'replication-lag-ms': Flags.integer({
      summary:
        "How late WAL reaches the secondary region's database, ms: the replication lag an unplanned failover can lose. [default: 250]",
      min: 0,
      max: 10_000,
    }),
    runtime: Flags.boolean({
      summary: 'Start the live runtime after the deploy (--no-runtime: deploy only).',
      default: true,
      allowNo: true,
    }),
  };

  protected async execute(): Promise<Finished<UpResult>> {
    const { flags } = await this.parse(SandboxUp);
    if (!flags.runtime && flags.pace !== undefined) {
      this.error("--pace is the runtime's, and --no-runtime starts none: give one or the other", {
        exit: ExitCode.Usage,
      });
    }
    if (!flags.runtime && flags['replication-lag-ms'] !== undefined) {
      this.error(
        "--replication-lag-ms is the runtime's, and --no-runtime starts none: give one or the other",
        {
          exit: ExitCode.Usage,
        },
      );
    }
    const { loadConfig } = await import('../../config/load.js');
    const { config, file } = await loadConfig(flags.config);
    const reporter = await this.reporter();
    const [{ sandboxUp }, { paceOf }] = await Promise.all([
      import('../../sandbox/sandbox.js'),
      import('../../sandbox/runtime/pace.js'),
    ]);
    const result = await sandboxUp({
      config,
      configFile: file,
      reporter,
      runtime: flags.runtime,
      pace: paceOf(flags.pace ?? DEFAULT_PACE),
      ...(flags['replication-lag-ms'] !== undefined ? { replicationLagMs: flags['replication-lag-ms'] } : {}),
    });
    if (!this.jsonEnabled()) {
      const { renderUp } = await import('../../cli/render/sandbox.js');
      this.log(renderUp(result, config));
    }
    return { result };
  }
}
