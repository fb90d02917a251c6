/**
 * Runs test files in lanes: each lane is one set of servers (its environment) and takes
 * the next file from a shared queue when its last one ends, so lanes finish together
 * without knowing how long each file takes. A file runs alone in its lane (files share
 * their lane's servers), as its own `node --test` process; its output is printed whole
 * when it ends, so lanes running at once never interleave their lines.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';

export interface FileResult {
  readonly file: string;
  readonly lane: number;
  readonly code: number;
  readonly ms: number;
  /** Counts from the runner's summary lines (`ℹ pass 3`), absent when it printed none. */
  readonly counts: Readonly<Record<string, number>>;
}

const COUNTED = ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'] as const;

/** The counts in node's test runner summary (`ℹ tests 12`, `ℹ pass 11`, …). */
export function summaryCounts(output: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of output.matchAll(/^ℹ (\w+) (\d+)$/gm)) {
    const [, key, value] = match;
    if ((COUNTED as readonly string[]).includes(key!)) counts[key!] = Number(value);
  }
  return counts;
}

/** Longest first, by size as the guess for run time: a long file started last would end last alone. */
export function queueOrder(files: readonly string[]): string[] {
  const size = (f: string) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  };
  return [...files].sort((a, b) => size(b) - size(a) || a.localeCompare(b));
}

/** The lane's environment over ours, without node's marker of a run inside a test file. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete merged.NODE_TEST_CONTEXT;
  return merged;
}

/**
 * `node --test` over `files`, one at a time, with the lane's environment; each chunk of its
 * output goes to `onOutput` as it comes (with the stream it came on), and the whole of it
 * comes back with the exit code.
 */
function nodeTest(
  files: readonly string[],
  env: Record<string, string>,
  onOutput: (chunk: Buffer, stream: 'stdout' | 'stderr') => void = () => {},
): Promise<{ code: number; ms: number; output: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
      { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(env) },
    );
    let output = '';
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream].on('data', (d: Buffer) => {
        output += d.toString();
        onOutput(d, stream);
      });
    }
    child.on('close', (c, signal) =>
      resolve({ code: c ?? (signal ? 1 : 0), ms: Date.now() - started, output }),
    );
  });
}

/** One file in its lane; its output printed whole when it ends. */
async function runFile(
  file: string,
  lane: number,
  env: Record<string, string>,
  print: (text: string) => void,
): Promise<FileResult> {
  const { code, ms, output } = await nodeTest([file], env);
  print(
    `\n── ${file} (lane ${lane + 1}, ${(ms / 1000).toFixed(1)} s${code === 0 ? '' : `, exit ${code}`})\n${output}`,
  );
  return { file, lane, code, ms, counts: summaryCounts(output) };
}

/**
 * One lane: all the files in one `node --test` run (a process per file, one at a time),
 * its output streamed as it comes; one result for the batch.
 */
export async function runBatch(files: readonly string[], env: Record<string, string>): Promise<FileResult> {
  const { code, ms, output } = await nodeTest(files, env, (chunk, stream) => process[stream].write(chunk));
  return { file: `${files.length} files in one run`, lane: 0, code, ms, counts: summaryCounts(output) };
}

/** Runs every file once, `lanes.length` at a time; resolves with each file's result. */
export async function runInLanes(
  files: readonly string[],
  lanes: ReadonlyArray<Record<string, string>>,
  print: (text: string) => void = (text) => process.stdout.write(text),
): Promise<FileResult[]> {
  if (files.length === 0) return [];
  if (lanes.length === 1) return [await runBatch(files, lanes[0]!)];
  const queue = queueOrder(files);
  const results: FileResult[] = [];
  await Promise.all(
    lanes.map(async (env, lane) => {
      for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
        results.push(await runFile(file, lane, env, print));
      }
    }),
  );
  return results;
}

/** One summary for the whole run: the runner's counts added up, and the files that failed. */
export function summarize(results: readonly FileResult[]): { text: string; failed: string[] } {
  const total: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.counts)) total[k] = (total[k] ?? 0) + v;
  const failed = results.filter((r) => r.code !== 0).map((r) => r.file);
  const lines = [
    `files ${results.length}`,
    ...COUNTED.map((k) => `${k} ${total[k] ?? 0}`),
    ...(failed.length > 0 ? [`failed files: ${failed.join(', ')}`] : []),
  ];
  return { text: lines.map((l) => `ℹ ${l}`).join('\n'), failed };
}
