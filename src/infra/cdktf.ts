/**
 * The one door to cdktf. Everything in src/infra takes cdktf's classes from here, so
 * moving to the maintained fork (`cdktn`) is a change to this file alone.
 *
 * Loaded with `require` rather than `import`: node's ESM loader lexes every file a
 * CommonJS package re-exports to find its export names, which for cdktf costs more
 * than loading it (see cjs.ts). Types come from `import type`, free at run time.
 */
import type * as Cdktf from 'cdktf';
import { requireCjs } from './cjs.js';

const cdktf = requireCjs('cdktf') as typeof Cdktf;

export const {
  App,
  Aspects,
  Fn,
  LocalBackend,
  S3Backend,
  TerraformIterator,
  TerraformLocal,
  TerraformOutput,
  TerraformResource,
  TerraformStack,
  Token,
  ref,
} = cdktf;

export type App = Cdktf.App;
export type Aspects = Cdktf.Aspects;
export type LocalBackend = Cdktf.LocalBackend;
export type S3Backend = Cdktf.S3Backend;
export type TerraformIterator = Cdktf.TerraformIterator;
export type TerraformLocal = Cdktf.TerraformLocal;
export type TerraformOutput = Cdktf.TerraformOutput;
export type TerraformResource = Cdktf.TerraformResource;
export type TerraformStack = Cdktf.TerraformStack;
export type TerraformProvider = Cdktf.TerraformProvider;
export type IAspect = Cdktf.IAspect;
