import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import type * as Cdktf from 'cdktf';
import type * as BinaryVersion from 'cdktf/lib/validations/validate-binary-version.js';
import { buildSynthBundle, deferredCdktfModules } from '../../scripts/build-synth-bundle.js';
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
      'trading-prod-zone',
    ]);
    for (const copy of ['bundle', 'cached']) {
      const synthesized = stacks(join(dir, copy));
      assert.deepEqual(Object.keys(synthesized).sort(), Object.keys(source).sort());
      for (const name of Object.keys(source)) {
        assert.equal(synthesized[name], source[name], `${name} from the ${copy} bundle differs`);
      }
    }
  });

  it("leaves out cdktf's asset file helpers and semver, and loads them from cdktf on first use", async () => {
    // Given an app bundled as the synth bundle is, using both: an archived asset (zipped by
    // cdktf running its own file helpers' file) and a binary version check (semver)
    const bundle = join(process.cwd(), 'dist', 'test-bundles', `deferred-${process.pid}.cjs`);
    after(() => rmSync(bundle, { force: true }));
    await build({
      stdin: {
        contents:
          "module.exports = { ...require('cdktf'), ...require('cdktf/lib/validations/validate-binary-version.js') };",
        resolveDir: process.cwd(),
      },
      outfile: bundle,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      plugins: [deferredCdktfModules],
      logLevel: 'error',
    });
    const source = readFileSync(bundle, 'utf8');
    const cdktf = requireWithCodeCache(bundle).exports as typeof Cdktf & typeof BinaryVersion;
    const files = join(dir, 'asset');
    mkdirSync(files);
    writeFileSync(join(files, 'index.js'), 'exports.handler = async () => 42;\n');

    // When the app synthesizes and the version check runs
    const app = new cdktf.App({ outdir: join(dir, 'deferred') });
    const stack = new cdktf.TerraformStack(app, 'assets');
    const asset = new cdktf.TerraformAsset(stack, 'code', { path: files, type: cdktf.AssetType.ARCHIVE });
    app.synth();
    const versionCheck = new cdktf.ValidateBinaryVersion('node', '>=18.0.0', 'node --version').validate();

    // Then neither was bundled, and both worked
    assert.ok(!source.includes('function archiveSync('), 'the asset file helpers were bundled');
    assert.ok(!source.includes('createToken('), 'semver was bundled');
    const zip = readFileSync(join(dir, 'deferred', 'stacks', 'assets', asset.path));
    assert.equal(zip.subarray(0, 2).toString('latin1'), 'PK');
    assert.deepEqual(versionCheck, []);
  });
});
