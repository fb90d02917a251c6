import type { SynthResult } from '../../core/synth.js';
import { color } from '../style.js';

export function renderSynth(result: SynthResult): string {
  const width = Math.max(...result.stacks.map((s) => s.name.length), 5);
  const lines = [color.bold(`${'STACK'.padEnd(width)}  RESOURCES  FILE`)];
  for (const s of result.stacks) {
    lines.push(`${s.name.padEnd(width)}  ${String(s.resourceCount).padStart(9)}  ${s.file}`);
  }
  const order = result.deployOrder
    .map((wave) => (wave.length > 1 ? `{${wave.join(' ∥ ')}}` : wave[0]))
    .join(' → ');
  lines.push('', `${color.bold('Deploy order')}: ${order}`);
  return lines.join('\n');
}
