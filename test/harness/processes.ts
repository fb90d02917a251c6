/** Which processes hold a directory: their working directory or an open file inside it (Linux /proc). */
import { readdirSync, readlinkSync } from 'node:fs';

export function processesUsing(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const links: string[] = [];
    try {
      links.push(readlinkSync(`/proc/${entry}/cwd`));
      for (const fd of readdirSync(`/proc/${entry}/fd`)) links.push(readlinkSync(`/proc/${entry}/fd/${fd}`));
    } catch {
      // gone, or not ours to read
    }
    if (links.some((l) => l.startsWith(dir))) found.push(Number(entry));
  }
  return found;
}
