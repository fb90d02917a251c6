import { DrCommand } from '../../cli/base-command.js';
import type { UpResult } from '../../core/sandbox/sandbox.js';

export default class SandboxUp extends DrCommand<UpResult> {
  static override summary = 'Start the local two-region sandbox and seed the deployed platform into it.';
  static override description =
    'Starts the AWS emulator (moto with the DR extension) on a free 127.0.0.1 port, records it in .dr/sandbox.json and seeds both regions with every resource a deployment has, named from the config. Afterwards any command given --sandbox (or DR_ENDPOINT) talks to it. A sandbox that is already running is reused as it is.';
  static override examples = [
    '<%= config.bin %> sandbox up',
    '<%= config.bin %> sandbox up --config dr.config.json --json',
  ];

  async run(): Promise<UpResult> {
    const { flags } = await this.parse(SandboxUp);
    const { loadConfig } = await import('../../config/load.js');
    const { config, file } = await loadConfig(flags.config);
    const reporter = await this.reporter();
    const { sandboxUp } = await import('../../core/sandbox/sandbox.js');
    const result = await sandboxUp({ config, configFile: file, reporter });
    if (!this.jsonEnabled()) {
      const { renderUp } = await import('../../cli/render/sandbox.js');
      this.log(renderUp(result));
    }
    return result;
  }
}
