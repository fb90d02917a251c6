/**
 * Runs a node command several times as a fresh process and reports its wall time and
 * peak RSS (read inside the child by bench/lib/rss-probe.cjs). Benchmarks compare
 * such measurements taken side by side in one run, never against fixed timings.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./rss-probe.cjs', import.meta.url));

export interface Measurement {
  readonly label: string;
  readonly wallMs: number[];
  readonly rssMb: number[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function measureNode(label: string, args: readonly string[], runs: number, cwd?: string): Measurement {
  const dir = mkdtempSync(join(tmpdir(), 'dr-bench-'));
  const wallMs: number[] = [];
  const rssMb: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const rssFile = join(dir, `rss-${i}`);
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, ['--require', PROBE, ...args], {
        cwd,
        env: { ...process.env, DR_BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (result.status !== 0) {
        throw new Error(`${label} exited ${result.status}: ${result.stderr.toString().slice(0, 500)}`);
      }
      wallMs.push(elapsed);
      rssMb.push(Number(readFileSync(rssFile, 'utf8')) / 1024);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { label, wallMs, rssMb };
}

export function row(m: Measurement): string {
  return `${m.label.padEnd(44)} ${median(m.wallMs).toFixed(0).padStart(7)} ms  ${Math.max(...m.rssMb)
    .toFixed(0)
    .padStart(5)} MB   (runs: ${m.wallMs.map((w) => w.toFixed(0)).join(', ')})`;
}
