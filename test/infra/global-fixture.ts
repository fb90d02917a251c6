/**
 * The whole platform synthesized the way `dr synth` does it (a full `app.synth()`),
 * for the global stack's tests: cross-stack references become remote-state lookups
 * and stack dependencies only in a full synthesis, which per-stack `Testing.synth`
 * skips. One synthesis per config (cached).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { DrConfig, DrConfigInput } from '../../src/config/schema.js';
import { buildPlatformApp, type PlatformApp } from '../../src/infra/app.js';
import { Naming } from '../../src/contract/naming.js';
import { deployWaves } from '../../src/core/deploy-order.js';
import { baseConfig, type TfJson } from './synth-helpers.js';

export type StackKey = 'primary' | 'secondary' | 'global';

export interface SynthesizedApp {
  readonly config: DrConfig;
  readonly naming: Naming;
  readonly platform: PlatformApp;
  /** Each stack's `cdk.tf.json`, as written. */
  readonly raw: Readonly<Record<StackKey, string>>;
  readonly json: Readonly<Record<StackKey, TfJson>>;
  /** The zone stack's `cdk.tf.json`, parsed; undefined with `dns.hostedZoneId` (no zone stack). */
  readonly zone: TfJson | undefined;
  /** The deploy waves `dr deploy` derives from the manifest's dependencies. */
  readonly waves: string[][];
  /** Stack name → the stacks it depends on, from the synthesized manifest. */
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
}

const cache = new Map<string, SynthesizedApp>();

export function synthApp(overrides: Partial<DrConfigInput> = {}): SynthesizedApp {
  const key = JSON.stringify(overrides);
  const hit = cache.get(key);
  if (hit) return hit;
  const config = parseConfig({ ...baseConfig, ...overrides });
  const naming = new Naming(config);
  const outdir = mkdtempSync(join(tmpdir(), 'dr-global-'));
  const platform = buildPlatformApp({ config, outdir });
  platform.app.synth();
  const read = (k: StackKey | 'zone') =>
    readFileSync(join(outdir, 'stacks', naming.stack(k), 'cdk.tf.json'), 'utf8');
  const raw = { primary: read('primary'), secondary: read('secondary'), global: read('global') };
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { dependencies: string[] }>;
  };
  const result: SynthesizedApp = {
    config,
    naming,
    platform,
    raw,
    json: {
      primary: JSON.parse(raw.primary) as TfJson,
      secondary: JSON.parse(raw.secondary) as TfJson,
      global: JSON.parse(raw.global) as TfJson,
    },
    zone: platform.zone ? (JSON.parse(read('zone')) as TfJson) : undefined,
    waves: deployWaves(
      Object.fromEntries(Object.entries(manifest.stacks).map(([n, e]) => [n, e.dependencies])),
    ),
    dependencies: Object.fromEntries(Object.entries(manifest.stacks).map(([n, e]) => [n, e.dependencies])),
  };
  cache.set(key, result);
  return result;
}

/** The remote-state output a global-stack value reads from a regional stack, e.g. `${data.terraform_remote_state.<x>.outputs.<y>}`. */
export function crossStackRef(value: unknown): { stack: string; output: string } | undefined {
  const m =
    /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-([\w-]+)\.outputs\.([\w-]+)\}$/.exec(
      String(value),
    );
  return m ? { stack: m[1] as string, output: m[2] as string } : undefined;
}

/**
 * Where a global-stack value comes from: the regional stack and the expression its
 * cross-stack output holds (e.g. `${aws_kms_key.key_1234.arn}`), or undefined when the
 * value is not a cross-stack reference.
 */
export function regionalSource(
  app: SynthesizedApp,
  value: unknown,
): { stack: StackKey; expression: string } | undefined {
  const ref = crossStackRef(value);
  if (!ref) return undefined;
  const stack = (['primary', 'secondary'] as const).find((k) => app.naming.stack(k) === ref.stack);
  if (!stack) return undefined;
  const output = app.json[stack].output?.[ref.output] as { value?: string } | undefined;
  return output?.value === undefined ? undefined : { stack, expression: output.value };
}
