/**
 * The live runtime's pure parts: what a pace means for a config's timings
 * (src/sandbox/runtime/pace.ts), how the DNS-following order endpoint passes a signed
 * request on to the region it resolved (src/sandbox/runtime/order-endpoint.ts: the
 * credential scope's region rewritten, nothing else), and what the database hook takes
 * (src/sandbox/runtime/replication-link.ts: the emulator's events, the re-sync delay).
 * No server needed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  COMPRESSED_FACTOR,
  dnsBudgetMs,
  dnsTtlMs,
  healthIntervalMs,
  paceOf,
  watchdogPeriodMs,
} from '../../../src/sandbox/runtime/pace.js';
import { forwardedRequest, rescope } from '../../../src/sandbox/runtime/order-endpoint.js';
import {
  HookRequestError,
  parseHookEvent,
  resyncDelaySeconds,
} from '../../../src/sandbox/runtime/replication-link.js';
import { dnsBudgetSeconds } from '../../../src/core/status-unsafe.js';
import { config } from '../../core/failover/helpers.js';

const regions = ['us-east-1', 'us-east-2'];

describe('pace', () => {
  it('compressed divides every AWS duration by the documented factor, and keeps the threshold', () => {
    // Given the repo's config (10 s interval, threshold 3, TTL 20 s) at the default pace
    const pace = paceOf('compressed');
    // Then each duration is AWS's ÷ 50: 0.2 s checks, 0.4 s TTL, the watchdog every 1.2 s
    assert.equal(pace.factor, COMPRESSED_FACTOR);
    assert.equal(COMPRESSED_FACTOR, 50);
    assert.equal(healthIntervalMs(config, pace), 200);
    assert.equal(dnsTtlMs(config, pace), 400);
    assert.equal(watchdogPeriodMs(pace), 1200);
    // And the DNS budget is dr status's budget ÷ 50 (3 × 0.2 s + 0.4 s)
    assert.equal(dnsBudgetMs(config, pace), 1000);
    assert.equal(dnsBudgetMs(config, pace) * COMPRESSED_FACTOR, dnsBudgetSeconds(config).seconds * 1000);
  });

  it('aws runs as configured: the config interval, its TTL, the watchdog every minute', () => {
    const pace = paceOf('aws');
    assert.deepEqual(pace, { name: 'aws', factor: 1 });
    assert.equal(healthIntervalMs(config, pace), config.dns.healthCheck.intervalSeconds * 1000);
    assert.equal(dnsTtlMs(config, pace), config.dns.ttlSeconds * 1000);
    assert.equal(watchdogPeriodMs(pace), 60_000);
    assert.equal(dnsBudgetMs(config, pace), dnsBudgetSeconds(config).seconds * 1000);
  });

  it('a name that is not a pace is refused, naming the two', () => {
    assert.throws(() => paceOf('fast'), /^RangeError: "fast" is not a pace: use compressed or aws$/);
  });
});

describe('order endpoint: passing a signed request on', () => {
  const scope = (region: string, service = 'execute-api') =>
    `AKIAEXAMPLE/20260101/${region}/${service}/aws4_request`;
  const authorization = (credential: string) =>
    `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=content-type;host;x-amz-date, Signature=abc123`;

  it('rewrites a scope for the other platform region to the resolved one, and nothing else', () => {
    assert.equal(rescope(scope('us-east-1'), regions, 'us-east-2'), scope('us-east-2'));
    // Already the resolved region, another service, a region outside the platform: unchanged
    assert.equal(rescope(scope('us-east-2'), regions, 'us-east-2'), undefined);
    assert.equal(rescope(scope('us-east-1', 's3'), regions, 'us-east-2'), undefined);
    assert.equal(rescope(scope('eu-west-1'), regions, 'us-east-2'), undefined);
    assert.equal(rescope('not-a-scope', regions, 'us-east-2'), undefined);
  });

  it('keeps the caller key, the signed headers and the body headers; drops hop-by-hop headers', () => {
    // Given a request signed for us-east-1 that the endpoint sends to us-east-2
    const out = forwardedRequest(
      {
        authorization: authorization(scope('us-east-1')),
        'x-amz-date': '20260101T000000Z',
        'content-type': 'application/json',
        'content-length': '12',
        host: '127.0.0.1:1234',
        connection: 'keep-alive',
      },
      '/orders',
      regions,
      'us-east-2',
    );
    // Then only the scope's region changed; host and connection are the proxy's
    assert.deepEqual(out, {
      pathAndQuery: '/orders',
      headers: {
        authorization: authorization(scope('us-east-2')),
        'x-amz-date': '20260101T000000Z',
        'content-type': 'application/json',
        'content-length': '12',
      },
    });
  });

  it('rewrites a presigned URL (X-Amz-Credential) the same way; an unsigned request goes on as it came', () => {
    const presigned = forwardedRequest(
      {},
      `/orders?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=${encodeURIComponent(scope('us-east-2'))}&X-Amz-Signature=ff`,
      regions,
      'us-east-1',
    );
    assert.equal(
      new URL(presigned.pathAndQuery, 'http://x').searchParams.get('X-Amz-Credential'),
      scope('us-east-1'),
    );
    assert.deepEqual(
      forwardedRequest({ 'content-type': 'application/json' }, '/orders', regions, 'us-east-1'),
      {
        headers: { 'content-type': 'application/json' },
        pathAndQuery: '/orders',
      },
    );
  });
});

describe("database hook: the emulator's events", () => {
  it('re-syncs a returning old primary 60 s ÷ the pace factor after its region answers, never within 5 s', () => {
    // AWS pace: about the minute Aurora takes; compressed (60 s ÷ 50 = 1.2 s): 5 s, time
    // enough to read what the failover lost
    assert.equal(resyncDelaySeconds(paceOf('aws')), 60);
    assert.equal(resyncDelaySeconds(paceOf('compressed')), 5);
    assert.equal(resyncDelaySeconds({ name: 'compressed', factor: 6 }), 10);
  });

  it('takes switchover, failover and resync for a region of the pair; refuses anything else, naming what it got', () => {
    // Given the events as dbhook.py posts them
    const move = {
      globalCluster: 'trading-prod-orders-global',
      fromRegion: 'us-east-1',
      toRegion: 'us-east-2',
      fromCluster: 'arn:aws:rds:us-east-1:123456789012:cluster:a',
      toCluster: 'arn:aws:rds:us-east-2:123456789012:cluster:b',
      allowDataLoss: true,
    };
    assert.deepEqual(parseHookEvent({ action: 'failover', ...move }, regions), {
      action: 'failover',
      toRegion: 'us-east-2',
    });
    assert.deepEqual(parseHookEvent({ action: 'switchover', ...move, allowDataLoss: false }, regions), {
      action: 'switchover',
      toRegion: 'us-east-2',
    });
    assert.deepEqual(parseHookEvent({ action: 'resync', region: 'us-east-1', cluster: 'x' }, regions), {
      action: 'resync',
      region: 'us-east-1',
    });
    // Then a call that is not one of them is refused (400), saying why
    assert.throws(
      () => parseHookEvent({ action: 'promote', toRegion: 'us-east-2' }, regions),
      (e: Error) =>
        e instanceof HookRequestError &&
        e.message === 'action must be switchover, failover or resync, got "promote"',
    );
    assert.throws(
      () => parseHookEvent({ action: 'failover', toRegion: 'eu-west-1' }, regions),
      /^HookRequestError: toRegion must be us-east-1 or us-east-2, got "eu-west-1" \(action failover\)$/,
    );
    assert.throws(() => parseHookEvent(null, regions), HookRequestError);
  });
});
