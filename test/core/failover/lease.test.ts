/**
 * Issue 13 part 3: the DR lease belongs to an operation run by one process, not to an
 * identity. Against the deployed sandbox's lease table (DynamoDB conditional writes in
 * the emulator); `leaseLiveness` alone is pure.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { LockHeldError } from '../../../src/contract/errors.js';
import {
  acquireLease,
  keepLeaseAlive,
  LEASE_STALE_SECONDS,
  leaseLiveness,
  readLease,
  THIS_SESSION,
  type LeaseRecord,
} from '../../../src/core/failover/lease.js';
import { LEASE_ID } from '../../../src/core/failover/plan.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { emulatorClients, naming, secondary } from './helpers.js';

const { endpoint } = useDeployedPlatform();
const clients = emulatorClients(endpoint);
const lease = () => ({ ddb: clients.dynamodb(secondary), table: naming.leaseTable(), id: LEASE_ID });
const DEAD = `${hostname()}:999999999:gone`;
const take = (holder: string, session: string, extra: Partial<Parameters<typeof acquireLease>[0]> = {}) =>
  acquireLease({
    ...lease(),
    holder,
    operation: 'failover',
    operationId: `failover-${secondary}-${holder}-${session.slice(-4)}`,
    ttlSeconds: 3600,
    session,
    ...extra,
  });

describe('leaseLiveness (pure)', () => {
  const base: LeaseRecord = {
    id: LEASE_ID,
    holder: 'carol',
    operation: 'failover',
    operationId: 'x',
    startedAt: new Date().toISOString(),
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  it('running while its process on this host lives and its heartbeat is fresh', () => {
    const now = new Date();
    const beat = Math.floor(now.getTime() / 1000);
    assert.equal(leaseLiveness({ ...base, session: THIS_SESSION, heartbeatAt: beat }, now).running, true);
  });
  it('gone when its pid on this host no longer exists, whatever the heartbeat', () => {
    const now = new Date();
    const beat = Math.floor(now.getTime() / 1000);
    const verdict = leaseLiveness({ ...base, session: DEAD, heartbeatAt: beat }, now);
    assert.equal(verdict.running, false);
    assert.match(verdict.reason, /pid 999999999 .* is gone/);
  });
  it(`gone after ${LEASE_STALE_SECONDS} s without a heartbeat from another host`, () => {
    const now = new Date();
    const old = Math.floor(now.getTime() / 1000) - LEASE_STALE_SECONDS - 1;
    const verdict = leaseLiveness({ ...base, session: 'elsewhere:1:x', heartbeatAt: old }, now);
    assert.equal(verdict.running, false);
    assert.match(verdict.reason, /no heartbeat .* for \d+ s/);
    const fresh = leaseLiveness({ ...base, session: 'elsewhere:1:x', heartbeatAt: old + 10 }, now);
    assert.equal(fresh.running, true);
  });
});

describe('acquireLease (deployed sandbox)', () => {
  it('the same identity from another live process is refused (exit 4), never let in', async () => {
    await take('carol', 'here:1:first-run', {});
    await assert.rejects(take('carol', THIS_SESSION), (error: unknown) => {
      assert.ok(error instanceof LockHeldError);
      assert.match(error.message, /carol holds the DR lease .*wait for it to finish/);
      return true;
    });
  });

  it("another holder's lease that nothing runs: refused naming --take-over; taken with takeOver, recorded", async () => {
    await take('alice', DEAD);
    await assert.rejects(take('bob', THIS_SESSION), /nothing runs it: .*--take-over/);
    await assert.rejects(take('bob', THIS_SESSION, { takeOverOwn: true }), LockHeldError);
    const taken = await take('bob', THIS_SESSION, { takeOver: true });
    assert.equal(taken.takenOverFrom, 'alice');
    assert.equal((await readLease(lease().ddb, lease().table, LEASE_ID))?.takenOverFrom, 'alice');
  });

  it("the holder's own lease that nothing runs is taken over by its re-run (takeOverOwn)", async () => {
    await take('carol', DEAD);
    const taken = await take('carol', THIS_SESSION, { takeOverOwn: true });
    assert.equal(taken.holder, 'carol');
    assert.equal(taken.session, THIS_SESSION);
  });

  it('two processes racing for a free lease: exactly one wins', async () => {
    const results = await Promise.allSettled([take('carol', 'a:1:one'), take('carol', 'b:2:two')]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results));
  });

  it('keepLeaseAlive renews the heartbeat while the operation runs', async () => {
    const held = await take('carol', THIS_SESSION);
    const stop = keepLeaseAlive({ ...lease(), everyMs: 200 });
    try {
      const deadline = Date.now() + 5000;
      let seen = held.heartbeatAt ?? 0;
      while (Date.now() < deadline && seen <= (held.heartbeatAt ?? 0)) {
        await new Promise((r) => setTimeout(r, 200));
        seen = (await readLease(lease().ddb, lease().table, LEASE_ID))?.heartbeatAt ?? 0;
      }
      assert.ok(seen > (held.heartbeatAt ?? 0), `heartbeat renewed (${held.heartbeatAt} → ${seen})`);
    } finally {
      stop();
    }
  });
});
