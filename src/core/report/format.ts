/** Small formatting helpers shared by the Markdown and HTML drill reports. */
import type { RtoComponent } from '../drill/model.js';

/** Lost orders listed in report.md and report.html; report.json holds every one. */
export const LOST_ORDERS_SHOWN = 200;

export function seconds(ms: number | null | undefined, digits = 1): string {
  if (ms === null || ms === undefined) return '—';
  return `${(ms / 1000).toFixed(digits)} s`;
}

export function budgetOf(c: RtoComponent): string {
  return c.budgetSeconds === null ? '—' : `${c.budgetSeconds} s`;
}

/** `2026-01-02 03:04:05 UTC` */
export function utc(iso: string): string {
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
}

/** `2026-01-02 03:04:05.678 UTC`: an order's time, to the millisecond. */
export function utcMs(iso: string): string {
  return iso.replace('T', ' ').replace(/Z$/, ' UTC');
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
