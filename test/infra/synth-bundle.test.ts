import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSynthBundle } from '../../scripts/build-synth-bundle.js';
import { parseConfig } from '../../src/config/load.js';
import { synthesize } from '../../src/core/synth.js';
import { requireWithCodeCache, type SynthModules } from '../../src/core/synth-loader.js';

// `dr synth` loads the one-file bundle `npm run build` writes (start-up time); the
// sources stay the truth. The bundle must synthesize exactly what the sources do.
describe('synth bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dr-synth-bundle-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  function stacks(outdir: string): Record<string, string> {
    const root = join(outdir, 'stacks');
    return Object.fromEntries(
      readdirSync(root).map((stack) => [stack, readFileSync(join(root, stack, 'cdk.tf.json'), 'utf8')]),
    );
  }

  it('synthesizes byte-identical stacks to the source modules, with and without its code cache', async () => {
    // Given a freshly built bundle (in a folder of the repo, so it resolves node_modules)
    const bundle = await buildSynthBundle(
      join(process.cwd(), 'dist', 'test-bundles', `synth-${process.pid}.cjs`),
    );
    after(() => rmSync(bundle, { force: true }));
    after(() => rmSync(`${bundle}.v8cache`, { force: true }));
    const raw = { app: 'trading', dns: { domain: 'trading.example.com' }, tags: { team: 'sre' } };

    // When the sources and the bundle synthesize the same config, the bundle twice: first
    // compiled from its source (writing its code cache), then from that code cache
    await synthesize({ config: parseConfig(raw), outDir: join(dir, 'source') });
    const cold = requireWithCodeCache(bundle);
    const fromBundle = cold.exports as SynthModules;
    await fromBundle.synthesize({ config: fromBundle.parseConfig(raw), outDir: join(dir, 'bundle') });
    cold.writeCodeCache();
    const warm = requireWithCodeCache(bundle);
    const fromCache = warm.exports as SynthModules;
    await fromCache.synthesize({ config: fromCache.parseConfig(raw), outDir: join(dir, 'cached') });

    // Then every stack's Terraform JSON is the same, byte for byte
    assert.equal(cold.codeCache, 'none');
    assert.equal(warm.codeCache, 'accepted');
    const source = stacks(join(dir, 'source'));
    assert.deepEqual(Object.keys(source).sort(), [
      'trading-prod-global',
      'trading-prod-primary',
      'trading-prod-secondary',
    ]);
    for (const copy of ['bundle', 'cached']) {
      const synthesized = stacks(join(dir, copy));
      assert.deepEqual(Object.keys(synthesized).sort(), Object.keys(source).sort());
      for (const name of Object.keys(source)) {
        assert.equal(synthesized[name], source[name], `${name} from the ${copy} bundle differs`);
      }
    }
  });
});
