/**
 * CommonJS `require` for the AWS SDK v3 client packages. They ship no exports map, so
 * an ESM `import` of one loads its bundled CommonJS file through node's ESM loader,
 * which lexes the whole bundle for export names first: measured here, seven clients
 * took 270–410 ms by `import` and 140 ms by `require`. Types still come from
 * `import type`, which costs nothing at run time.
 */
import { createRequire } from 'node:module';

export const requireCjs = createRequire(import.meta.url);
