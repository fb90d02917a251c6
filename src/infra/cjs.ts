/**
 * CommonJS `require` for the provider's deep modules. Importing a CommonJS file through
 * node's ESM loader makes node lex the whole file for its export names first; for the
 * large generated provider modules that costs about three times the load itself
 * (measured: 47 provider modules in 46 ms by `require`, 142 ms by `import`). Types still
 * come from `import type` of the same deep path, which costs nothing at run time:
 *
 *   import type * as sqs from '@cdktf/provider-aws/lib/sqs-queue/index.js';
 *   const { SqsQueue } = requireCjs('@cdktf/provider-aws/lib/sqs-queue/index.js') as typeof sqs;
 *   type SqsQueue = sqs.SqsQueue;
 *
 * Always a deep path, never the package root (that costs seconds and hundreds of MB).
 */
import { createRequire } from 'node:module';

export const requireCjs = createRequire(import.meta.url);

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
