/** Writes the drill report's three files into one directory. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DrillReport } from '../drill/model.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

export interface WrittenReport {
  readonly dir: string;
  readonly json: string;
  readonly markdown: string;
  readonly html: string;
}

export async function writeReport(report: DrillReport, dir: string): Promise<WrittenReport> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const files = {
    json: join(out, 'report.json'),
    markdown: join(out, 'report.md'),
    html: join(out, 'report.html'),
  };
  await Promise.all([
    writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`, 'utf8'),
    writeFile(files.markdown, renderMarkdown(report), 'utf8'),
    writeFile(files.html, renderHtml(report), 'utf8'),
  ]);
  return { dir: out, ...files };
}
