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
