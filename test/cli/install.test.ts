/**
 * Issue 13 part 11: `cdktf-cli` is a dev dependency (nothing in src/ imports it; it
 * brought most of the runtime install) while `npx cdktf synth` keeps working, and the
 * README says how `dr` gets on the PATH after a clone.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../harness/cli.js';

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  bin: Record<string, string>;
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sources(path) : entry.endsWith('.ts') ? [path] : [];
  });
}

describe('install', () => {
  it('cdktf-cli is a pinned dev dependency, not a runtime one, and src/ never imports it', () => {
    assert.equal(pkg.dependencies['cdktf-cli'], undefined);
    assert.match(pkg.devDependencies['cdktf-cli'] ?? '', /^\d+\.\d+\.\d+$/);
    const importers = sources(join(REPO_ROOT, 'src')).filter((f) =>
      /from\s+['"]cdktf-cli|import\(\s*['"]cdktf-cli|require\(\s*['"]cdktf-cli/.test(readFileSync(f, 'utf8')),
    );
    assert.deepEqual(importers, []);
  });

  it('npx cdktf synth still has its CLI and its app (cdktf.json)', () => {
    const cdktf = JSON.parse(readFileSync(join(REPO_ROOT, 'cdktf.json'), 'utf8')) as { app: string };
    const entry = /src\/\S+\.ts/.exec(cdktf.app)?.[0];
    assert.ok(entry && existsSync(join(REPO_ROOT, entry)), cdktf.app);
    assert.ok(existsSync(join(REPO_ROOT, 'node_modules', '.bin', 'cdktf')));
  });

  it('the README says how dr gets on the PATH after a clone', () => {
    assert.equal(pkg.bin.dr, './bin/run.js');
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Commands'));
    assert.ok(readme.includes('## Install'), 'an Install section');
    for (const step of ['npm ci', 'npm run build', 'npm link', 'dr --help']) {
      assert.ok(install.includes(step), `Install names ${step}`);
    }
  });
});
