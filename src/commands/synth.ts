import { Flags } from '@oclif/core';
import { DrLocalCommand, type Finished } from '../cli/base-command.js';
import type { DrConfig } from '../config/schema.js';
import type { SynthResult } from '../core/synth.js';

export default class Synth extends DrLocalCommand<SynthResult> {
  static override summary = 'Synthesize the Terraform JSON of every stack, in-process.';
  static override description =
    'Writes <out>/stacks/<stack>/cdk.tf.json for the primary, secondary and global stacks and prints each stack, its resource count and the deploy order. Read-only: touches no AWS account.';
  static override examples = ['<%= config.bin %> synth', '<%= config.bin %> synth --out build/tf --json'];

  static override flags = {
    out: Flags.string({ summary: 'Output directory.', default: 'cdktf.out' }),
  };

  /**
   * The config loader that comes with the synth modules (the bundle carries its own
   * copy of the schema library), so `dr synth` loads one file rather than two.
   */
  protected override async loadDrConfig(path: string): Promise<DrConfig> {
    const { loadSynth } = await import('../core/synth-loader.js');
    const { config } = await (await loadSynth()).loadConfig(path);
    return config;
  }

  protected async execute(): Promise<Finished<SynthResult>> {
    const { flags } = await this.parse(Synth);
    const config = await this.loadDrConfig(flags.config);
    const reporter = await this.reporter();
    const step = reporter.step('Synthesizing stacks');
    const { synthesize } = await (await import('../core/synth-loader.js')).loadSynth();
    const result = await synthesize({ config, outDir: flags.out });
    step.succeed(`${result.stacks.length} stacks`);
    const { rtoBudget } = await import('../core/rto-budget.js');
    const budget = rtoBudget(config);
    if (!budget.withinObjective) {
      reporter.warn(
        `the configured design cannot meet the ${budget.objectiveSeconds} s RTO: ${budget.items
          .map((i) => `${i.name} ${i.seconds} s`)
          .join(' + ')} = ${budget.totalSeconds} s (lower dns.ttlSeconds or the health-check threshold)`,
      );
    }
    if (!this.jsonEnabled()) {
      const { renderSynth } = await import('../cli/render/synth.js');
      this.log(renderSynth(result));
    }
    return { result };
  }
}
