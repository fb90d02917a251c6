import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { rtoBudget } from '../../src/core/rto-budget.js';
import { minimal, problemsOf } from './problems.js';

describe('config schema', () => {
  it('fills the documented defaults from a minimal file', () => {
    // Given only the app name and the domain / When parsed
    const config = parseConfig(minimal);
    // Then the platform defaults of DESIGN.md apply
    assert.deepEqual(config.regions, { primary: 'us-east-1', secondary: 'us-east-2' });
    assert.equal(config.environment, 'prod');
    assert.equal(config.objectives.rtoSeconds, 60);
    assert.equal(config.dns.ttlSeconds, 20);
    assert.equal(config.dns.healthCheck.intervalSeconds, 10);
    assert.equal(config.dns.healthCheck.failureThreshold, 3);
    assert.deepEqual(config.stateBackend, { type: 'local', path: 'terraform-state' });
  });

  it('keeps the default design inside the 60 s order-intake objective', () => {
    // Given the defaults / When the RTO budget is computed from them
    const budget = rtoBudget(parseConfig(minimal));
    // Then detection (10 s × 3) + TTL (20 s) + orchestration (5 s) = 55 s ≤ 60 s
    assert.equal(budget.totalSeconds, 55);
    assert.equal(budget.withinObjective, true);
  });

  it('rejects equal regions with the path of the problem', () => {
    const problems = problemsOf({ ...minimal, regions: { primary: 'us-east-1', secondary: 'us-east-1' } });
    assert.deepEqual(problems, ['regions.secondary: must differ from regions.primary']);
  });

  it('reports every problem, one line each, with its path', () => {
    const problems = problemsOf({
      app: 'Trading!',
      dns: { domain: 'not a domain', healthCheck: { intervalSeconds: 15, failureThreshold: 11 } },
      bogus: true,
    });
    assert.equal(problems.length, 5, problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('app: ')));
    assert.ok(problems.some((p) => p.startsWith('dns.domain: ')));
    assert.ok(problems.some((p) => p.startsWith('dns.healthCheck.intervalSeconds: ')));
    assert.ok(problems.some((p) => p.startsWith('dns.healthCheck.failureThreshold: ')));
    assert.ok(
      problems.some(
        (p) => p === '(root): unknown key "bogus"; remove it (see the config reference in the README)',
      ),
    );
  });

  it('refuses Terraform state kept only in the region it protects', () => {
    const problems = problemsOf({
      ...minimal,
      stateBackend: { type: 's3', bucket: 'tf-state-x', region: 'us-east-1' },
    });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^stateBackend\.region: must not be us-east-1/);
    // The same bucket replicated out of the region is accepted.
    const ok = parseConfig({
      ...minimal,
      stateBackend: { type: 's3', bucket: 'tf-state-x', region: 'us-east-1', replicated: true },
    });
    assert.equal(ok.stateBackend.type, 's3');
  });

  it('refuses a DNS TTL longer than the RTO', () => {
    const problems = problemsOf({ ...minimal, dns: { domain: 'trading.example.com', ttlSeconds: 120 } });
    assert.match(problems[0] ?? '', /^dns\.ttlSeconds: must not exceed objectives\.rtoSeconds \(60\)/);
  });
});
