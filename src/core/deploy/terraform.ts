/**
 * One Terraform call in a stack's working directory, its whole output appended to the
 * stack's log file, and the parse of what a plan says it would change.
 */
import { spawn } from 'node:child_process';
import { appendFile } from 'node:fs/promises';

export type Subcommand = 'init' | 'plan' | 'apply';

/** Saved plan file, in the stack's working directory (next to `cdk.tf.json`). */
export const PLAN_FILE = 'dr.tfplan';

/** How a call runs, beyond what every call does. */
export interface CallSettings {
  /**
   * Terraform's `-parallelism` for plan and apply (how many resource operations run at
   * once). @default - Terraform's own (10): what `dr deploy` uses against AWS
   */
  readonly parallelism?: number;
}

/**
 * The arguments of each call. `-input=false`: never wait for a prompt; `-no-color`: the
 * output goes to a log file. Applying a saved plan needs no `-auto-approve`: Terraform
 * applies exactly the saved plan without asking (`--auto-approve` of `dr deploy` is about
 * whether `dr` asks a person first).
 */
export function terraformArgs(subcommand: Subcommand, settings: CallSettings = {}): string[] {
  const parallelism = settings.parallelism === undefined ? [] : [`-parallelism=${settings.parallelism}`];
  switch (subcommand) {
    case 'init':
      return ['init', '-input=false', '-no-color'];
    case 'plan':
      return ['plan', '-input=false', '-no-color', ...parallelism, `-out=${PLAN_FILE}`];
    case 'apply':
      return ['apply', '-input=false', '-no-color', ...parallelism, PLAN_FILE];
  }
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  readonly import: number;
  /** The line the numbers came from (`No changes.` when there are none). */
  readonly line: string;
}

const PLAN_LINE = /^Plan: (?:(\d+) to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy\./m;
const NO_CHANGES = /^No changes\./m;
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** What a plan's output says it would change; undefined when it says neither. */
export function parsePlanSummary(output: string): PlanSummary | undefined {
  const text = output.replace(ANSI, '');
  const match = PLAN_LINE.exec(text);
  if (match) {
    return {
      import: Number(match[1] ?? 0),
      add: Number(match[2]),
      change: Number(match[3]),
      destroy: Number(match[4]),
      line: match[0],
    };
  }
  if (NO_CHANGES.test(text)) return { import: 0, add: 0, change: 0, destroy: 0, line: 'No changes.' };
  return undefined;
}

export interface CallResult {
  readonly subcommand: Subcommand;
  readonly args: string[];
  /** Process exit code; null when it was killed by a signal or did not start. */
  readonly exitCode: number | null;
  readonly ms: number;
  /** stdout and stderr interleaved as they arrived. */
  readonly output: string;
  /** Why it did not start or was killed, when it did not exit by itself. */
  readonly error?: string;
}

/** Runs a Terraform call; swap it out in unit tests. */
export type TerraformExec = (options: {
  readonly bin: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Receives output as it arrives (for the log file). */
  readonly onOutput: (chunk: string) => void;
}) => Promise<{ exitCode: number | null; error?: string }>;

export const spawnTerraform: TerraformExec = ({ bin, args, cwd, env, onOutput }) =>
  new Promise((resolve) => {
    const child = spawn(bin, [...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => onOutput(d.toString()));
    child.stderr.on('data', (d: Buffer) => onOutput(d.toString()));
    child.on('error', (error) => resolve({ exitCode: null, error: error.message }));
    child.on('close', (code, signal) =>
      resolve(signal ? { exitCode: null, error: `killed by ${signal}` } : { exitCode: code }),
    );
  });

/** The environment of every call: no prompts, and Terraform knows it runs unattended. */
export function terraformEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
}

/** Runs one call and appends a header, its output and its exit to `logFile`. */
export async function runTerraformCall(options: {
  readonly bin: string;
  readonly subcommand: Subcommand;
  readonly cwd: string;
  readonly logFile: string;
  readonly exec?: TerraformExec;
  readonly env?: NodeJS.ProcessEnv;
  readonly settings?: CallSettings;
}): Promise<CallResult> {
  const args = terraformArgs(options.subcommand, options.settings);
  const started = Date.now();
  let output = '';
  // Appends are chained so the log keeps the order the chunks arrived in.
  let writing = appendFile(
    options.logFile,
    `\n$ ${options.bin} ${args.join(' ')}\n# cwd ${options.cwd}, started ${new Date(started).toISOString()}\n`,
  );
  const outcome = await (options.exec ?? spawnTerraform)({
    bin: options.bin,
    args,
    cwd: options.cwd,
    env: options.env ?? terraformEnv(),
    onOutput: (chunk) => {
      output += chunk;
      writing = writing.then(() => appendFile(options.logFile, chunk));
    },
  });
  const ms = Date.now() - started;
  const end =
    outcome.exitCode === null ? `did not finish: ${outcome.error ?? 'unknown'}` : `exit ${outcome.exitCode}`;
  writing = writing.then(() => appendFile(options.logFile, `# ${end} after ${(ms / 1000).toFixed(1)} s\n`));
  await writing;
  return {
    subcommand: options.subcommand,
    args,
    exitCode: outcome.exitCode,
    ms,
    output,
    ...(outcome.error ? { error: outcome.error } : {}),
  };
}

/** Arguments of `terraform output`: every root output as JSON (never prompts). */
export const OUTPUT_ARGS: readonly string[] = ['output', '-no-color', '-json'];

/**
 * The root outputs of a stack's state (`terraform output -json`), by name; the call is
 * appended to the stack's log like the others. Undefined when the call failed or printed
 * no JSON; `{}` when the state holds no outputs (e.g. the stack was never applied).
 */
export async function readTerraformOutputs(options: {
  readonly bin: string;
  readonly cwd: string;
  readonly logFile: string;
  readonly exec?: TerraformExec;
  readonly env?: NodeJS.ProcessEnv;
}): Promise<Record<string, unknown> | undefined> {
  let stdout = '';
  await appendFile(options.logFile, `\n$ ${options.bin} ${OUTPUT_ARGS.join(' ')}\n# cwd ${options.cwd}\n`);
  const outcome = await (options.exec ?? spawnTerraform)({
    bin: options.bin,
    args: OUTPUT_ARGS,
    cwd: options.cwd,
    env: options.env ?? terraformEnv(),
    onOutput: (chunk) => {
      stdout += chunk;
    },
  });
  await appendFile(options.logFile, `${stdout}# exit ${outcome.exitCode ?? outcome.error ?? 'none'}\n`);
  if (outcome.exitCode !== 0) return undefined;
  // The JSON object starts at the first `{` (a stand-in or a wrapper may print a line before it).
  const start = stdout.indexOf('{');
  if (start < 0) return undefined;
  try {
    const parsed = JSON.parse(stdout.slice(start)) as Record<string, { value?: unknown }>;
    return Object.fromEntries(Object.entries(parsed).map(([name, o]) => [name, o?.value]));
  } catch {
    return undefined;
  }
}
