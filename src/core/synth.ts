/**
 * `dr synth`: config → Terraform JSON per stack, in-process. This module loads cdktf:
 * commands reach it only through `loadSynth()` (synth-loader.ts), and only to
 * synthesize, so commands which never synthesize never pay for it.
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { DrConfig } from '../config/schema.js';
import { synthesizePlatform } from '../infra/app.js';
import { deployWaves } from './deploy-order.js';

export interface SynthesizedStack {
  readonly name: string;
  /** Path of `cdk.tf.json`, relative to the working directory. */
  readonly file: string;
  /** Working directory Terraform runs in for this stack. */
  readonly workingDirectory: string;
  readonly resourceCount: number;
  readonly dependencies: string[];
}

export interface SynthResult {
  readonly outDir: string;
  readonly stacks: SynthesizedStack[];
  /** Waves of stacks; the stacks of one wave can deploy in parallel. */
  readonly deployOrder: string[][];
}

interface Manifest {
  stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string; dependencies: string[] }>;
}

export interface SynthOptions {
  readonly config: DrConfig;
  /** @default - `cdktf.out` */
  readonly outDir?: string;
  /** Directory of the built `<function>.zip` packages. @default - `dist/lambdas` */
  readonly lambdaDir?: string;
}

export async function synthesize(options: SynthOptions): Promise<SynthResult> {
  const outDir = resolve(options.outDir ?? 'cdktf.out');
  synthesizePlatform({
    config: options.config,
    outdir: outDir,
    ...(options.lambdaDir ? { lambdaDir: options.lambdaDir } : {}),
  });

  const manifest = JSON.parse(await readFile(join(outDir, 'manifest.json'), 'utf8')) as Manifest;
  const stacks = await Promise.all(
    Object.entries(manifest.stacks).map(async ([name, entry]) => {
      const file = join(outDir, entry.synthesizedStackPath);
      const json = JSON.parse(await readFile(file, 'utf8')) as {
        resource?: Record<string, Record<string, unknown>>;
      };
      const resourceCount = Object.values(json.resource ?? {}).reduce(
        (n, byName) => n + Object.keys(byName).length,
        0,
      );
      return {
        name,
        file: relative(process.cwd(), file),
        workingDirectory: relative(process.cwd(), join(outDir, entry.workingDirectory)),
        resourceCount,
        dependencies: [...entry.dependencies].sort(),
      };
    }),
  );
  const deployOrder = deployWaves(Object.fromEntries(stacks.map((s) => [s.name, s.dependencies])));
  const rank = new Map(deployOrder.flat().map((name, i) => [name, i]));
  stacks.sort((a, b) => (rank.get(a.name) ?? 0) - (rank.get(b.name) ?? 0));
  return { outDir: relative(process.cwd(), outDir) || '.', stacks, deployOrder };
}
