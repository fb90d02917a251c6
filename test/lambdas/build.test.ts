/**
 * `npm run build:lambdas`: esbuild bundles in deterministic zips within the size budget.
 * Builds twice into temporary folders (this file runs esbuild: keep it the only one).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { after, test } from 'node:test';
import { X509Certificate } from 'node:crypto';
import { Naming } from '../../src/contract/naming.js';
import { DB_CA_BUNDLE_FILE, DB_FUNCTIONS } from '../../src/contract/platform-env.js';
import { buildLambdas, lambdaFunctions, ZIP_BUDGET_BYTES } from '../../scripts/build-lambdas.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'dr-build-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The entries of a zip, read from its local headers (enough for the zips we write). */
function zipEntries(zip: Buffer): Array<{ name: string; data: Buffer; dosDate: number; dosTime: number }> {
  const entries = [];
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    const method = zip.readUInt16LE(at + 8);
    const dosTime = zip.readUInt16LE(at + 10);
    const dosDate = zip.readUInt16LE(at + 12);
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const extraLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 30, at + 30 + nameLength);
    const start = at + 30 + nameLength + extraLength;
    const raw = zip.subarray(start, start + size);
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : raw, dosDate, dosTime });
    at = start + size;
  }
  return entries;
}

test('two builds give byte-identical zips, one per function, each within 1 MB, with a loadable index.handler', async () => {
  // Given two empty output folders
  const [a, b] = [tempDir(), tempDir()];

  // When the Lambdas are built into each
  const first = await buildLambdas({ outDir: a });
  const second = await buildLambdas({ outDir: b });

  // Then there is one zip per deployed function, and both builds hash the same
  assert.deepEqual(lambdaFunctions(), [...Naming.functions].sort());
  assert.deepEqual(
    first.map((f) => f.name),
    [...Naming.functions].sort(),
  );
  assert.deepEqual(
    first.map((f) => [f.name, f.sha256]),
    second.map((f) => [f.name, f.sha256]),
  );
  for (const f of first) {
    assert.ok(f.bytes <= ZIP_BUDGET_BYTES, `${f.name}.zip is ${f.bytes} bytes`);
    // And each zip holds index.mjs (plus the RDS CA bundle for the functions that connect
    // to Aurora) with the fixed 1980-01-01 00:00 timestamp
    const entries = zipEntries(await readFile(f.path));
    const db = (DB_FUNCTIONS as readonly string[]).includes(f.name);
    assert.deepEqual(
      entries.map((e) => e.name),
      db ? ['index.mjs', DB_CA_BUNDLE_FILE] : ['index.mjs'],
    );
    for (const e of entries) {
      assert.equal(e.dosDate, ((1980 - 1980) << 9) | (1 << 5) | 1);
      assert.equal(e.dosTime, 0);
    }
    if (db) {
      // And the bundle is PEM certificates that include the RDS roots of both platform regions
      const pem = entries[1]?.data.toString('utf8') ?? '';
      const certs = pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
      const subjects = certs.map((c) => new X509Certificate(c).subject);
      assert.ok(certs.length > 50, `${f.name}: ${certs.length} certificates`);
      for (const region of ['us-east-1', 'us-east-2']) {
        for (const kind of ['RSA2048', 'RSA4096', 'ECC384']) {
          const cn = `CN=Amazon RDS ${region} Root CA ${kind} G1`;
          assert.ok(
            subjects.some((s) => s.split('\n').includes(cn)),
            `${f.name}: ${cn}`,
          );
        }
      }
    }
  }

  // And every bundle loads as ESM and exports `handler` (pg bundled; only the AWS SDK,
  // which the runtime provides, resolved from outside)
  const runDir = tempDir();
  symlinkSync(resolve('node_modules'), join(runDir, 'node_modules'), 'dir');
  for (const f of first) {
    const code =
      zipEntries(await readFile(f.path)).find((e) => e.name === 'index.mjs')?.data ?? Buffer.alloc(0);
    assert.doesNotMatch(code.toString(), /from\s*["']pg["']/, `${f.name} must bundle pg, not import it`);
    mkdirSync(join(runDir, f.name));
    writeFileSync(join(runDir, f.name, 'index.mjs'), code);
    const module = (await import(pathToFileURL(join(runDir, f.name, 'index.mjs')).href)) as {
      handler?: unknown;
    };
    assert.equal(typeof module.handler, 'function', `${f.name} exports handler`);
  }
});
