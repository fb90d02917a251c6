/**
 * The code the sandbox deploys for each function: the real package from `dist/lambdas`
 * when it has been built (`npm run build:lambdas`), else a small placeholder zip built
 * in memory. Either way both regions get the same bytes, so the same `CodeSha256`.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import type { LambdaFunctionName } from '../contract/naming.js';

export interface LambdaCode {
  readonly zip: Uint8Array;
  /** `dist/lambdas/<fn>.zip`, or `placeholder` when that file is absent. */
  readonly source: string;
  readonly handler: string;
}

/** Handler of the built packages and of the placeholder: `index.mjs` exporting `handler`. */
export const LAMBDA_HANDLER = 'index.handler';

export async function lambdaCode(fn: LambdaFunctionName, lambdaDir = 'dist/lambdas'): Promise<LambdaCode> {
  const file = resolve(join(lambdaDir, `${fn}.zip`));
  try {
    return { zip: new Uint8Array(await readFile(file)), source: file, handler: LAMBDA_HANDLER };
  } catch {
    return { zip: placeholderZip(fn), source: 'placeholder', handler: LAMBDA_HANDLER };
  }
}

/** A deterministic zip (fixed timestamp) holding one `index.mjs` that says it is a placeholder. */
export function placeholderZip(fn: string): Uint8Array {
  const body = Buffer.from(
    `// PLACEHOLDER deployed by \`dr sandbox\`: build the real package with \`npm run build:lambdas\`.\n` +
      `export const handler = async () => ({ placeholder: ${JSON.stringify(fn)} });\n`,
    'utf8',
  );
  return storedZip('index.mjs', body);
}

/**
 * One file, stored (no compression), DOS time 1980-01-01 00:00. Written here, not by a
 * zip library: the bytes (so the `CodeSha256`) must stay the same from run to run and
 * release to release, and sixty lines of headers are simpler to pin than a library's
 * output. The checksum is node's (`zlib.crc32`, node ≥ 20.15).
 */
function storedZip(name: string, data: Buffer): Uint8Array {
  const fileName = Buffer.from(name, 'utf8');
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(0x0800, 6); // UTF-8 names
  local.writeUInt16LE(0, 8); // stored
  local.writeUInt16LE(0, 10); // time
  local.writeUInt16LE(0x21, 12); // date: 1980-01-01
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  local.writeUInt16LE(0, 28);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(0x031e, 4); // made by: unix, 3.0
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(0x0800, 8);
  central.writeUInt16LE(0, 10);
  central.writeUInt16LE(0, 12);
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // -rw-r--r--
  central.writeUInt32LE(0, 42); // offset of the local header
  const localSize = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(localSize, 16);
  return new Uint8Array(Buffer.concat([local, fileName, data, central, fileName, end]));
}
