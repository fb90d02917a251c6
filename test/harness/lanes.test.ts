/**
 * The harness's lanes (test/harness/lanes.ts) with real `node --test` processes on small
 * test files written for the purpose: every file runs once, each in one lane with that
 * lane's environment, two lanes at once, and the summary adds up the runner's counts and
 * names the file that failed.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { queueOrder, runInLanes, summarize, summaryCounts } from './lanes.js';

describe('test lanes', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dr-lanes-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A test file that records its lane's LANE_NAME and start/end times, then passes or fails. */
  const testFile = async (name: string, opts: { fail?: boolean; ms?: number; padding?: number }) => {
    const file = join(dir, `${name}.test.mjs`);
    await writeFile(
      file,
      [
        `import { it } from 'node:test';`,
        `import { appendFileSync } from 'node:fs';`,
        `// ${'x'.repeat(opts.padding ?? 0)}`,
        `it('${name}', async () => {`,
        `  const start = Date.now();`,
        `  await new Promise((r) => setTimeout(r, ${opts.ms ?? 0}));`,
        `  appendFileSync(${JSON.stringify(join(dir, 'ran.log'))}, JSON.stringify({ name: '${name}', lane: process.env.LANE_NAME, start, end: Date.now() }) + '\\n');`,
        opts.fail ? `  throw new Error('${name} fails');` : '',
        `});`,
      ].join('\n'),
    );
    return file;
  };

  it('reads the runner summary counts, not the duration', () => {
    assert.deepEqual(summaryCounts('ℹ tests 3\nℹ suites 1\nℹ pass 2\nℹ fail 1\nℹ duration_ms 12.5\n'), {
      tests: 3,
      pass: 2,
      fail: 1,
    });
  });

  it('queues the largest file first', async () => {
    const small = await testFile('small', {});
    const large = await testFile('large', { padding: 4000 });
    assert.deepEqual(queueOrder([small, large]), [large, small]);
  });

  it('runs every file once, in two lanes at once, each with its lane environment; the summary names the failure', async () => {
    const files = [
      await testFile('a', { ms: 1500, padding: 300 }),
      await testFile('b', { ms: 1500, padding: 200 }),
      await testFile('c', { fail: true, padding: 100 }),
    ];
    const printed: string[] = [];
    const results = await runInLanes(files, [{ LANE_NAME: 'one' }, { LANE_NAME: 'two' }], (t) =>
      printed.push(t),
    );
    const { readFile } = await import('node:fs/promises');
    const ran = (await readFile(join(dir, 'ran.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; lane: string; start: number; end: number });
    assert.deepEqual(ran.map((r) => r.name).sort(), ['a', 'b', 'c']);
    const a = ran.find((r) => r.name === 'a')!;
    const b = ran.find((r) => r.name === 'b')!;
    assert.notEqual(a.lane, b.lane, 'the two longest files ran in different lanes');
    assert.ok(a.start < b.end && b.start < a.end, 'the two lanes ran at the same time');
    const summary = summarize(results);
    assert.deepEqual(summary.failed, [files[2]]);
    assert.match(summary.text, /ℹ files 3\nℹ tests 3\nℹ pass 2\nℹ fail 1/);
    assert.equal(printed.length, 3, 'each file printed once, whole');
    assert.ok(printed.some((t) => t.includes('c fails')));
  });
});
