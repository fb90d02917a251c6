import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSynthBundle } from '../../scripts/build-synth-bundle.js';
import { parseConfig } from '../../src/config/load.js';
import { synthesizePlatform } from '../../src/infra/app.js';

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

  it('synthesizes byte-identical stacks to the source modules', async () => {
    // Given a freshly built bundle (in a folder of the repo, so it resolves node_modules)
    const bundle = await buildSynthBundle(
      join(process.cwd(), 'dist', 'test-bundles', `app-${process.pid}.cjs`),
    );
    after(() => rmSync(bundle, { force: true }));
    const fromBundle = createRequire(import.meta.url)(bundle) as {
      synthesizePlatform: typeof synthesizePlatform;
    };
    const config = parseConfig({
      app: 'trading',
      dns: { domain: 'trading.example.com' },
      tags: { team: 'sre' },
    });

    // When both synthesize the same config
    fromBundle.synthesizePlatform({ config, outdir: join(dir, 'bundle') });
    synthesizePlatform({ config, outdir: join(dir, 'source') });

    // Then every stack's Terraform JSON is the same, byte for byte
    const a = stacks(join(dir, 'bundle'));
    const b = stacks(join(dir, 'source'));
    assert.deepEqual(Object.keys(a).sort(), [
      'trading-prod-global',
      'trading-prod-primary',
      'trading-prod-secondary',
    ]);
    for (const name of Object.keys(b)) assert.equal(a[name], b[name], `${name} differs`);
  });
});
