import { Args, Flags } from '@oclif/core';
import { DrBaseCommand, type Finished } from '../../cli/base-command.js';
import type { OutageResult } from '../../sandbox/sandbox.js';

export default class SandboxOutage extends DrBaseCommand<OutageResult> {
  static override summary = 'Take a sandbox region down, to rehearse losing it.';
  static override description =
    'Every request signed for REGION fails until `dr sandbox restore REGION`: the connection is refused, or with --hang held without an answer (what a region lost to a network partition looks like). Global control planes that sign for us-east-1 (Route 53, IAM) go down with it, as they would on AWS.';
  static override examples = [
    '<%= config.bin %> sandbox outage us-east-1',
    '<%= config.bin %> sandbox outage us-east-1 --hang',
  ];

  static override args = {
    region: Args.string({ description: 'Region to take down, e.g. us-east-1.', required: true }),
  };

  static override flags = {
    hang: Flags.boolean({
      summary: 'Hold requests without an answer instead of refusing them.',
      default: false,
    }),
  };

  protected async execute(): Promise<Finished<OutageResult>> {
    const { args, flags } = await this.parse(SandboxOutage);
    const { sandboxOutage } = await import('../../sandbox/sandbox.js');
    const result = await sandboxOutage({ region: args.region, mode: flags.hang ? 'hang' : 'refuse' });
    if (!this.jsonEnabled()) {
      const { renderOutages } = await import('../../cli/render/sandbox.js');
      this.log(renderOutages(result));
    }
    return { result };
  }
}
