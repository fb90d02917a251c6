/**
 * The Reporter core modules call, rendered as ora spinners on stderr. Under `--json`
 * or without a terminal on stderr (or one with no width) it prints plain lines (no
 * spinner frames) so logs stay readable; under `--json` with `quiet` it prints nothing.
 */
import type { Ora } from 'ora';
import type { Reporter, StepReporter } from '../core/reporter.js';
import { colorEnabled } from './style.js';

/** A spinner only on a terminal that has a width, never in CI. */
export function spinnerFits(
  stream: { isTTY?: boolean; columns?: number },
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  return Boolean(stream.isTTY) && (stream.columns ?? 0) > 0 && !env.CI && env.TERM !== 'dumb';
}

export async function stderrReporter(options: { quiet: boolean }): Promise<Reporter> {
  const stream = process.stderr;
  // ora and its dependencies (about 40 ms to load) only when a spinner will show: a real
  // terminal with a width. A pseudo-terminal without a size (`script -qc … | cat`, some CI
  // runners) reports 0 columns, and ora's redraw on 0 columns never ends: it wrote
  // hundreds of MB and kept the event loop too busy to handle SIGTERM.
  const ora = spinnerFits(stream) && !options.quiet ? (await import('ora')).default : undefined;
  const write = (line: string) => {
    if (!options.quiet) stream.write(`${line}\n`);
  };
  return {
    step(name: string): StepReporter {
      const started = Date.now();
      const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
      if (options.quiet) return { succeed() {}, fail() {}, update() {} };
      if (!ora) {
        return {
          succeed: (detail) => write(`✓ ${name}${detail ? ` — ${detail}` : ''} (${elapsed()})`),
          fail: (detail) => write(`✗ ${name}${detail ? ` — ${detail}` : ''} (${elapsed()})`),
          update: () => {},
        };
      }
      const spinner: Ora = ora({ text: name, stream, color: colorEnabled(stream) ? 'cyan' : false }).start();
      return {
        succeed: (detail) => spinner.succeed(`${name}${detail ? ` — ${detail}` : ''} (${elapsed()})`),
        fail: (detail) => spinner.fail(`${name}${detail ? ` — ${detail}` : ''} (${elapsed()})`),
        update: (text) => {
          spinner.text = `${name} — ${text}`;
        },
      };
    },
    info: (message) => write(message),
    warn: (message) => write(`! ${message}`),
  };
}
