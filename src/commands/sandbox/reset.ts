import { Flags } from '@oclif/core';
import { DrLocalCommand, type Finished } from '../../cli/base-command.js';
import type { ResetResult } from '../../sandbox/sandbox.js';

export default class SandboxReset extends DrLocalCommand<ResetResult> {
  static override summary = 'Put the running sandbox back as it was deployed.';
  static override description =
    'Ends every outage and puts back the snapshot the emulator took right after the deploy: every resource and its data as Terraform left them (active region = primary, epoch 1), in seconds. With --redeploy, or when there is no snapshot, empties the emulator and deploys the synthesized stacks again.';
  static override examples = [
    '<%= config.bin %> sandbox reset',
    '<%= config.bin %> sandbox reset --redeploy',
  ];
  static override flags = {
    redeploy: Flags.boolean({
      summary:
        'Empty the emulator and deploy the stacks again from scratch (minutes) instead of restoring the snapshot.',
      default: false,
    }),
  };

  protected async execute(): Promise<Finished<ResetResult>> {
    const { flags } = await this.parse(SandboxReset);
    const { loadConfig } = await import('../../config/load.js');
    const { config, file } = await loadConfig(flags.config);
    const reporter = await this.reporter();
    const { sandboxReset } = await import('../../sandbox/sandbox.js');
    const result = await sandboxReset({ config, configFile: file, reporter, redeploy: flags.redeploy });
    if (!this.jsonEnabled()) {
      const { renderReset } = await import('../../cli/render/sandbox.js');
      this.log(renderReset(result));
    }
    return { result };
  }
}
