import type { DownResult, OutageResult, ResetResult, UpResult } from '../../core/sandbox/sandbox.js';
import type { SeedResult } from '../../core/sandbox/seed.js';
import { color } from '../style.js';

function seedLines(seed: SeedResult): string[] {
  const byKind = new Map<string, number>();
  for (const r of seed.resources) byKind.set(r.kind, (byKind.get(r.kind) ?? 0) + 1);
  const kinds = [...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ');
  const placeholders = Object.entries(seed.lambdaCode)
    .filter(([, source]) => source === 'placeholder')
    .map(([fn]) => fn);
  return [
    `Seeded ${seed.regions.primary} (primary) and ${seed.regions.secondary} (secondary): ${seed.resources.length} resources (${seed.counts.created} new) in ${(seed.ms / 1000).toFixed(1)} s`,
    color.dim(`  ${kinds}`),
    ...(placeholders.length > 0
      ? [
          color.dim(
            `  placeholder Lambda code for ${placeholders.join(', ')} (build it with \`npm run build:lambdas\`)`,
          ),
        ]
      : []),
  ];
}

export function renderUp(result: UpResult): string {
  const lines = [
    result.reused
      ? `${color.bold('Sandbox already running')} at ${result.endpoint} (pid ${result.pid}, since ${result.startedAt}): reused as it is`
      : `${color.bold('Sandbox running')} at ${result.endpoint} (pid ${result.pid})`,
    ...(result.seed ? seedLines(result.seed) : []),
    '',
    `Use it:   dr status --sandbox      or   export DR_ENDPOINT=${result.endpoint}`,
    `Outage:   dr sandbox outage ${result.regions.primary} [--hang]   then   dr sandbox restore ${result.regions.primary}`,
    `Stop it:  dr sandbox down`,
  ];
  return lines.join('\n');
}

export function renderDown(result: DownResult): string {
  return result.stopped
    ? `Sandbox stopped (pid ${result.pid}, ${result.endpoint}); .dr/sandbox.json removed`
    : 'No sandbox was running; nothing to stop';
}

export function renderReset(result: ResetResult): string {
  return [
    `${color.bold('Sandbox reset')} at ${result.endpoint} (pid ${result.pid})`,
    ...seedLines(result.seed),
  ].join('\n');
}

export function renderOutages(result: OutageResult): string {
  const down = Object.entries(result.outages);
  if (down.length === 0) return `Every region of the sandbox at ${result.endpoint} is up`;
  return down
    .map(
      ([region, mode]) =>
        `${color.bold(region)} is down (${mode === 'hang' ? 'requests held without an answer' : 'requests refused'}); bring it back with \`dr sandbox restore ${region}\``,
    )
    .join('\n');
}
