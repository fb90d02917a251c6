/**
 * Synthesizes the whole platform app in-process for infra tests and hands back each
 * stack's Terraform JSON, parsed. One synthesis per config (cached), since the
 * assertions of a file all read the same output.
 */
import { Testing } from 'cdktf';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { DrConfig, DrConfigInput } from '../../src/config/schema.js';
import { buildPlatformApp, type PlatformApp } from '../../src/infra/app.js';

export type TfJson = {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, unknown>;
  provider?: Record<string, unknown[]>;
  terraform?: Record<string, unknown>;
};

export interface SynthesizedPlatform {
  readonly config: DrConfig;
  readonly platform: PlatformApp;
  /** JSON string per stack, for `Testing.toHaveResourceWithProperties`. */
  readonly raw: { primary: string; secondary: string; global: string };
  readonly primary: TfJson;
  readonly secondary: TfJson;
  readonly global: TfJson;
}

export const baseConfig: DrConfigInput = {
  app: 'trading',
  environment: 'prod',
  dns: { domain: 'trading.example.com' },
  tags: { 'cost-center': 'trading-platform' },
};

const cache = new Map<string, SynthesizedPlatform>();

export function synthPlatform(overrides: Partial<DrConfigInput> = {}): SynthesizedPlatform {
  const key = JSON.stringify(overrides);
  const hit = cache.get(key);
  if (hit) return hit;
  const config = parseConfig({ ...baseConfig, ...overrides });
  const platform = buildPlatformApp({ config, outdir: mkdtempSync(join(tmpdir(), 'dr-synth-')) });
  const raw = {
    primary: Testing.synth(platform.primary, true),
    secondary: Testing.synth(platform.secondary, true),
    global: Testing.synth(platform.global, true),
  };
  const result: SynthesizedPlatform = {
    config,
    platform,
    raw,
    primary: JSON.parse(raw.primary) as TfJson,
    secondary: JSON.parse(raw.secondary) as TfJson,
    global: JSON.parse(raw.global) as TfJson,
  };
  cache.set(key, result);
  return result;
}

/** All resources of one Terraform type in a stack, by their logical name. */
export function resourcesOf(stack: TfJson, type: string): Record<string, Record<string, unknown>> {
  return stack.resource?.[type] ?? {};
}

/** The single resource of a type; fails the test when there is not exactly one. */
export function onlyResource(stack: TfJson, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOf(stack, type));
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0] as Record<string, unknown>;
}
