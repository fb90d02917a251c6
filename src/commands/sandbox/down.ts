import { DrBaseCommand, type Finished } from '../../cli/base-command.js';
import type { DownResult } from '../../sandbox/sandbox.js';

export default class SandboxDown extends DrBaseCommand<DownResult> {
  static override summary = 'Stop the local sandbox (its runtime first) and remove .dr/sandbox.json.';
  static override description =
    'Stops the live runtime recorded in .dr/sandbox.json first (asked over its control endpoint; SIGTERM, then SIGKILL when it does not answer) with everything it started, PostgreSQL included, and any PostgreSQL a killed runtime left behind; then ends the emulator process (SIGTERM, then SIGKILL) and waits until it is gone. Nothing running is not an error.';
  static override examples = ['<%= config.bin %> sandbox down'];

  protected async execute(): Promise<Finished<DownResult>> {
    await this.parse(SandboxDown);
    const reporter = await this.reporter();
    const { sandboxDown } = await import('../../sandbox/sandbox.js');
    const result = await sandboxDown({ reporter });
    if (!this.jsonEnabled()) {
      const { renderDown } = await import('../../cli/render/sandbox.js');
      this.log(renderDown(result));
    }
    return { result };
  }
}
