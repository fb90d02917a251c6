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
import type { DrConfig } from '../config/schema.js';
import type { Reporter } from '../core/reporter.js';
import { ExitCode, type ExitCodeValue } from './exit-codes.js';

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

export function classifyError(error: unknown): ClassifiedError {
  const err = error as Error & {
    oclif?: { exit?: number };
    problems?: string[];
    holder?: string;
    region?: string;
  };
  const firstLine = (text: string) =>
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'unknown error';
  switch (err?.name) {
    case 'ConfigError':
      return {
        exitCode: ExitCode.Usage,
        code: 'BAD_CONFIG',
        message: err.message,
        details: { problems: err.problems ?? [] },
      };
    case 'UsageError':
      return { exitCode: ExitCode.Usage, code: 'BAD_USAGE', message: firstLine(err.message) };
    case 'CheckFailedError':
      return { exitCode: ExitCode.CheckFailed, code: 'CHECK_FAILED', message: firstLine(err.message) };
    case 'LockHeldError':
      return {
        exitCode: ExitCode.LockHeld,
        code: 'LOCK_HELD',
        message: firstLine(err.message),
        details: { holder: err.holder },
      };
    case 'RegionUnreachableError':
      return {
        exitCode: ExitCode.RegionUnreachable,
        code: 'REGION_UNREACHABLE',
        message: firstLine(err.message),
        details: { region: err.region },
      };
    default:
      break;
  }
  // oclif's own errors: parser errors (unknown flag, missing argument, bad option value)
  // carry exit 2; `this.error(message, { exit })` carries the code a command chose.
  if (err instanceof Errors.CLIError || err?.oclif?.exit !== undefined) {
    const exit = (err.oclif?.exit ?? ExitCode.Failed) as ExitCodeValue;
    if (exit === ExitCode.Usage) {
      return { exitCode: exit, code: 'BAD_USAGE', message: `${firstLine(err.message)} (see --help)` };
    }
    return { exitCode: exit, code: exit === ExitCode.Ok ? 'OK' : 'FAILED', message: firstLine(err.message) };
  }
  return { exitCode: ExitCode.Failed, code: 'FAILED', message: firstLine(err?.message ?? String(error)) };
}

export abstract class DrCommand<T> extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    config: Flags.string({
      summary: 'Path of the config file.',
      default: 'dr.config.json',
      helpGroup: 'GLOBAL',
    }),
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

  /** Loads and validates the config named by `--config`. */
  protected async loadDrConfig(path: string): Promise<DrConfig> {
    const { loadConfig } = await import('../config/load.js');
    const { config } = await loadConfig(path);
    return config;
  }

  /** Progress on stderr as spinners, or nothing under `--json`. */
  protected async reporter(): Promise<Reporter> {
    const { stderrReporter } = await import('./progress.js');
    return stderrReporter({ quiet: this.jsonEnabled() });
  }

  /**
   * AWS clients (src/aws) for `--profile`, or for the sandbox under `--sandbox`
   * (`DR_ENDPOINT` otherwise). A missing sandbox is a usage error (exit 2).
   */
  protected async awsClients(
    flags: { profile?: string; sandbox?: boolean },
    options: { timeoutMs?: number; maxAttempts?: number } = {},
  ): Promise<AwsClients> {
    const { awsClientsFor } = await import('../core/sandbox/target.js');
    return awsClientsFor({ ...flags, ...options });
  }

  abstract override run(): Promise<T>;

  protected override async catch(error: Interfaces.CommandError): Promise<void> {
    const classified = classifyError(error);
    process.exitCode = classified.exitCode;
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
