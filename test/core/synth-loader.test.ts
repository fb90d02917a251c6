import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeCacheFile, requireWithCodeCache } from '../../src/core/synth-loader.js';

// The loader behind `dr synth`'s bundle: CommonJS semantics, and a code cache that is
// used only for the exact source it was made from.
describe('requireWithCodeCache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dr-code-cache-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs a CommonJS file as require would: exports, module.exports, require, __filename, this', () => {
    // Given a CommonJS file using what node's wrapper provides
    const file = join(dir, 'plain.cjs');
    writeFileSync(
      file,
      "'use strict';\nconst { basename } = require('node:path');\nmodule.exports = { name: basename(__filename), dir: __dirname, self: this === exports };\n",
    );

    // When it is loaded
    const loaded = requireWithCodeCache(file);

    // Then its exports are what it assigned, and no cache was there to use
    assert.deepEqual(loaded.exports, { name: 'plain.cjs', dir, self: true });
    assert.equal(loaded.codeCache, 'none');
  });

  it('uses the code cache it wrote, and ignores one made for other source of the same length', () => {
    // Given a file whose code cache was written after a first load
    const file = join(dir, 'answer.cjs');
    writeFileSync(file, 'exports.answer = () => 42;\n');
    const first = requireWithCodeCache(file);
    assert.equal((first.exports as { answer: () => number }).answer(), 42);
    assert.equal(first.writeCodeCache(), codeCacheFile(file));

    // When it is loaded again, and when a same-length edit keeps the old cache beside it
    const again = requireWithCodeCache(file);
    const edited = join(dir, 'edited.cjs');
    writeFileSync(edited, 'exports.answer = () => 43;\n');
    copyFileSync(codeCacheFile(file), codeCacheFile(edited));
    const stale = requireWithCodeCache(edited);

    // Then the first reuses the cache; the edit is compiled from its own source
    assert.equal(again.codeCache, 'accepted');
    assert.equal((again.exports as { answer: () => number }).answer(), 42);
    assert.equal(stale.codeCache, 'made for other source');
    assert.equal((stale.exports as { answer: () => number }).answer(), 43);
  });
});
