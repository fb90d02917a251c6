/**
 * `npm run build:synth`: bundles the platform app (src/infra/app.ts with cdktf, the
 * provider's deep modules it uses and `constructs`) into one CommonJS file,
 * `dist/infra/app.bundle.cjs`, which `dr synth` loads when it exists.
 *
 * Why: loading ~130 separate CommonJS files through the resolver costs a fifth of
 * `dr synth`; one file is resolved, read and compiled once (V8 still compiles function
 * bodies lazily). The same approach the AWS CDK CLI takes for its own start-up. The
 * bundle is build output (gitignored); the sources stay the truth, and a test checks the
 * bundle synthesizes byte-identical stacks.
 *
 * `requireCjs('…')` (createRequire, invisible to a bundler) is turned back into a plain
 * `require('…')` for the bundler to follow. cdktf itself stays external (see below).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SYNTH_BUNDLE = resolve(ROOT, 'dist/infra/app.bundle.cjs');

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

export async function buildSynthBundle(outfile = SYNTH_BUNDLE): Promise<string> {
  await build({
    // cjs.ts first, for its side effect (deferring archiver before cdktf loads): once the
    // requireCjs calls are rewritten no module uses its export, and esbuild drops unused
    // TypeScript imports.
    stdin: {
      contents: "import './src/infra/cjs.ts';\nexport * from './src/infra/app.ts';\n",
      resolveDir: ROOT,
      sourcefile: 'synth-bundle-entry.ts',
      loader: 'ts',
    },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // cdktf stays a package of its own: it ships its own dependencies (archiver among
    // them, deferred by src/infra/cjs.ts), and the provider modules share its instance.
    external: ['cdktf'],
    plugins: [staticRequires],
    // import.meta.url (used by createRequire) as a CommonJS module knows it.
    define: { 'import.meta.url': '__dr_import_meta_url' },
    banner: { js: 'const __dr_import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: 'error',
    legalComments: 'none',
    // Whitespace and syntax only: class and function names stay as written (error messages).
    minifyWhitespace: true,
    minifySyntax: true,
  });
  return outfile;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = await buildSynthBundle();
  console.log(`synth bundle: ${out.slice(ROOT.length + 1)}`);
}
