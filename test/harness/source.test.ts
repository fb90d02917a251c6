/**
 * The runner starts a service for a test file when the file imports that service's
 * helper (test/harness/source.ts `importsFile`). The declaration must hold wherever a
 * test file sits and whichever helper brings the service's module with it: a test moved
 * one folder deeper once stopped getting its deployed sandbox.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importsFile } from './source.js';

describe('importsFile: a test file declares the services it needs by its imports', () => {
  it('follows relative imports from any depth and through helpers under test/, not beyond', async () => {
    // Given a repository with a service helper, a helper that imports it, and tests at two depths
    const root = await mkdtemp(join(tmpdir(), 'dr-source-'));
    try {
      const test = join(root, 'test');
      await mkdir(join(test, 'sandbox', 'runtime'), { recursive: true });
      await mkdir(join(test, 'emulator'), { recursive: true });
      await mkdir(join(root, 'src'), { recursive: true });
      const service = join(test, 'sandbox', 'deployed.ts');
      const client = join(test, 'emulator', 'client.ts');
      await writeFile(service, 'export const x = 1;\n');
      await writeFile(client, 'export const c = 1;\n');
      await writeFile(join(test, 'emulator', 'use-clients.ts'), "import { c } from './client.js';\n");
      await writeFile(join(root, 'src', 'lib.ts'), "import { c } from '../test/emulator/client.js';\n");
      const deep = join(test, 'sandbox', 'runtime', 'a.test.ts');
      await writeFile(deep, "import { x } from '../deployed.js';\n");
      const viaHelper = join(test, 'b.test.ts');
      await writeFile(viaHelper, "import { useClients } from './emulator/use-clients.js';\n");
      const viaSrc = join(test, 'c.test.ts');
      await writeFile(viaSrc, "import { y } from '../src/lib.js';\n");
      const none = join(test, 'd.test.ts');
      await writeFile(none, "import { deployed } from './elsewhere/deployed.js';\n");

      // Then each file's need is read from what it really imports
      assert.equal(importsFile(deep, service), true);
      assert.equal(importsFile(viaHelper, client), true);
      assert.equal(importsFile(viaHelper, service), false);
      assert.equal(importsFile(viaSrc, client), false, 'src/ is not followed');
      assert.equal(importsFile(none, service), false, 'a file of the same name elsewhere is not the service');
      assert.equal(importsFile(join(test, 'missing.test.ts'), service), false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
