/**
 * `loadSynth()`: the modules `dr synth` runs (synth-bundle.ts), from the one-file bundle
 * `npm run build` writes next to this module, else the modules themselves (sources run
 * through tsx, a build without the bundle, or `DR_NO_SYNTH_BUNDLE=1`).
 *
 * The bundle is compiled with V8's code cache when the build left one beside it: the
 * bytecode of the functions a warm-up synth ran, so V8 neither parses nor compiles them
 * again. It is compile output, like the bundle, never synthesized output: every run
 * still reads the config, builds the app, resolves every token and writes every file.
 * V8 ignores a cache made by another V8 version or with other V8 flags, but checks the
 * source only by its length; the cache therefore starts with the SHA-256 of the bundle
 * it was made from and is used only when that matches.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

export type SynthModules = typeof import('./synth-bundle.js');

export const SYNTH_BUNDLE = fileURLToPath(new URL('./synth.bundle.cjs', import.meta.url));

/** Where the code cache of a CommonJS file lives. */
export function codeCacheFile(file: string): string {
  return `${file}.v8cache`;
}

/** What became of the code cache when a file was loaded. */
export type CodeCacheUse = 'accepted' | 'rejected by V8' | 'made for other source' | 'none';

export interface LoadedCommonJs {
  readonly exports: unknown;
  readonly codeCache: CodeCacheUse;
  /** Writes the code cache of everything compiled so far (call it after a warm-up). */
  writeCodeCache(): string;
}

const DIGEST_BYTES = 32;

/**
 * Loads a self-contained CommonJS file (one that requires only built-ins and installed
 * packages) as node's `require` would, through `vm.Script` so its code cache can be
 * used and written.
 */
export function requireWithCodeCache(file: string): LoadedCommonJs {
  const source = readFileSync(file);
  const digest = createHash('sha256').update(source).digest();
  const cacheFile = codeCacheFile(file);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cacheFile);
  } catch {
    cached = undefined;
  }
  const matches = cached !== undefined && cached.subarray(0, DIGEST_BYTES).equals(digest);
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) { ${source.toString('utf8')}\n})`,
    { filename: file, ...(matches ? { cachedData: cached!.subarray(DIGEST_BYTES) } : {}) },
  );
  const module = { exports: {} as unknown, id: file, filename: file, loaded: false };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  const codeCache: CodeCacheUse =
    cached === undefined
      ? 'none'
      : !matches
        ? 'made for other source'
        : script.cachedDataRejected
          ? 'rejected by V8'
          : 'accepted';
  return {
    exports: module.exports,
    codeCache,
    writeCodeCache() {
      const temporary = `${cacheFile}.${process.pid}`;
      writeFileSync(temporary, Buffer.concat([digest, script.createCachedData()]));
      renameSync(temporary, cacheFile);
      return cacheFile;
    },
  };
}

let loading: Promise<SynthModules> | undefined;
let bundle: LoadedCommonJs | undefined;

/** The synth modules, loaded once per process. */
export function loadSynth(): Promise<SynthModules> {
  loading ??= (async () => {
    if (!process.env.DR_NO_SYNTH_BUNDLE && existsSync(SYNTH_BUNDLE)) {
      bundle = requireWithCodeCache(SYNTH_BUNDLE);
      return bundle.exports as SynthModules;
    }
    return import('./synth-bundle.js');
  })();
  return loading;
}

/** The loaded synth bundle, when `loadSynth()` took the bundle (the build's warm-up writes its cache). */
export function loadedSynthBundle(): LoadedCommonJs | undefined {
  return bundle;
}
