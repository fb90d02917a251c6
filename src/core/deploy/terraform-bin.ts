/**
 * Which Terraform-compatible binary `dr deploy` runs: `--terraform-bin` > `DR_TERRAFORM_BIN`
 * > `terraform` on the PATH > `tofu` on the PATH. Nothing found is a usage error (exit 2)
 * that says how to install one; `dr` never downloads a binary itself.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../../contract/errors.js';

export interface TerraformBinary {
  /** Absolute path of the executable. */
  readonly path: string;
  /** Where it was found. */
  readonly source: 'flag' | 'env' | 'path';
}

export const INSTALL_HINT =
  'no terraform or tofu found on the PATH: install Terraform (https://developer.hashicorp.com/terraform/install) or OpenTofu (https://opentofu.org/docs/intro/install/), or name one with --terraform-bin PATH or DR_TERRAFORM_BIN';

export interface FindTerraformOptions {
  /** `--terraform-bin`. */
  readonly flag?: string | undefined;
  /** @default - process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Relative paths resolve against it. @default - process.cwd() */
  readonly cwd?: string;
  /** @default - process.platform */
  readonly platform?: NodeJS.Platform;
}

function isExecutableFile(path: string, platform: NodeJS.Platform): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` in the PATH's directories (with PATHEXT's extensions on Windows). */
export function whichOnPath(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : delimiter).filter(Boolean);
  const exts =
    platform === 'win32'
      ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').map((e) => e.toLowerCase())]
      : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, `${name}${ext}`);
      if (isExecutableFile(candidate, platform)) return candidate;
    }
  }
  return undefined;
}

export function findTerraform(options: FindTerraformOptions = {}): TerraformBinary {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const cwd = options.cwd ?? process.cwd();
  const named: Array<[TerraformBinary['source'], string, string | undefined]> = [
    ['flag', '--terraform-bin', options.flag],
    ['env', 'DR_TERRAFORM_BIN', env.DR_TERRAFORM_BIN],
  ];
  for (const [source, label, value] of named) {
    if (value === undefined || value === '') continue;
    // A bare name (`tofu`) is looked up on the PATH; anything with a slash is a path.
    const bare = !value.includes('/') && !value.includes('\\');
    const path = bare ? whichOnPath(value, env, platform) : resolve(cwd, value);
    if (!path || !isExecutableFile(path, platform)) {
      throw new UsageError(
        `${label} ${value}: ${bare ? 'not found on the PATH' : 'not an executable file'}; point it at a terraform or tofu binary`,
      );
    }
    return { path: isAbsolute(path) ? path : resolve(cwd, path), source };
  }
  for (const name of ['terraform', 'tofu']) {
    const path = whichOnPath(name, env, platform);
    if (path) return { path: resolve(cwd, path), source: 'path' };
  }
  throw new UsageError(INSTALL_HINT);
}
