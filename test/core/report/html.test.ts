/**
 * The drill report page: self-contained (nothing fetched from anywhere), and rendered by
 * a real browser — headless Chromium (Debian `chromium`) dumps the DOM it built and takes
 * a screenshot; the chart, the objective line and every verdict must be there.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { renderHtml, timelineScale } from '../../../src/core/report/html.js';
import { renderMarkdown } from '../../../src/core/report/markdown.js';
import { writeReport, type WrittenReport } from '../../../src/core/report/write.js';
import { FIXTURE_LOSS, fixtureReport } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';

function chromium(
  args: string[],
  dir: string,
  timeoutMs = 60_000,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${join(dir, 'profile')}`,
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}

describe('drill report (HTML, Markdown)', () => {
  it('is self-contained: no script, no external asset, no URL of any kind; text is escaped', () => {
    // Given a report whose operator name holds markup
    const html = renderHtml(fixtureReport());
    // Then nothing would be fetched and the markup is shown, not run
    assert.doesNotMatch(html, /https?:\/\//);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|@import|url\(|\ssrc=|\shref=/i);
    assert.match(html, /tester &lt;script&gt;/);
  });

  it('draws the objective line on the chart even when every step is far shorter (axis break)', () => {
    // Given steps within 3 s and a 60 s objective
    const scale = timelineScale(-400, 3000, 60_000, 860);
    // Then the objective sits inside the chart, after the break, and the steps use most of it
    assert.equal(scale.broken, true);
    assert.ok(scale.x(60_000) <= 860 && scale.x(60_000) > scale.breakAt);
    assert.ok(scale.x(3000) > 600);
  });

  it('lists every objective with its verdict in Markdown', () => {
    const md = renderMarkdown(fixtureReport());
    assert.match(md, /^# DR drill: ❌ FAIL/);
    assert.equal((md.match(/\| Order-intake RTO \|/g) ?? []).length, 2);
    assert.match(md, /\| Order-intake RTO \| ≤ 60 s \| 61\.0 s \| ❌ FAIL/);
  });

  it('names the pace of every table of times, and lists every order the failover lost', () => {
    // Given a compressed-pace report whose region outage lost two orders
    const md = renderMarkdown(fixtureReport());
    const html = renderHtml(fixtureReport());
    // Then each table of times says its pace
    assert.match(md, /^Times measured at compressed pace ×50\.$/m);
    assert.match(md, /\| Objective \| Target \| Measured \(compressed pace ×50\) \|/);
    assert.match(md, /### RTO per component \(from the cut, compressed pace ×50\)/);
    assert.match(html, /<div class="vpace">compressed pace ×50<\/div>/);
    // And the lost writes: count and window, the lag at the cut, the last replicated point, each lost id
    assert.match(md, /- Lost writes .*: \*\*2\*\*, loss window 150 ms/);
    assert.match(md, /- Replication lag at the cut .*: 180 ms/);
    assert.match(md, /- Last replicated point: drill-x-o-00011 written at 2026-01-01 00:00:00\.850 UTC/);
    for (const o of FIXTURE_LOSS.lost.orders) {
      assert.match(md, new RegExp(`^\\| ${o.clientOrderId} \\|`, 'm'));
      assert.ok(html.includes(`<tr class="lost" data-client-order-id="${o.clientOrderId}">`));
    }
    // And the planned switchover says it lost nothing
    assert.match(md, /- Lost writes: none \(RPO 0 by switchover/);
  });

  describe(
    'in headless Chromium',
    { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (Debian: apt-get install chromium)` },
    () => {
      let dir: string;
      let files: WrittenReport;
      before(async () => {
        dir = await mkdtemp(join(tmpdir(), 'dr-report-html-'));
        files = await writeReport(fixtureReport(), join(dir, 'report'));
      });
      after(async () => {
        await rm(dir, { recursive: true, force: true });
      });

      it('renders the timeline chart, the objective line and a verdict per objective', async () => {
        // When Chromium loads the page and dumps the DOM it built
        const url = pathToFileURL(files.html).href;
        const dump = await chromium(['--dump-dom', url], dir);
        // Then both scenario charts, their steps, the objective line and the verdicts are there
        assert.equal(dump.code, 0, dump.stderr.slice(-500));
        const dom = dump.stdout;
        assert.equal((dom.match(/<svg class="timeline"/g) ?? []).length, 2);
        const steps = (dom.match(/<g class="step/g) ?? []).length;
        const expected = fixtureReport().scenarios.reduce((n, s) => n + s.timeline.length, 0);
        assert.equal(steps, expected);
        assert.equal((dom.match(/class="objective" data-objective-ms="60000"/g) ?? []).length, 2);
        assert.equal((dom.match(/class="verdict (pass|fail)" data-objective=/g) ?? []).length, 10);
        assert.match(dom, /data-objective="order-intake-rto" data-verdict="fail"/);
        assert.match(dom, /id="overall-verdict">✘ FAIL/);
      });

      it('takes a screenshot of a page that is not blank', async () => {
        // When Chromium takes a 1280×2000 screenshot
        const png = join(dir, 'report.png');
        const shot = await chromium(
          ['--screenshot=' + png, '--window-size=1280,2000', pathToFileURL(files.html).href],
          dir,
        );
        // Then a PNG of real content exists (a blank page compresses to a few KB)
        assert.equal(shot.code, 0, shot.stderr.slice(-500));
        const bytes = await readFile(png);
        assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        assert.ok((await stat(png)).size > 50_000, `screenshot is ${bytes.length} bytes`);
      });
    },
  );
});
