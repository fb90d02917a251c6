/**
 * The one door to cdktf. Everything in src/infra takes cdktf's classes from here, so
 * moving to the maintained fork (`cdktn`) is a change to this file alone.
 *
 * Loaded with `require` rather than `import`: node's ESM loader lexes every file a
 * CommonJS package re-exports to find its export names, which for cdktf costs more
 * than loading it (see cjs.ts). Types come from `import type`, free at run time.
 */
import type * as Cdktf from 'cdktf';
import { createRequire } from 'node:module';
import { requireCjs } from './cjs.js';

/**
 * cdktf's index loads `archiver` (about 50 ms, a sixth of loading cdktf) for
 * TerraformAsset, which the platform never uses. Until something calls it, a stand-in
 * sits in the require cache; the first use of any of its members loads the real module.
 */
function deferArchiver(): void {
  const fromCdktfFs = createRequire(requireCjs.resolve('cdktf/lib/private/fs.js'));
  const path = fromCdktfFs.resolve('archiver');
  if (requireCjs.cache[path]) return;
  let real: object | undefined;
  const load = (): object => {
    if (!real) {
      delete requireCjs.cache[path];
      real = requireCjs(path) as object;
    }
    return real;
  };
  const deferred = new Proxy(function archiver() {}, {
    apply: (_target, self, args) => Reflect.apply(load() as (...a: unknown[]) => unknown, self, args),
    get: (_target, key) => Reflect.get(load(), key),
    has: (_target, key) => Reflect.has(load(), key),
  });
  requireCjs.cache[path] = {
    id: path,
    filename: path,
    loaded: true,
    exports: deferred,
  } as unknown as NodeJS.Module;
}

deferArchiver();
const cdktf = requireCjs('cdktf') as typeof Cdktf;

export const {
  App,
  Aspects,
  Fn,
  LocalBackend,
  S3Backend,
  TerraformIterator,
  TerraformLocal,
  TerraformResource,
  TerraformStack,
  Token,
} = cdktf;

export type App = Cdktf.App;
export type Aspects = Cdktf.Aspects;
export type LocalBackend = Cdktf.LocalBackend;
export type S3Backend = Cdktf.S3Backend;
export type TerraformIterator = Cdktf.TerraformIterator;
export type TerraformLocal = Cdktf.TerraformLocal;
export type TerraformResource = Cdktf.TerraformResource;
export type TerraformStack = Cdktf.TerraformStack;
export type TerraformProvider = Cdktf.TerraformProvider;
export type IAspect = Cdktf.IAspect;
