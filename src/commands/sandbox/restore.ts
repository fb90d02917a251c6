import { Args } from '@oclif/core';
import { DrBaseCommand, type Finished } from '../../cli/base-command.js';
import type { OutageResult } from '../../sandbox/sandbox.js';

export default class SandboxRestore extends DrBaseCommand<OutageResult> {
  static override summary = 'Bring a sandbox region back after `dr sandbox outage`.';
  static override examples = ['<%= config.bin %> sandbox restore us-east-1'];

  static override args = {
    region: Args.string({ description: 'Region to bring back, e.g. us-east-1.', required: true }),
  };

  protected async execute(): Promise<Finished<OutageResult>> {
    const { args } = await this.parse(SandboxRestore);
    const { sandboxRestore } = await import('../../sandbox/sandbox.js');
    const result = await sandboxRestore({ region: args.region });
    if (!this.jsonEnabled()) {
      const { renderOutages } = await import('../../cli/render/sandbox.js');
      this.log(renderOutages(result));
    }
    return { result };
  }
}
