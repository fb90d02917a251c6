import { DrCommand } from '../../cli/base-command.js';
import type { ResetResult } from '../../core/sandbox/sandbox.js';

export default class SandboxReset extends DrCommand<ResetResult> {
  static override summary = 'Wipe the running sandbox and seed the platform afresh.';
  static override description =
    'Restores every region, empties the emulator and seeds both regions again from the config: back to a freshly deployed platform (active region = primary, epoch 1).';
  static override examples = ['<%= config.bin %> sandbox reset'];

  async run(): Promise<ResetResult> {
    const { flags } = await this.parse(SandboxReset);
    const { loadConfig } = await import('../../config/load.js');
    const { config, file } = await loadConfig(flags.config);
    const reporter = await this.reporter();
    const { sandboxReset } = await import('../../core/sandbox/sandbox.js');
    const result = await sandboxReset({ config, configFile: file, reporter });
    if (!this.jsonEnabled()) {
      const { renderReset } = await import('../../cli/render/sandbox.js');
      this.log(renderReset(result));
    }
    return result;
  }
}
