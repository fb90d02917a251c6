/**
 * Turning a stopped server's data directory into a standby of the current writer, the
 * way Aurora re-adds a region to a global database: `pg_rewind` against the writer
 * (rewinds the blocks changed since the timelines diverged, i.e. throws away writes that
 * never replicated; "no rewind required" after a clean switchover), or, when that fails,
 * a fresh `pg_basebackup`. Then `standby.signal`: the next start follows a writer.
 *
 * pg_rewind needs `wal_log_hints=on` (or data checksums) on the target and
 * `full_page_writes=on` on the source; the pair runs every server with both. It copies
 * the source's configuration files, which is why the pair passes its settings on the
 * command line. Both tools run as the server's user and never block the event loop
 * (the relays in this process keep forwarding).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runPostgresTool, writeServerFile } from '../postgres.js';

export type RejoinMethod = 'no rewind needed' | 'pg_rewind' | 'pg_basebackup';

export interface Rejoined {
  readonly method: RejoinMethod;
  /** pg_rewind's output when it failed and a base backup replaced it. */
  readonly rewindFailure?: string;
}

function conninfo(port: number): string {
  return `host=127.0.0.1 port=${port} user=postgres dbname=postgres sslmode=disable gssencmode=disable`;
}

/** `dataDir` (its server shut down) made a standby of the writer on `sourcePort`. */
export async function prepareStandby(options: {
  dir: string;
  dataDir: string;
  sourcePort: number;
}): Promise<Rejoined> {
  const { dir, dataDir, sourcePort } = options;
  const rewind = await runPostgresTool(
    'pg_rewind',
    ['--target-pgdata', dataDir, '--source-server', conninfo(sourcePort), '--no-sync'],
    { cwd: dir },
  );
  let result: Rejoined;
  if (rewind.status === 0) {
    result = { method: /no rewind required/.test(rewind.output) ? 'no rewind needed' : 'pg_rewind' };
  } else {
    rmSync(dataDir, { recursive: true, force: true });
    const backup = await runPostgresTool(
      'pg_basebackup',
      ['-D', dataDir, '-d', conninfo(sourcePort), '-X', 'stream', '--checkpoint=fast', '--no-sync'],
      { cwd: dir },
    );
    if (backup.status !== 0) {
      throw new Error(
        `pg_rewind failed (${rewind.status}): ${rewind.output.trim()}\nand pg_basebackup failed (${backup.status}): ${backup.output.trim()}`,
      );
    }
    result = { method: 'pg_basebackup', rewindFailure: rewind.output.trim() };
  }
  writeServerFile(join(dataDir, 'standby.signal'), '');
  return result;
}

/** The last checkpoint `pg_controldata` reports for a stopped server (its shutdown checkpoint). */
export async function lastCheckpoint(dir: string, dataDir: string): Promise<{ lsn: string; state: string }> {
  const control = await runPostgresTool('pg_controldata', ['-D', dataDir], { cwd: dir });
  const lsn = /^Latest checkpoint location:\s+(\S+)/m.exec(control.output)?.[1];
  const state = /^Database cluster state:\s+(.+)$/m.exec(control.output)?.[1] ?? 'unknown';
  if (control.status !== 0 || !lsn) {
    throw new Error(`pg_controldata failed (${control.status}): ${control.output.trim()}`);
  }
  return { lsn, state: state.trim() };
}
