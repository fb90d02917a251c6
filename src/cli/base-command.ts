/**
 * The base of every `dr` command: the shared flags, `--json`, config loading and the
 * mapping from typed errors to the exit-code contract. Commands parse flags, call
 * core, and render; everything else lives here or in core.
 *
 * Imports stay light (no cdktf, provider or AWS SDK): oclif loads every command to
 * render `dr --help`, and that path has a 300 ms budget.
 */
import { Command, Errors, Flags, type Interfaces } from '@oclif/core';
import type { AwsClients } from '../aws/clients.js';
import type { SandboxActor } from '../sandbox/target.js';
import type { DrConfig } from '../config/schema.js';
import type { Reporter } from '../core/reporter.js';
import { DrError, firstLine, type Outcome } from '../contract/errors.js';
import { EXIT_CODES, ExitCode, type ExitCodeValue } from './exit-codes.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof DrCommand)['baseFlags'] & T['flags']
>;

/** What an error means for the contract: exit code, stable code word, one line. */
export interface ClassifiedError {
  readonly exitCode: ExitCodeValue;
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

const SEE_HELP = 'See more help with --help';
const EXCLUSIVE = /^--([\w-]+)(?:=\S*)? cannot also be provided when using --([\w-]+)$/;

/**
 * The reason an oclif parse error gives, on one line. oclif puts it below a header
 * ("The following error occurred:", "Parsing --watch", "Missing 1 required arg:") and
 * ends with "See more help with --help"; the header alone says nothing.
 */
export function parseErrorReason(error: Error & { args?: unknown }): string {
  const lines = error.message
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '' && l !== SEE_HELP);
  const [head = 'bad usage', ...rest] = lines;
  // Missing arguments: their names (and what they are) from the error itself.
  if (Array.isArray(error.args) && /^Missing \d+ required arg/.test(head)) {
    const args = (error.args as Array<{ name?: string; description?: string }>)
      .filter((a) => a.name)
      .map((a) => (a.description ? `${a.name} (${a.description.replace(/\.$/, '')})` : a.name));
    return `${head.replace(/:$/, '')}${args.length > 0 ? `: ${args.join(', ')}` : ''}`;
  }
  // Flag validation: one line per reason; a pair of exclusive flags is said once.
  const seen = new Set<string>();
  const reasons = rest.filter((line) => {
    const pair = EXCLUSIVE.exec(line);
    if (!pair) return true;
    const key = [pair[1], pair[2]].sort().join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const reasonText = reasons
    .map((r) => r.replace(/^Missing required flag ([\w-]+)$/, 'Missing required flag --$1'))
    .join('; ');
  if (reasonText === '') return head.replace(/:$/, '');
  if (/^The following errors? occurred:?$/.test(head)) return reasonText;
  return `${head.replace(/:$/, '')}: ${reasonText}`;
}

/**
 * What `error` means for the contract. A `DrError` says it itself (its outcome maps to
 * the exit code through `EXIT_CODES`); oclif's own errors carry an exit code; anything
 * else failed (exit 1).
 */
export function classifyError(error: unknown, command?: string): ClassifiedError {
  if (error instanceof DrError) {
    return {
      exitCode: EXIT_CODES[error.outcome],
      code: error.code,
      message: error.summary,
      ...(error.jsonDetails ? { details: error.jsonDetails } : {}),
    };
  }
  const err = error as Error & { oclif?: { exit?: number } };
  // oclif's own errors: parser errors (unknown flag, missing argument, bad option value)
  // carry exit 2; `this.error(message, { exit })` carries the code a command chose.
  if (err instanceof Errors.CLIError || err?.oclif?.exit !== undefined) {
    const exit = (err.oclif?.exit ?? ExitCode.Failed) as ExitCodeValue;
    if (exit === ExitCode.Usage) {
      const help = command ? `dr ${command} --help` : 'dr --help';
      return { exitCode: exit, code: 'BAD_USAGE', message: `${parseErrorReason(err)} (see \`${help}\`)` };
    }
    return { exitCode: exit, code: exit === ExitCode.Ok ? 'OK' : 'FAILED', message: firstLine(err.message) };
  }
  return { exitCode: ExitCode.Failed, code: 'FAILED', message: firstLine(err?.message ?? String(error)) };
}

/**
 * What a command's `execute` hands back: the result (`--json` prints it) and how the run
 * ended. The base command turns the outcome into the exit code, in one place for every
 * command.
 */
export interface Finished<T> {
  readonly result: T;
  /** @default 'ok' */
  readonly outcome?: Outcome;
  /** One line for stderr (after `dr: `) saying why; for people only unless `noticeUnderJson`. */
  readonly notice?: string;
  /** Show the notice under `--json` too (a cancellation: stdout stays the result alone). */
  readonly noticeUnderJson?: boolean;
}

/**
 * The base of every `dr` command: `--json`, progress, and the error-to-exit-code contract.
 * Alone, for commands that read no config (the sandbox's controls, which act on the
 * sandbox recorded in ./.dr/sandbox.json).
 */
export abstract class DrBaseCommand<T> extends Command {
  static override enableJsonFlag = true;

  /** Progress on stderr as spinners, or nothing under `--json`. */
  protected async reporter(): Promise<Reporter> {
    const { stderrReporter } = await import('./progress.js');
    return stderrReporter({ quiet: this.jsonEnabled() });
  }

  /** The command's work: parse flags, call core, render; says how it ended. */
  protected abstract execute(): Promise<Finished<T>>;

  /**
   * Every command ends here: the exit code from the outcome (`EXIT_CODES`), the notice
   * on stderr, and the result for `--json`. Errors end in `catch`, through the same table.
   */
  async run(): Promise<T> {
    const { result, outcome = 'ok', notice, noticeUnderJson = false } = await this.execute();
    this.exitWith(EXIT_CODES[outcome]);
    if (notice !== undefined && (noticeUnderJson || !this.jsonEnabled())) this.logToStderr(`dr: ${notice}`);
    return result;
  }

  /** The one place a command sets its exit code. */
  private exitWith(code: ExitCodeValue): void {
    process.exitCode = code;
  }

  private exitWhenDone = false;

  /**
   * Ends the process once this command has finished, instead of waiting for the event
   * loop to drain: after a signal, calls still in flight (a region holding connections)
   * would keep `dr` alive until their timeouts.
   */
  protected exitWhenFinished(): void {
    this.exitWhenDone = true;
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    const result = await super.finally(error);
    if (this.exitWhenDone) process.stdout.write('', () => process.stderr.write('', () => process.exit()));
    return result;
  }

  protected override async catch(error: Interfaces.CommandError): Promise<void> {
    const classified = classifyError(error, this.id?.replaceAll(':', ' '));
    this.exitWith(classified.exitCode);
    if (process.env.DEBUG && error?.stack) process.stderr.write(`${error.stack}\n`);
    if (this.jsonEnabled()) {
      this.logJson({
        error: {
          code: classified.code,
          message: classified.message,
          exitCode: classified.exitCode,
          ...classified.details,
        },
      });
      return;
    }
    const problems = classified.details?.problems;
    if (Array.isArray(problems) && problems.length > 0) {
      const file = (error as { file?: string }).file;
      for (const problem of problems) this.logToStderr(`dr: ${file ? `${file}: ` : ''}${String(problem)}`);
      return;
    }
    this.logToStderr(`dr: ${classified.message}`);
  }
}

/**
 * A `dr` command that reads the config but never talks to AWS (synth, sandbox up and
 * reset): `--json` and `--config` only, since `--profile` and `--sandbox` would be
 * ignored there.
 */
export abstract class DrLocalCommand<T> extends DrBaseCommand<T> {
  static override baseFlags = {
    config: Flags.string({
      summary: 'Path of the config file.',
      default: 'dr.config.json',
      helpGroup: 'GLOBAL',
    }),
  };

  /** Loads and validates the config named by `--config`. */
  protected async loadDrConfig(path: string): Promise<DrConfig> {
    const { loadConfig } = await import('../config/load.js');
    const { config } = await loadConfig(path);
    return config;
  }
}

/** A `dr` command that reads or changes the platform: also `--profile` and `--sandbox`. */
export abstract class DrCommand<T> extends DrLocalCommand<T> {
  static override baseFlags = {
    ...DrLocalCommand.baseFlags,
    profile: Flags.string({
      summary: 'AWS profile from the shared config (default: the SDK credential chain).',
      helpGroup: 'GLOBAL',
    }),
    sandbox: Flags.boolean({
      summary: 'Talk to the local sandbox started by `dr sandbox up` instead of AWS.',
      default: false,
      helpGroup: 'GLOBAL',
    }),
  };

  /**
   * AWS clients (src/aws) for `--profile`, or for the sandbox under `--sandbox`
   * (`DR_ENDPOINT` otherwise). A missing sandbox is a usage error (exit 2).
   */
  protected async awsClients(
    flags: { profile?: string; sandbox?: boolean },
    options: { timeoutMs?: number; maxAttempts?: number; actAs?: SandboxActor } = {},
  ): Promise<AwsClients> {
    const { awsClientsFor } = await import('../sandbox/target.js');
    return awsClientsFor({ ...flags, ...options });
  }

  /**
   * AWS clients for an SRE's command. Under `--sandbox` they act as the deployed DR
   * operator role (assumed by the sandbox's root user, as an SSO session assumes it), so
   * the role's policy is what the sandbox enforces; on AWS, the caller's own identity.
   */
  protected async operatorClients(
    flags: { profile?: string; sandbox?: boolean },
    config: DrConfig,
    options: { timeoutMs?: number; maxAttempts?: number } = {},
  ): Promise<AwsClients> {
    const { Naming } = await import('../contract/naming.js');
    return this.awsClients(flags, {
      ...options,
      actAs: {
        role: new Naming(config).role('operator'),
        regions: [config.regions.primary, config.regions.secondary],
      },
    });
  }
}
