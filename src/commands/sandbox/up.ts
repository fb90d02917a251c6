import { DrLocalCommand } from '../../cli/base-command.js';
import type { UpResult } from '../../sandbox/sandbox.js';

export default class SandboxUp extends DrLocalCommand<UpResult> {
  static override summary =
    'Start the local two-region sandbox and deploy the synthesized stacks into it with Terraform.';
  static override description =
    "Starts the AWS emulator (moto with the DR extension) on a free 127.0.0.1 port and records it in .dr/sandbox.json, then deploys the platform exactly as dr deploy does: the synthesized stacks, applied wave by wave by Terraform (or OpenTofu: DR_TERRAFORM_BIN, terraform, tofu) with the AWS provider pointed at the emulator, then the verify-sync gate. Logs go to .dr/deploy/<time>/; the sandbox's Terraform files and state to .dr/sandbox/. The provider comes from a filesystem mirror when this machine has one (offline: hashicorp/aws 5.100.0), else from the registry. Afterwards any command given --sandbox (or DR_ENDPOINT) talks to it. A sandbox that is already running is reused and its stacks planned again (applied only where something changed). A failed deploy names the stack, the resource and the log, and leaves nothing running.";
  static override examples = [
    '<%= config.bin %> sandbox up',
    '<%= config.bin %> sandbox up --config dr.config.json --json',
  ];

  async run(): Promise<UpResult> {
    const { flags } = await this.parse(SandboxUp);
    const { loadConfig } = await import('../../config/load.js');
    const { config, file } = await loadConfig(flags.config);
    const reporter = await this.reporter();
    const { sandboxUp } = await import('../../sandbox/sandbox.js');
    const result = await sandboxUp({ config, configFile: file, reporter });
    if (!this.jsonEnabled()) {
      const { renderUp } = await import('../../cli/render/sandbox.js');
      this.log(renderUp(result));
    }
    return result;
  }
}
