/**
 * The platform deployed into the sandbox the way `dr deploy` deploys it to AWS: the
 * synthesized stacks, applied wave by wave by real Terraform (or OpenTofu) with the
 * AWS provider pointed at the emulator. Used by `dr sandbox up` and `dr deploy --sandbox`.
 *
 * What differs from an AWS deployment, and only this:
 * - the state backend: a local file per stack under `.dr/sandbox/terraform-state/`
 *   (the sandbox's state must never reach a real state bucket);
 * - the provider override file beside each stack (./sandbox-override.ts):
 *   endpoints, the mirror's provider version, and the written-down attributes an older
 *   provider does not know; Terraform signs as the sandbox's root user (its key pair in
 *   Terraform's environment, never in a file);
 * - how Terraform runs, never what it plans: how many resource operations at once
 *   (`SANDBOX_PARALLELISM`), and `SANDBOX_TERRAFORM_ENV` (no version check, a lazier Go
 *   garbage collector).
 * Everything Terraform writes goes under `.dr/sandbox/`; logs under `.dr/deploy/…`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DrConfig } from '../config/schema.js';
import type { SynthResult } from '../core/synth.js';
import type { VerifySyncResult } from '../core/verify-sync.js';
import { deploy, runGate, type DeployOptions, type DeployResult } from '../core/deploy/deploy.js';
import {
  findAwsProviderMirror,
  mirrorCliConfig,
  type ProviderMirror,
} from '../core/deploy/provider-mirror.js';
import { SANDBOX_OVERRIDE_FILE, sandboxOverride } from './sandbox-override.js';
import { logDirFor } from '../core/deploy/select.js';
import type { TerraformBinary } from '../core/deploy/terraform-bin.js';
import { terraformEnv } from '../core/deploy/terraform.js';
import { readApplied, stacksFingerprint, writeApplied } from './applied.js';
import { UsageError } from '../contract/errors.js';
import type { ClientCredentials } from '../aws/sdk-config.js';
import { silentReporter, type Reporter } from '../core/reporter.js';
import { listEmulatorSnapshots, projectRoot, snapshotEmulator } from './emulator.js';

/** Why `dr deploy --sandbox` and `dr sandbox up` do not wait for a DNS delegation. */
export const SANDBOX_DELEGATION_SKIPPED =
  'the sandbox has no parent domain; its ACM issues once the validation records are in its Route 53';

/**
 * Terraform's `-parallelism` in the sandbox (Terraform's default, and `dr deploy`'s
 * against AWS, is 10). Most of a cold apply is the provider waiting, not working: each
 * created queue, key, Aurora cluster or Route 53 change holds its slot through the
 * provider's fixed propagation waits (25 s for a queue, 30 s for a cluster), so with 10
 * slots the resources behind them (the dead-letter queues on the critical path among
 * them) queued for seconds. AWS's API rate limits are the reason for the default; the
 * emulator has none.
 */
export const SANDBOX_PARALLELISM = 32;

/**
 * What the sandbox's Terraform runs with besides its key pair and the mirror (a variable
 * already set in the environment wins). Neither changes what is planned or applied:
 * - `CHECKPOINT_DISABLE`: no version check against checkpoint-api.hashicorp.com at every
 *   call (the sandbox runs offline: a lookup that can only fail);
 * - `GOGC=400`: a lazier Go garbage collector in Terraform and the provider. Every plan
 *   starts the 700 MB provider binary three times (schemas, validate, plan) and every
 *   apply twice; building its schemas is mostly allocation. Measured on this 2-core
 *   machine: a cold plan of a regional stack uses about 30 % less CPU, each provider
 *   process about 1.5 times the memory (~0.5 GB).
 */
export const SANDBOX_TERRAFORM_ENV: Readonly<Record<string, string>> = {
  CHECKPOINT_DISABLE: '1',
  GOGC: '400',
};

/** Everything the sandbox's Terraform writes, relative to the working directory. */
export const SANDBOX_TERRAFORM_DIR = join('.dr', 'sandbox');

/** Which provider the sandbox ran, and where it came from. */
export interface SandboxProvider {
  readonly version: string;
  /** `mirror`: a filesystem mirror on this machine; `registry`: the stacks' own pin, downloaded. */
  readonly source: 'mirror' | 'registry';
  readonly mirror?: string;
}

export interface SandboxDeployResult extends DeployResult {
  readonly provider: SandboxProvider;
  /**
   * Set when the stacks were not planned because they are unchanged since their last
   * apply into this emulator (./applied.ts): when that apply finished.
   */
  readonly unchangedSince?: string;
  /** Where the sandbox variant of the stacks was synthesized. */
  readonly outDir: string;
  /** Synthesized resources per stack. */
  readonly resources: Readonly<Record<string, number>>;
}

export interface SandboxDeployOptions {
  readonly config: DrConfig;
  /** The running emulator. */
  readonly endpoint: string;
  /** Its root key pair: Terraform deploys as the account's administrator, through its environment. */
  readonly credentials: ClientCredentials;
  readonly terraform: TerraformBinary;
  /** Directory holding `.dr/`. @default - the working directory */
  readonly cwd?: string;
  readonly reporter?: Reporter;
  readonly stacks?: readonly string[];
  readonly planOnly?: boolean;
  /** @default 'auto' */
  readonly approve?: DeployOptions['approve'];
  readonly gate: () => Promise<VerifySyncResult>;
  readonly afterApply?: DeployOptions['afterApply'];
  readonly preflight?: DeployOptions['preflight'];
  readonly migrate?: DeployOptions['migrate'];
  /** The mirror to install the provider from. @default - findAwsProviderMirror() */
  readonly mirror?: ProviderMirror | null;
  /** Directory of the built Lambda packages. @default - `dist/lambdas` of this checkout */
  readonly lambdaDir?: string;
  /** Runs Terraform (tests swap it). */
  readonly exec?: DeployOptions['exec'];
  /**
   * Skip Terraform when the stacks are unchanged since their last apply into this emulator
   * (the gate still runs): a second `dr sandbox up`. @default false (`dr deploy --sandbox`)
   */
  readonly skipUnchanged?: boolean;
}

/**
 * The emulator snapshot of the platform as deployed (resources and data as Terraform left
 * them): what `dr sandbox reset` puts back, and what the tests start each file from. Taken
 * beside the applied record, after every deploy that applied something (`dr sandbox up` and
 * `dr deploy --sandbox` alike), so it never lags behind the Terraform state.
 */
export const DEPLOYED_SNAPSHOT = 'deployed';

/** True when the emulator keeps the snapshot of the platform as deployed. */
export async function hasDeployedSnapshot(endpoint: string): Promise<boolean> {
  return (await listEmulatorSnapshots(endpoint)).includes(DEPLOYED_SNAPSHOT);
}

/** Takes the snapshot after an apply, or when the emulator has none yet. */
async function keepDeployedSnapshot(endpoint: string, applied: boolean): Promise<void> {
  if (applied || !(await hasDeployedSnapshot(endpoint))) await snapshotEmulator(endpoint, DEPLOYED_SNAPSHOT);
}

/** Where the sandbox's stacks keep their Terraform state (and ./applied.ts its record). */
export function sandboxStateDir(cwd?: string): string {
  return join(resolve(cwd ?? process.cwd()), SANDBOX_TERRAFORM_DIR, 'terraform-state');
}

/** The config the sandbox synthesizes: the same platform, its state kept locally. */
export function sandboxConfig(config: DrConfig): DrConfig {
  return { ...config, stateBackend: { type: 'local', path: 'terraform-state' } };
}

/** The version the stacks pin (`terraform.required_providers.aws.version`). */
function pinnedVersion(stack: Record<string, unknown>): string {
  const terraform = stack.terraform as { required_providers?: { aws?: { version?: string } } } | undefined;
  return terraform?.required_providers?.aws?.version ?? 'unpinned';
}

export interface PreparedSandboxStacks {
  readonly synth: SynthResult;
  /** The environment Terraform runs with (the mirror's CLI config). */
  readonly env: NodeJS.ProcessEnv;
  readonly provider: SandboxProvider;
}

/**
 * Synthesizes the sandbox variant under `.dr/sandbox/cdktf.out` and writes each stack's
 * provider override: everything `terraform init/plan/apply` then needs in the stack dirs.
 */
export async function prepareSandboxStacks(
  options: Pick<SandboxDeployOptions, 'config' | 'endpoint' | 'cwd' | 'lambdaDir' | 'mirror'> &
    Partial<Pick<SandboxDeployOptions, 'credentials'>> & {
      readonly reporter?: Reporter;
    },
): Promise<PreparedSandboxStacks> {
  const reporter = options.reporter ?? silentReporter;
  const cwd = resolve(options.cwd ?? process.cwd());
  const root = join(cwd, SANDBOX_TERRAFORM_DIR);
  const outDir = join(root, 'cdktf.out');
  await mkdir(root, { recursive: true });

  // The functions' packages: the stacks hash them (source_code_hash), so they must exist.
  const lambdaDir = resolve(options.lambdaDir ?? join(projectRoot(), 'dist', 'lambdas'));
  const { Naming } = await import('../contract/naming.js');
  const missing = Naming.functions.filter((fn) => !existsSync(join(lambdaDir, `${fn}.zip`)));
  if (missing.length > 0) {
    throw new UsageError(
      `the Lambda packages ${missing.join(', ')} are not built in ${lambdaDir}: run \`npm run build:lambdas\` (or \`npm run build\`) first`,
    );
  }

  const synthStep = reporter.step('Synthesizing the stacks for the sandbox');
  const { synthesize } = await (await import('../core/synth-loader.js')).loadSynth();
  const synth = await synthesize({ config: sandboxConfig(options.config), outDir, lambdaDir });

  const mirror = options.mirror === undefined ? findAwsProviderMirror() : (options.mirror ?? undefined);
  const env: NodeJS.ProcessEnv = { ...SANDBOX_TERRAFORM_ENV, ...terraformEnv() };
  if (options.credentials) {
    const key = typeof options.credentials === 'function' ? await options.credentials() : options.credentials;
    // The environment, not the override file: no key is written to disk. A profile from
    // the user's shell would otherwise win.
    delete env.AWS_PROFILE;
    delete env.AWS_SESSION_TOKEN;
    env.AWS_ACCESS_KEY_ID = key.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = key.secretAccessKey;
    if (key.sessionToken) env.AWS_SESSION_TOKEN = key.sessionToken;
  }
  if (mirror) {
    const cliConfig = join(root, 'terraform.tfrc');
    await writeFile(cliConfig, mirrorCliConfig(mirror));
    env.TF_CLI_CONFIG_FILE = cliConfig;
  }
  let pinned = 'unpinned';
  for (const stack of synth.stacks) {
    const json = JSON.parse(await readFile(resolve(stack.file), 'utf8')) as Record<string, unknown>;
    pinned = pinnedVersion(json);
    const override = sandboxOverride(json, {
      endpoint: options.endpoint,
      ...(mirror ? { providerVersion: mirror.version } : {}),
    });
    await writeFile(
      join(resolve(stack.workingDirectory), SANDBOX_OVERRIDE_FILE),
      `${JSON.stringify(override, null, 2)}\n`,
    );
  }
  const provider: SandboxProvider = mirror
    ? { version: mirror.version, source: 'mirror', mirror: mirror.dir }
    : { version: pinned, source: 'registry' };
  synthStep.succeed(
    `${synth.stacks.length} stacks, provider hashicorp/aws ${provider.version} (${mirror ? `mirror ${mirror.dir}` : 'registry'})`,
  );
  return { synth, env, provider };
}

export async function deploySandbox(options: SandboxDeployOptions): Promise<SandboxDeployResult> {
  const reporter = options.reporter ?? silentReporter;
  const cwd = resolve(options.cwd ?? process.cwd());
  const { synth, env, provider } = await prepareSandboxStacks({ ...options, reporter });
  const started = Date.now();
  const stateDir = sandboxStateDir(cwd);
  const fingerprint = await stacksFingerprint(synth.stacks, {
    providerVersion: provider.version,
    terraform: options.terraform.path,
  });
  const sandboxPart = {
    provider,
    outDir: synth.outDir,
    resources: Object.fromEntries(synth.stacks.map((s) => [s.name, s.resourceCount])),
  };
  const applied = await readApplied(stateDir);
  if (
    options.skipUnchanged &&
    !options.planOnly &&
    (options.stacks ?? []).length === 0 &&
    applied?.fingerprint === fingerprint &&
    applied.endpoint === options.endpoint
  ) {
    reporter.info(
      `The stacks are unchanged since their apply at ${applied.at}: not planned again (\`dr deploy --sandbox\` plans them)`,
    );
    const gate = await runGate(options.gate, reporter);
    // An emulator from before snapshots were taken has none yet.
    if (gate.ok) await keepDeployedSnapshot(options.endpoint, false);
    const waves = synth.deployOrder.map((wave) => [...wave]);
    return {
      ok: gate.ok,
      outcome: gate.ok ? 'deployed' : 'gate-failed',
      planOnly: false,
      terraform: options.terraform,
      logDir: '',
      waves,
      dependenciesNotSelected: [],
      stacks: synth.stacks.map((stack) => ({
        name: stack.name,
        wave: waves.findIndex((w) => w.includes(stack.name)) + 1,
        workingDirectory: stack.workingDirectory,
        log: '',
        status: 'not-run',
        durations: { total: 0 },
      })),
      gate,
      ms: Date.now() - started,
      ...sandboxPart,
      unchangedSince: applied.at,
    };
  }

  const result = await deploy({
    synth,
    terraform: options.terraform,
    stacks: options.stacks ?? [],
    planOnly: options.planOnly ?? false,
    logDir: logDirFor(join(cwd, '.dr', 'deploy')),
    reporter,
    approve: options.approve ?? 'auto',
    migrate:
      options.migrate ??
      (async () => ({
        status: 'skipped',
        reason:
          'the sandbox runs its orders database with the drill (dr drill --sandbox applies the migrations there)',
        applied: [],
        alreadyApplied: [],
        ms: 0,
      })),
    gate: options.gate,
    env,
    parallelism: SANDBOX_PARALLELISM,
    // No parent domain delegates to the sandbox's zone: the emulator's ACM issues once the
    // validation records are in its Route 53. Skipped, and the result and output say so.
    delegation: {
      zoneStack: new (await import('../contract/naming.js')).Naming(options.config).stack('zone'),
      skip: SANDBOX_DELEGATION_SKIPPED,
    },
    ...(options.afterApply ? { afterApply: options.afterApply } : {}),
    ...(options.preflight ? { preflight: options.preflight } : {}),
    ...(options.exec ? { exec: options.exec } : {}),
  });
  if (result.ok && !result.planOnly && (options.stacks ?? []).length === 0) {
    await writeApplied(stateDir, { fingerprint, endpoint: options.endpoint, at: new Date().toISOString() });
    await keepDeployedSnapshot(
      options.endpoint,
      result.stacks.some((s) => s.status === 'applied'),
    );
  }
  return { ...result, ...sandboxPart };
}
