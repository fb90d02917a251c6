/**
 * Where Terraform gets the `hashicorp/aws` provider: from a filesystem mirror on this
 * machine when one holds it (offline machines, air-gapped CI), from the registry
 * otherwise.
 *
 * A mirror is looked for, in order, in `DR_TERRAFORM_PROVIDER_MIRROR`, the
 * `filesystem_mirror` paths of Terraform's CLI config (`TF_CLI_CONFIG_FILE`, else
 * `~/.terraformrc`), Terraform's implicit local mirror directories, and `/opt/tf-plugins`
 * (where machine images commonly bake one). Both layouts Terraform reads are recognised:
 * unpacked (`…/hashicorp/aws/<version>/<os>_<arch>/`) and packed
 * (`…/hashicorp/aws/terraform-provider-aws_<version>_<os>_<arch>.zip`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const AWS_PROVIDER_ADDRESS = 'registry.terraform.io/hashicorp/aws';

export interface ProviderMirror {
  /** The mirror's root directory (holds `registry.terraform.io/…`). */
  readonly dir: string;
  /** The newest `hashicorp/aws` version it holds for this platform. */
  readonly version: string;
  /** Where the directory came from. */
  readonly source: 'env' | 'cli-config' | 'implicit';
}

type Env = Readonly<Record<string, string | undefined>>;

/** Terraform's name of this platform: `linux_amd64`, `darwin_arm64`, … */
export function terraformPlatform(
  platform: NodeJS.Platform = process.platform,
  arch: string = process.arch,
): string {
  const os = platform === 'win32' ? 'windows' : platform;
  const cpu = arch === 'x64' ? 'amd64' : arch === 'ia32' ? '386' : arch;
  return `${os}_${cpu}`;
}

/** `filesystem_mirror { path = "…" }` paths in a Terraform CLI config file's text. */
export function mirrorPathsInCliConfig(text: string): string[] {
  const paths: string[] = [];
  const block = /filesystem_mirror\s*\{([^}]*)\}/g;
  for (const match of text.matchAll(block)) {
    const path = /\bpath\s*=\s*"([^"]+)"/.exec(match[1] ?? '');
    if (path?.[1]) paths.push(path[1]);
  }
  return paths;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The `hashicorp/aws` versions a mirror directory holds for `platform`, newest first. */
export function awsProviderVersionsIn(dir: string, platform = terraformPlatform()): string[] {
  const base = join(dir, AWS_PROVIDER_ADDRESS);
  const versions = new Set<string>();
  for (const entry of listDir(base)) {
    const packed = new RegExp(`^terraform-provider-aws_(.+)_${platform}\\.zip$`).exec(entry);
    if (packed?.[1]) versions.add(packed[1]);
    else if (/^\d+\.\d+\.\d+/.test(entry) && existsSync(join(base, entry, platform))) versions.add(entry);
  }
  return [...versions].sort(compareVersions).reverse();
}

/** Terraform's implicit local mirror directories on this platform (its CLI documentation). */
function implicitMirrorDirs(env: Env, home: string): string[] {
  const dataHome = env.XDG_DATA_HOME || join(home, '.local', 'share');
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':').filter(Boolean);
  return [
    join(home, '.terraform.d', 'plugins'),
    join(dataHome, 'terraform', 'plugins'),
    ...dataDirs.map((d) => join(d, 'terraform', 'plugins')),
    '/opt/tf-plugins',
  ];
}

export interface FindMirrorOptions {
  /** @default - process.env */
  readonly env?: Env;
  /** @default - os.homedir() */
  readonly home?: string;
  readonly platform?: string;
}

/** The first mirror that holds `hashicorp/aws` for this platform; undefined: use the registry. */
export function findAwsProviderMirror(options: FindMirrorOptions = {}): ProviderMirror | undefined {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const platform = options.platform ?? terraformPlatform();
  const candidates: Array<{ dir: string; source: ProviderMirror['source'] }> = [];
  if (env.DR_TERRAFORM_PROVIDER_MIRROR) {
    candidates.push({ dir: env.DR_TERRAFORM_PROVIDER_MIRROR, source: 'env' });
  }
  const cliConfig = env.TF_CLI_CONFIG_FILE || join(home, '.terraformrc');
  try {
    for (const dir of mirrorPathsInCliConfig(readFileSync(cliConfig, 'utf8'))) {
      candidates.push({ dir, source: 'cli-config' });
    }
  } catch {
    // no CLI config file: nothing configured there
  }
  for (const dir of implicitMirrorDirs(env, home)) candidates.push({ dir, source: 'implicit' });

  for (const { dir, source } of candidates) {
    const [version] = awsProviderVersionsIn(dir, platform);
    if (version) return { dir, version, source };
  }
  return undefined;
}

/**
 * A Terraform CLI config that installs `hashicorp/aws` from `mirror` and everything
 * else from the registry (a stack needs no other provider today).
 */
export function mirrorCliConfig(mirror: ProviderMirror): string {
  const dir = JSON.stringify(mirror.dir);
  const provider = JSON.stringify(AWS_PROVIDER_ADDRESS);
  return [
    '# Written by dr: the hashicorp/aws provider from the filesystem mirror found on this machine.',
    'provider_installation {',
    `  filesystem_mirror {`,
    `    path    = ${dir}`,
    `    include = [${provider}]`,
    '  }',
    '  direct {',
    `    exclude = [${provider}]`,
    '  }',
    '}',
    '',
  ].join('\n');
}
