/**
 * `dr deploy`: the synthesized stacks through Terraform, wave by wave (the stacks of a
 * wave in parallel), then the orders database step, then the verify-sync gate. Only a
 * passing gate makes a deployment "deployed".
 *
 * Per stack, in its working directory: `init`, `plan -out=dr.tfplan`, `apply dr.tfplan`
 * (see ./terraform.ts), the full output of each call appended to `<logDir>/<stack>.log`.
 * The first failure stops the run: calls already running (other stacks of the same
 * wave) finish, nothing new starts, later waves do not run.
 *
 * Delegation: when the platform creates its hosted zone (the zone stack), the stacks that
 * depend on it (the global stack validates certificates in the zone) wait until the
 * parent domain delegates to the zone. Before the first wave holding such a stack, the
 * zone stack's outputs are read and `delegation.wait` checks public DNS (./delegation.ts);
 * not delegated: the run stops there (`awaiting-delegation`), and the next run, once the
 * NS records are in place, continues (the applied stacks plan no changes).
 *
 * Approval: `approve: 'auto'` applies each stack right after its plan. A function is
 * asked once per wave, after the wave's plans, with those plans; false stops the run
 * before anything of that wave is applied.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SynthResult } from '../synth.js';
import type { VerifySyncResult } from '../verify-sync.js';
import { silentReporter, type Reporter, type StepReporter } from '../reporter.js';
import type { MigrationOutcome } from './migrate.js';
import { selectStacks } from './select.js';
import { Naming } from '../../contract/naming.js';
import type { Outcome } from '../../contract/errors.js';
import type { TerraformBinary } from './terraform-bin.js';
import type { DelegationCheck } from './delegation.js';
import {
  parsePlanSummary,
  readTerraformOutputs,
  runTerraformCall,
  terraformEnv,
  type PlanSummary,
  type Subcommand,
  type TerraformExec,
} from './terraform.js';

export type StackStatus = 'not-run' | 'initialized' | 'planned' | 'applied' | 'failed';

export interface StackResult {
  readonly name: string;
  /** 1-based wave number. */
  readonly wave: number;
  readonly workingDirectory: string;
  /** The stack's log file (relative to the working directory of `dr`). */
  readonly log: string;
  readonly status: StackStatus;
  /** The call that failed. */
  readonly failedAt?: Subcommand;
  readonly exitCode?: number | null;
  /** What the plan said it would change (absent when the plan did not run or said neither). */
  readonly plan?: PlanSummary;
  /** Milliseconds per call, and in total. */
  readonly durations: Partial<Record<Subcommand, number>> & { readonly total: number };
}

export type DeployOutcome =
  | 'deployed'
  | 'planned'
  | 'refused'
  | 'stack-failed'
  | 'awaiting-delegation'
  | 'cancelled'
  | 'migrations-failed'
  | 'gate-failed';

/**
 * How each deploy outcome ends the command: a failed stack or database step failed; a
 * failed gate is a failed check (never "deployed"); awaiting the delegation is not a
 * failure but a check the operator makes pass (NS records at the parent: the next run
 * continues); a refusal (the preflight) is bad usage, nothing changed.
 */
export const DEPLOY_OUTCOMES: Readonly<Record<DeployOutcome, Outcome>> = {
  deployed: 'ok',
  planned: 'ok',
  cancelled: 'ok',
  refused: 'usage',
  'stack-failed': 'failed',
  'awaiting-delegation': 'check-failed',
  'migrations-failed': 'failed',
  'gate-failed': 'check-failed',
};

/**
 * The parent domain's delegation to the zone the zone stack created:
 * - `delegated`, `not-delegated`, `no-answer`: what public DNS said (./delegation.ts);
 * - `zone-unknown`: the zone stack's outputs name no zone (it was never applied);
 * - `skipped`: not checked, and `reason` says why (the sandbox has no parent domain).
 */
export type DelegationOutcome =
  | ({
      readonly status: DelegationCheck['status'];
      readonly zoneStack: string;
      readonly message?: string;
    } & Omit<DelegationCheck, 'status'> & { readonly checks?: number; readonly waitedMs?: number })
  | { readonly status: 'zone-unknown'; readonly zoneStack: string; readonly message: string }
  | { readonly status: 'skipped'; readonly zoneStack: string; readonly reason: string };

export interface DelegationOptions {
  /** The stack that creates the hosted zone; absent from the synth (an existing zone): nothing to wait for. */
  readonly zoneStack: string;
  /** Why the delegation is not checked (e.g. the sandbox: no parent domain); undefined: checked. */
  readonly skip?: string;
  /**
   * Checks, waiting as long as it was told, whether the parent delegates `domain` to
   * `nameServers`; `message` says what to do when it does not.
   */
  readonly wait?: (
    zone: { readonly domain: string; readonly nameServers: string[] },
    reporter: StepReporter,
  ) => Promise<DelegationCheck & { readonly checks?: number; readonly waitedMs?: number }>;
  /** The operator's instructions for a check that is not `delegated`. */
  readonly message?: (check: DelegationCheck) => string;
}

export interface DeployFailure {
  readonly stack: string;
  readonly subcommand: Subcommand;
  /** Resource addresses Terraform named in its errors (`with aws_x.y,`). */
  readonly resources: string[];
  readonly exitCode: number | null;
  readonly log: string;
  /** Stacks whose running call finished after the failure (nothing new was started for them). */
  readonly finishedInFlight: string[];
  /** Selected stacks that never ran a call. */
  readonly notRun: string[];
}

export interface DeployResult {
  /** True only when `deployed` (or `planned` under plan-only). */
  readonly ok: boolean;
  readonly outcome: DeployOutcome;
  readonly planOnly: boolean;
  readonly terraform: TerraformBinary;
  readonly logDir: string;
  /** The waves this run went through (selected stacks only). */
  readonly waves: string[][];
  /** Dependencies of the selected stacks that this run did not deploy (`--stack`). */
  readonly dependenciesNotSelected: string[];
  readonly stacks: StackResult[];
  readonly failure?: DeployFailure;
  /** Why the preflight refused (`refused`): nothing was run. */
  readonly refusals?: string[];
  /** The zone's delegation, when this run had to rely on it (see DelegationOptions). */
  readonly delegation?: DelegationOutcome;
  readonly migrations?: MigrationOutcome;
  readonly gate?: VerifySyncResult;
  readonly ms: number;
}

export interface DeployOptions {
  readonly synth: Pick<SynthResult, 'stacks' | 'deployOrder'>;
  readonly terraform: TerraformBinary;
  /** `--stack` names (full or short); empty: all. */
  readonly stacks?: readonly string[];
  readonly planOnly?: boolean;
  /** Folder of the per-stack logs (created). */
  readonly logDir: string;
  /** `auto`, or asked once per wave with its plans; false cancels. */
  readonly approve: 'auto' | ((plans: readonly StackResult[]) => Promise<boolean>);
  /** The database step after apply. */
  readonly migrate: () => Promise<MigrationOutcome>;
  /** The verify-sync gate after the database step (may throw RegionUnreachableError). */
  readonly gate: () => Promise<VerifySyncResult>;
  /**
   * A step after every stack is applied and before the database step (the sandbox puts
   * what Terraform does not hold there); returns its one-line result.
   */
  readonly afterApply?: { readonly label: string; run(): Promise<string> };
  /**
   * Before any Terraform call: what in the accounts the apply would break, one line each
   * (e.g. ./api-gateway-account.ts); any line refuses the run, nothing changed.
   */
  readonly preflight?: () => Promise<string[]>;
  /** The wait for the parent domain's delegation to a created zone; undefined: none. */
  readonly delegation?: DelegationOptions;
  readonly reporter?: Reporter;
  readonly exec?: TerraformExec;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Terraform's `-parallelism` for plan and apply. @default - Terraform's own (10), as
   * `dr deploy` runs against AWS; the sandbox raises it (src/sandbox/deploy.ts)
   */
  readonly parallelism?: number;
}

const ZONE_OUTPUTS = Naming.zoneOutputs;

type MutableStack = { -readonly [K in keyof StackResult]: StackResult[K] } & {
  durations: Partial<Record<Subcommand, number>> & { total: number };
  /** The failed call's resource addresses. */
  failedResources?: string[];
};

/** Resource addresses in Terraform's error diagnostics (`  with aws_sqs_queue.orders,`). */
export function failedResourceAddresses(output: string): string[] {
  const found = new Set<string>();
  for (const match of output.matchAll(/^\s*with ([A-Za-z0-9_.\-[\]"]+),\s*$/gm)) {
    if (match[1]) found.add(match[1]);
  }
  // Configuration errors name the resource in their source line instead.
  for (const match of output.matchAll(
    /^\s*on \S+ line \d+, in resource\.([A-Za-z0-9_]+\.[A-Za-z0-9_-]+)/gm,
  )) {
    if (match[1]) found.add(match[1]);
  }
  return [...found];
}

function hasNoChanges(plan: PlanSummary | undefined): boolean {
  return plan !== undefined && plan.add + plan.change + plan.destroy + plan.import === 0;
}

function planText(plan: PlanSummary | undefined): string {
  if (!plan) return 'plan summary not found in the output';
  if (plan.add + plan.change + plan.destroy + plan.import === 0) return 'no changes';
  return `${plan.import ? `${plan.import} to import, ` : ''}${plan.add} to add, ${plan.change} to change, ${plan.destroy} to destroy`;
}

export async function deploy(options: DeployOptions): Promise<DeployResult> {
  const started = Date.now();
  const reporter = options.reporter ?? silentReporter;
  const planOnly = options.planOnly ?? false;
  const selection = selectStacks(options.synth.stacks, options.synth.deployOrder, options.stacks ?? []);
  await mkdir(options.logDir, { recursive: true });
  const env = options.env ?? terraformEnv();

  const byName = new Map(options.synth.stacks.map((s) => [s.name, s]));
  const results: MutableStack[] = selection.waves.flatMap((wave, i) =>
    wave.map((name) => ({
      name,
      wave: i + 1,
      workingDirectory: byName.get(name)?.workingDirectory ?? '',
      log: join(options.logDir, `${name}.log`),
      status: 'not-run' as StackStatus,
      durations: { total: 0 },
    })),
  );
  const stackResult = (name: string) => results.find((r) => r.name === name) as MutableStack;
  let failed: MutableStack | undefined;
  const running = new Set<string>();
  const finishedInFlight = new Set<string>();

  /** Runs `subcommands` for one stack; stops before the next call once any stack failed. */
  const runCalls = async (stack: MutableStack, subcommands: Subcommand[], step: StepReporter) => {
    for (const subcommand of subcommands) {
      if (failed) return;
      // A saved plan without changes has nothing to apply: the stack is as planned.
      if (subcommand === 'apply' && hasNoChanges(stack.plan)) {
        stack.status = 'applied';
        continue;
      }
      step.update(subcommand);
      running.add(stack.name);
      const call = await runTerraformCall({
        bin: options.terraform.path,
        subcommand,
        cwd: resolve(stack.workingDirectory),
        logFile: stack.log,
        env,
        ...(options.exec ? { exec: options.exec } : {}),
        ...(options.parallelism === undefined ? {} : { settings: { parallelism: options.parallelism } }),
      });
      running.delete(stack.name);
      if (failed) finishedInFlight.add(stack.name);
      stack.durations[subcommand] = call.ms;
      stack.durations.total += call.ms;
      if (subcommand === 'plan') {
        const plan = parsePlanSummary(call.output);
        if (plan) stack.plan = plan;
      }
      if (call.exitCode !== 0) {
        stack.status = 'failed';
        stack.failedAt = subcommand;
        stack.exitCode = call.exitCode;
        stack.failedResources = failedResourceAddresses(call.output);
        failed ??= stack;
        return;
      }
      stack.status = subcommand === 'init' ? 'initialized' : subcommand === 'plan' ? 'planned' : 'applied';
    }
  };

  const stepDetail = (stack: MutableStack, finalStatus: StackStatus) => {
    if (stack.status === 'failed') {
      const at = stack.failedResources?.length ? ` (${stack.failedResources.join(', ')})` : '';
      return `failed at ${stack.failedAt}${at}: see ${stack.log}`;
    }
    if (stack.status !== finalStatus) {
      return `stopped after ${stack.status === 'initialized' ? 'init' : stack.status === 'planned' ? 'plan' : 'nothing'} (another stack failed)`;
    }
    return `${stack.status === 'applied' ? 'applied' : 'plan'}: ${planText(stack.plan)}`;
  };

  /** One wave, every stack in parallel, each through `subcommands`; one step line per stack. */
  const runWave = async (wave: string[], subcommands: Subcommand[]) => {
    const final: StackStatus = subcommands.includes('apply') ? 'applied' : 'planned';
    await Promise.all(
      wave.map(async (name) => {
        const stack = stackResult(name);
        if (failed) return;
        const label = subcommands[0] === 'apply' ? `${name}: apply` : name;
        const step = reporter.step(label);
        if (stack.status === 'not-run') {
          await writeFile(stack.log, `# dr deploy: ${name} with ${options.terraform.path}\n`, { flag: 'a' });
        }
        await runCalls(stack, subcommands, step);
        if (stack.status === 'failed') step.fail(stepDetail(stack, final));
        else step.succeed(stepDetail(stack, final));
      }),
    );
  };

  // The stacks that need the zone delegated: those depending, directly or not, on the zone stack.
  const zoneStack = options.delegation?.zoneStack;
  const needsDelegation = new Set<string>();
  if (zoneStack && byName.has(zoneStack)) {
    let grew = true;
    while (grew) {
      grew = false;
      for (const s of options.synth.stacks) {
        if (needsDelegation.has(s.name)) continue;
        if (s.dependencies.some((d) => d === zoneStack || needsDelegation.has(d))) {
          needsDelegation.add(s.name);
          grew = true;
        }
      }
    }
  }
  let delegation: DelegationOutcome | undefined;

  /** Before the first wave that needs it: the zone stack's outputs, then the check. */
  const checkDelegation = async (): Promise<DelegationOutcome> => {
    const d = options.delegation as DelegationOptions;
    const name = d.zoneStack;
    const step = reporter.step(`DNS delegation of the hosted zone (${name})`);
    if (d.skip !== undefined || !d.wait) {
      const reason = d.skip ?? 'no check configured';
      step.succeed(`skipped: ${reason}`);
      return { status: 'skipped', zoneStack: name, reason };
    }
    // A zone stack this run did not select was applied before: its state has the outputs
    // (after an init in its directory, which this run did not do).
    const zone = results.find((r) => r.name === name);
    const workingDirectory = zone?.workingDirectory ?? byName.get(name)?.workingDirectory ?? '';
    const logFile = zone?.log ?? join(options.logDir, `${name}.log`);
    if (!zone) {
      await runTerraformCall({
        bin: options.terraform.path,
        subcommand: 'init',
        cwd: resolve(workingDirectory),
        logFile,
        env,
        ...(options.exec ? { exec: options.exec } : {}),
      });
    }
    step.update('reading the zone stack outputs');
    const outputs = await readTerraformOutputs({
      bin: options.terraform.path,
      cwd: resolve(workingDirectory),
      logFile,
      env,
      ...(options.exec ? { exec: options.exec } : {}),
    });
    const domain = outputs?.[ZONE_OUTPUTS.domain];
    const nameServers = outputs?.[ZONE_OUTPUTS.nameServers];
    if (
      typeof domain !== 'string' ||
      !Array.isArray(nameServers) ||
      nameServers.length === 0 ||
      !nameServers.every((ns) => typeof ns === 'string')
    ) {
      const message = `the state of ${name} names no hosted zone (outputs ${ZONE_OUTPUTS.domain}, ${ZONE_OUTPUTS.nameServers}; see ${logFile}): apply it first (\`dr deploy --stack ${name}\`)`;
      step.fail(message);
      return { status: 'zone-unknown', zoneStack: name, message };
    }
    const check = await d.wait({ domain, nameServers: nameServers as string[] }, step);
    if (check.status === 'delegated') {
      step.succeed(`${check.domain} delegated to ${check.nameServers.join(', ')}`);
      return { ...check, zoneStack: name };
    }
    const message = d.message?.(check);
    step.fail(`${check.domain}: ${check.status}`);
    return { ...check, zoneStack: name, ...(message ? { message } : {}) };
  };

  let outcome: DeployOutcome | undefined;
  const refusals = options.preflight ? await options.preflight() : [];
  for (const wave of refusals.length > 0 ? [] : selection.waves) {
    if (!planOnly && delegation === undefined && wave.some((name) => needsDelegation.has(name))) {
      delegation = await checkDelegation();
      if (delegation.status !== 'delegated' && delegation.status !== 'skipped') {
        outcome = 'awaiting-delegation';
        break;
      }
    }
    if (planOnly) {
      await runWave(wave, ['init', 'plan']);
    } else if (options.approve === 'auto') {
      await runWave(wave, ['init', 'plan', 'apply']);
    } else {
      await runWave(wave, ['init', 'plan']);
      if (failed) break;
      const approved = await options.approve(wave.map(stackResult));
      if (!approved) {
        outcome = 'cancelled';
        break;
      }
      await runWave(wave, ['apply']);
    }
    if (failed) break;
  }

  const base = {
    planOnly,
    terraform: options.terraform,
    logDir: options.logDir,
    waves: selection.waves,
    dependenciesNotSelected: selection.dependenciesNotSelected,
    stacks: results as StackResult[],
  };
  const done = (rest: Partial<DeployResult> & { outcome: DeployOutcome }): DeployResult => ({
    ok: rest.outcome === 'deployed' || rest.outcome === 'planned',
    ...base,
    ...(delegation ? { delegation } : {}),
    ...rest,
    ms: Date.now() - started,
  });

  if (failed) {
    return done({
      outcome: 'stack-failed',
      failure: {
        stack: failed.name,
        subcommand: failed.failedAt as Subcommand,
        resources: failed.failedResources ?? [],
        exitCode: failed.exitCode ?? null,
        log: failed.log,
        finishedInFlight: [...finishedInFlight].filter((n) => n !== failed?.name),
        notRun: results.filter((r) => r.status === 'not-run').map((r) => r.name),
      },
    });
  }
  if (refusals.length > 0) return done({ outcome: 'refused', refusals });
  if (outcome === 'cancelled' || outcome === 'awaiting-delegation') return done({ outcome });
  if (planOnly) return done({ outcome: 'planned' });

  if (options.afterApply) {
    const after = reporter.step(options.afterApply.label);
    try {
      after.succeed(await options.afterApply.run());
    } catch (error) {
      after.fail((error as Error).message);
      throw error;
    }
  }

  const dbStep = reporter.step('Orders database: migrations and fence seed');
  const migrations = await options.migrate();
  if (migrations.status === 'failed') {
    dbStep.fail(migrations.reason);
    return done({ outcome: 'migrations-failed', migrations });
  }
  if (migrations.status === 'skipped') dbStep.succeed(`skipped: ${migrations.reason}`);
  else
    dbStep.succeed(
      `${migrations.applied.length} applied, ${migrations.alreadyApplied.length} already applied on ${migrations.writer}`,
    );

  const gate = await runGate(options.gate, reporter);
  return done({ outcome: gate.ok ? 'deployed' : 'gate-failed', migrations, gate });
}

/** The verify-sync gate as one reported step; an error it throws fails the step and is rethrown. */
export async function runGate(
  gate: () => Promise<VerifySyncResult>,
  reporter: Reporter,
): Promise<VerifySyncResult> {
  const step = reporter.step('verify-sync gate');
  let result: VerifySyncResult;
  try {
    result = await gate();
  } catch (error) {
    step.fail((error as Error).message);
    throw error;
  }
  if (result.ok) step.succeed(`${result.passed} of ${result.checks.length} checks passed`);
  else step.fail(`${result.failed} of ${result.checks.length} checks failed`);
  return result;
}
