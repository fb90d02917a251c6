import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { deployWaves } from '../../src/core/deploy-order.js';
import { UsageError } from '../../src/contract/errors.js';

describe('deployWaves', () => {
  it('puts independent stacks in one wave and dependants after them', () => {
    // Given the platform's shape: two regions, a global stack that needs both
    const waves = deployWaves({ global: ['primary', 'secondary'], primary: [], secondary: [] });
    // Then the regions deploy together, then global
    assert.deepEqual(waves, [['primary', 'secondary'], ['global']]);
  });

  it('refuses a cycle, naming the stacks', () => {
    assert.throws(
      () => deployWaves({ a: ['b'], b: ['a'], c: [] }),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.match(e.message, /cycle: a, b/);
        return true;
      },
    );
  });

  it('refuses a dependency on an unknown stack', () => {
    assert.throws(() => deployWaves({ a: ['zzz'] }), /depends on unknown stack zzz/);
  });
});
