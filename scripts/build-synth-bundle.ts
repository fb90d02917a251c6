/**
 * `npm run build:synth` (after tsc): bundles what `dr synth` runs after parsing its flags
 * (src/core/synth-bundle.ts: the config loader with its schema library, core/synth, and
 * the platform app with cdktf, the provider's deep modules it uses and `constructs`) into
 * one CommonJS file, `dist/core/synth.bundle.cjs`, then runs one synth from it in a fresh
 * node process to write V8's code cache beside it. `loadSynth()` (src/core/synth-loader.ts)
 * loads both.
 *
 * Why: loading these as ~300 separate modules (CommonJS through the resolver, the
 * schema library's ES modules through the ESM loader), then parsing and compiling their
 * functions, was about a third of `dr synth` (measured: 190 ms of 590). One file is
 * resolved and read once, and with the code cache the functions a synth runs are not
 * compiled again: about 45 ms. The AWS CDK CLI bundles itself for the same reason.
 * Bundle and cache are build output (gitignored); the sources stay the truth, and a test
 * checks the bundle synthesizes byte-identical stacks, with and without the cache.
 *
 * `requireCjs('…')` (createRequire, invisible to a bundler) is turned back into a plain
 * `require('…')` for the bundler to follow. Two modules cdktf requires, which
 * synthesizing the platform never calls, stay out of the bundle and load from cdktf's
 * folder on first use (DEFERRED).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { codeCacheFile } from '../src/core/synth-loader.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SYNTH_BUNDLE = resolve(ROOT, 'dist/core/synth.bundle.cjs');
const SYNTH_LOADER = resolve(ROOT, 'dist/core/synth-loader.js');

/**
 * What cdktf's own files require that loads on first use instead of being bundled, by
 * the name they require it with:
 * - `./private/fs`: TerraformAsset's file helpers. They load `archiver` (about 50 ms)
 *   and zip by running their own file (`node ${__filename}`), which works only from
 *   that file, not from inside a bundle.
 * - `semver`: ValidateBinaryVersion's version ranges (about 20 ms to load).
 */
const DEFERRED = ['./private/fs', 'semver'];

const staticRequires: Plugin = {
  name: 'static-requires',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]infra[\\/].*\.ts$/ }, async (args) => ({
      contents: (await readFile(args.path, 'utf8')).replace(
        /requireCjs\(\s*('[^']+')\s*,?\s*\)/g,
        'require($1)',
      ),
      loader: 'ts',
    }));
  },
};

export const deferredCdktfModules: Plugin = {
  name: 'deferred-cdktf-modules',
  setup(b) {
    b.onResolve({ filter: /^(\.\/private\/fs|semver)$/ }, (args) => {
      const cdktfLib = /^(.*[\\/]node_modules[\\/]cdktf[\\/]lib)[\\/]/.exec(args.importer)?.[1];
      if (!cdktfLib || !DEFERRED.includes(args.path)) return undefined;
      // What to require at run time, from cdktf's lib/index.js.
      const request = args.path.startsWith('.')
        ? `./${relative(cdktfLib, resolve(dirname(args.importer), args.path))
            .split(sep)
            .join('/')}.js`
        : args.path;
      return { path: request, namespace: 'deferred' };
    });
    // A stand-in: the first use of any member requires the real module, resolved from
    // cdktf's lib/index.js at run time (semver: cdktf's own bundled copy).
    b.onLoad({ filter: /.*/, namespace: 'deferred' }, (args) => ({
      contents: `
        const { createRequire } = require('node:module');
        const cdktf = 'cdktf';
        let real;
        const load = () => (real ??= createRequire(require.resolve(cdktf))(${JSON.stringify(args.path)}));
        module.exports = new Proxy(function deferred() {}, {
          apply: (_target, self, argv) => Reflect.apply(load(), self, argv),
          get: (_target, key) => Reflect.get(load(), key),
          has: (_target, key) => Reflect.has(load(), key),
        });
      `,
      loader: 'js',
    }));
  },
};

export async function buildSynthBundle(outfile = SYNTH_BUNDLE): Promise<string> {
  // A code cache made for the previous bundle must not outlive it.
  rmSync(codeCacheFile(outfile), { force: true });
  await build({
    entryPoints: [resolve(ROOT, 'src/core/synth-bundle.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    plugins: [staticRequires, deferredCdktfModules],
    // import.meta.url (used by createRequire) as a CommonJS module knows it.
    define: { 'import.meta.url': '__dr_import_meta_url' },
    banner: { js: 'const __dr_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: 'warning',
    legalComments: 'none',
    // Whitespace and syntax only: class and function names stay as written (error messages).
    minifyWhitespace: true,
    minifySyntax: true,
  });
  return outfile;
}

/** The config the warm-up synthesizes: the smallest valid one. */
const WARM_UP_CONFIG = { app: 'trading', dns: { domain: 'trading.example.com' } };

/**
 * Loads the built bundle through the compiled `loadSynth()` in a fresh node process,
 * reads a config and synthesizes it (into a temporary folder), then writes the code
 * cache of what that compiled. Needs tsc's output (dist/core/synth-loader.js).
 */
export function warmSynthCodeCache(): string {
  if (!existsSync(SYNTH_LOADER)) {
    throw new Error(`${SYNTH_LOADER} is missing: compile first (npm run build runs tsc, then this)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'dr-synth-warm-up-'));
  try {
    const config = join(dir, 'dr.config.json');
    writeFileSync(config, JSON.stringify(WARM_UP_CONFIG));
    const script = `
      const { loadSynth, loadedSynthBundle } = await import(${JSON.stringify(pathToFileURL(SYNTH_LOADER).href)});
      const synth = await loadSynth();
      const { config } = await synth.loadConfig(process.argv[1]);
      await synth.synthesize({ config, outDir: process.argv[2] });
      const bundle = loadedSynthBundle();
      if (!bundle) throw new Error('loadSynth() did not load the bundle');
      process.stdout.write(bundle.writeCodeCache());
    `;
    const { DR_NO_SYNTH_BUNDLE: _ignored, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, config, join(dir, 'out')], {
      cwd: dir,
      env,
      encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`synth warm-up failed (exit ${run.status}): ${run.stderr}`);
    return run.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bundle = await buildSynthBundle();
  const cache = warmSynthCodeCache();
  console.log(`synth bundle: ${bundle.slice(ROOT.length + 1)}, code cache: ${cache.slice(ROOT.length + 1)}`);
}
