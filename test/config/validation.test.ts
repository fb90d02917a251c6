/**
 * Issue 13 part 8: the config loader refuses what used to pass or hang — duplicate keys,
 * CIDRs a VPC cannot have, regions AWS does not have, a FIFO or a device as the config
 * path — and says why a file cannot be read.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../src/config/load.js';
import { duplicateKeys } from '../../src/config/json.js';
import { minimal, problemsOf } from './problems.js';

async function loadProblems(file: string): Promise<string[]> {
  try {
    await loadConfig(file);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('expected the config to be rejected');
}

describe('duplicate keys', () => {
  it('finds each repeated key by its JSON path, at any depth, and nothing else', () => {
    assert.deepEqual(duplicateKeys('{"a":1,"b":{"c":1,"c":2},"a":3}'), ['b.c', 'a']);
    assert.deepEqual(duplicateKeys('{"x":[{"k":1,"k":2},{"k":3}]}'), ['x.0.k']);
    assert.deepEqual(duplicateKeys('{"a":"}\\"{","b":{"a":1},"c":[]}'), []);
  });
});

describe('config schema: network and regions', () => {
  it('refuses a CIDR a VPC cannot have, naming its JSON path', () => {
    const at = (primaryCidr: string) => problemsOf({ ...minimal, network: { primaryCidr } });
    assert.match(at('10.10.0.0/8')[0] ?? '', /^network\.primaryCidr: must be a \/16 to \/24.*\/8/);
    assert.match(
      at('10.10.0.1/16')[0] ?? '',
      /^network\.primaryCidr: must start at its network address: 10\.10\.0\.0\/16/,
    );
    assert.match(at('300.1.0.0/16')[0] ?? '', /^network\.primaryCidr: must be an IPv4 CIDR block/);
  });

  it('refuses overlapping VPC blocks (they are peered)', () => {
    const problems = problemsOf({
      ...minimal,
      network: { primaryCidr: '10.10.0.0/16', secondaryCidr: '10.10.128.0/17' },
    });
    assert.deepEqual(problems, [
      'network.secondaryCidr: must not overlap network.primaryCidr (10.10.0.0/16): the VPCs are peered',
    ]);
  });

  it('refuses a region AWS does not have, and regions of two partitions', () => {
    const fake = problemsOf({ ...minimal, regions: { primary: 'us-east-1', secondary: 'zz-fake-9' } });
    assert.equal(fake.length, 1, fake.join('\n'));
    assert.match(fake[0] ?? '', /^regions\.secondary: "zz-fake-9" is not an AWS region/);
    const mixed = problemsOf({ ...minimal, regions: { primary: 'us-east-1', secondary: 'us-gov-west-1' } });
    assert.match(mixed[0] ?? '', /^regions\.secondary: must be in the same AWS partition/);
    assert.deepEqual(
      parseConfig({ ...minimal, regions: { primary: 'eu-west-1', secondary: 'eu-central-1' } }).regions,
      {
        primary: 'eu-west-1',
        secondary: 'eu-central-1',
      },
    );
  });
});

describe('loading the config file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dr-config-load-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses duplicate keys instead of keeping the last', async () => {
    const file = join(dir, 'dup.json');
    writeFileSync(file, '{"app":"trading","dns":{"domain":"a.example.com","domain":"b.example.com"}}');
    const problems = await loadProblems(file);
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^dns\.domain: duplicate key/);
  });

  it('says why a file cannot be read: not found, a directory', async () => {
    assert.match((await loadProblems(join(dir, 'missing.json')))[0] ?? '', /^not found; /);
    mkdirSync(join(dir, 'a-dir'));
    assert.match((await loadProblems(join(dir, 'a-dir')))[0] ?? '', /^is a directory, not a config file/);
  });

  it(
    'says permission denied for an unreadable file',
    { skip: process.getuid?.() === 0 && 'root reads any file' },
    async () => {
      const file = join(dir, 'secret.json');
      writeFileSync(file, JSON.stringify(minimal));
      chmodSync(file, 0);
      assert.match((await loadProblems(file))[0] ?? '', /^permission denied; /);
    },
  );

  it('refuses a FIFO and a device at once instead of waiting on them', async () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    assert.match((await loadProblems(fifo))[0] ?? '', /^is a FIFO \(named pipe\), not a config file/);
    assert.match((await loadProblems('/dev/zero'))[0] ?? '', /^is a device, not a config file/);
    assert.ok(Date.now() - started < 2000);
  });
});
