import type { CheckResult } from '../../core/checks/types.js';
import type { VerifySyncResult } from '../../core/verify-sync.js';
import { color } from '../style.js';

function value(v: CheckResult['observed'], unit: CheckResult['unit']): string {
  if (v === null) return '—';
  return unit && typeof v === 'number' ? `${v} ${unit === 'operations' ? 'ops' : unit}` : String(v);
}

/** One row per check: status, name, observed vs limit, detail. */
export function renderVerifySync(result: VerifySyncResult): string {
  const rows = result.checks.map((c) => ({
    mark:
      c.status === 'pass'
        ? color.green('PASS')
        : c.status === 'fail'
          ? color.red('FAIL')
          : color.yellow('UNKN'),
    name: c.name,
    observed: value(c.observed, c.unit),
    limit: value(c.limit, c.unit),
    detail: c.detail,
  }));
  const w = {
    name: Math.max(5, ...rows.map((r) => r.name.length)),
    observed: Math.max(8, ...rows.map((r) => r.observed.length)),
    limit: Math.max(5, ...rows.map((r) => r.limit.length)),
  };
  const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);
  const observedWidth = Math.min(w.observed, 40);
  const lines = [
    color.bold(
      `${'    '}  ${'CHECK'.padEnd(w.name)}  ${'OBSERVED'.padEnd(observedWidth)}  ${'LIMIT'.padEnd(w.limit)}  DETAIL`,
    ),
    ...rows.map(
      (r) =>
        `${r.mark}  ${r.name.padEnd(w.name)}  ${clip(r.observed, observedWidth).padEnd(observedWidth)}  ${r.limit.padEnd(w.limit)}  ${r.detail}`,
    ),
    '',
    result.ok
      ? color.green(
          `In sync: ${result.passed} of ${result.checks.length} checks passed (active ${result.activeRegion}, ${(result.ms / 1000).toFixed(1)} s)`,
        )
      : result.failed > 0
        ? color.red(
            `Not in sync: ${result.failed} of ${result.checks.length} checks failed${result.unknown > 0 ? `, ${result.unknown} unknown` : ''} (active ${result.activeRegion}, ${(result.ms / 1000).toFixed(1)} s)`,
          )
        : color.yellow(
            `Sync not proven: ${result.unknown} of ${result.checks.length} checks could not be evaluated (active ${result.activeRegion}, ${(result.ms / 1000).toFixed(1)} s)`,
          ),
  ];
  return lines.join('\n');
}
