/**
 * The automatic trigger: the pure decision, the watch loop with its effects faked (how
 * many probes, when it acts), and the same runWatchdog the Lambda runs, in-process
 * against the emulator (moto runs no Lambda code). The watched region's /health is a
 * local HTTP server standing in for its regional API (named as such); us-east-1 is taken
 * down through the outage switch, so nothing of it can be relied on.
 */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { createServer, type Server } from 'node:http';
import { describe, it } from 'node:test';
import {
  ReceiveMessageCommand,
  SQSClient,
  CreateQueueCommand,
  GetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { setOutage } from '../../../src/sandbox/emulator.js';
import { LockHeldError } from '../../../src/contract/errors.js';
import { followExecution } from '../../../src/core/failover/execution.js';
import { acquireLease, readLease, releaseLease } from '../../../src/core/failover/lease.js';
import { LEASE_ID } from '../../../src/core/failover/plan.js';
import {
  decideAutoFailover,
  parseAutoFailoverSetting,
  probeHealth,
  runWatchdog,
  watchdogEffects,
  watchedRegion,
  type HealthSample,
  type WatchdogEffects,
  type WatchdogFacts,
} from '../../../src/core/failover/watchdog.js';
import { readWatchdogConfig } from '../../../src/core/failover/watchdog-config.js';
import { watchdogConfigJson, watchdogTiming } from '../../../src/contract/watchdog-env.js';
import { silentReporter } from '../../../src/core/reporter.js';
import { testClient } from '../../emulator/client.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { config, naming, platformState, primary, secondary, setAutoFailover } from './helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const { endpoint } = useDeployedPlatform();
const clients = useEmulatorClients(endpoint);

const bad = (detail = '503'): HealthSample => ({ ok: false, detail });
const good: HealthSample = { ok: true, detail: '200' };

const facts = (over: Partial<WatchdogFacts>): WatchdogFacts => ({
  setting: 'on',
  region: secondary,
  watched: primary,
  activeRegion: primary,
  samples: [bad(), bad(), bad()],
  requiredFailures: 3,
  inFlight: false,
  ...over,
});

describe('decideAutoFailover', () => {
  it('fails over only after N failed probes in a row, per auto-failover', () => {
    // Given/When/Then: each setting and probe history
    assert.equal(decideAutoFailover(facts({})).action, 'failover');
    assert.equal(decideAutoFailover(facts({ setting: 'approval' })).action, 'request-approval');
    assert.match(
      decideAutoFailover(facts({ setting: 'approval' })).reason,
      /dr failover --to us-east-2 --unplanned/,
    );
    assert.equal(decideAutoFailover(facts({ setting: 'off' })).action, 'none');
    assert.equal(decideAutoFailover(facts({ samples: [bad(), good] })).action, 'none');
    assert.equal(decideAutoFailover(facts({ samples: [bad(), bad(), good] })).action, 'none');
    assert.equal(decideAutoFailover(facts({ samples: [good, bad(), bad(), bad()] })).action, 'failover');
    assert.equal(decideAutoFailover(facts({ samples: [bad()] })).action, 'none');
  });

  it('does nothing when this region is active, a stale region names itself, or an operation runs', () => {
    // Given the copy in the standby after a failover to it
    assert.equal(decideAutoFailover(facts({ activeRegion: secondary })).action, 'none');
    // Given the copy in us-east-1 when it came back with its stale active-region = itself
    assert.equal(
      decideAutoFailover(facts({ region: primary, watched: secondary, activeRegion: primary })).action,
      'none',
    );
    assert.equal(decideAutoFailover(facts({ inFlight: true })).action, 'none');
  });

  it('after a planned failover to us-east-2, the us-east-1 copy watches us-east-2', () => {
    // Given us-east-1's SSM names us-east-2 active and us-east-2 failing
    const decision = decideAutoFailover(
      facts({ region: primary, watched: secondary, activeRegion: secondary }),
    );
    // Then the us-east-1 copy fails over to itself
    assert.equal(decision.action, 'failover');
    assert.equal(watchedRegion(config.regions, primary), secondary);
    assert.equal(watchedRegion(config.regions, secondary), primary);
  });

  it('reads an unknown auto-failover value as approval: never fires on a typo, never goes silent', () => {
    assert.equal(parseAutoFailoverSetting('on'), 'on');
    assert.equal(parseAutoFailoverSetting('off'), 'off');
    assert.equal(parseAutoFailoverSetting('ON'), 'approval');
    assert.equal(parseAutoFailoverSetting(''), 'approval');
    assert.equal(parseAutoFailoverSetting(undefined), 'approval');
  });
});

/** Effects faked in memory (the loop's logic, not AWS): records probes, starts and notices. */
function fakeEffects(over: Partial<WatchdogEffects> & { health: HealthSample[]; active?: string }) {
  const calls = { probes: 0, started: 0, notified: [] as string[], slept: 0 };
  const effects: WatchdogEffects = {
    probeWatched: async () => over.health[calls.probes++] ?? good,
    readSetting: async () => 'on',
    readActiveRegion: async () => over.active ?? primary,
    inFlight: async () => false,
    startFailover: async () => {
      calls.started += 1;
      return 'arn:execution';
    },
    notify: async (d) => {
      calls.notified.push(d.action);
    },
    sleep: async () => {
      calls.slept += 1;
    },
    ...over,
  };
  return { effects, calls };
}

const loop = (effects: WatchdogEffects, probes = 6) =>
  runWatchdog({
    effects,
    region: secondary,
    watched: primary,
    probes,
    probeIntervalMs: 0,
    requiredFailures: 3,
  });

describe('runWatchdog (effects faked in memory)', () => {
  it('keeps probing through a period and fires as soon as 3 fail in a row', async () => {
    // Given a primary that goes bad after two healthy probes
    const { effects, calls } = fakeEffects({ health: [good, good, bad(), bad(), bad(), good] });
    // When one period of 6 probes runs
    const run = await loop(effects);
    // Then it stopped at the third failure, started the failover once and said so
    assert.equal(calls.probes, 5);
    assert.equal(run.decision.action, 'failover');
    assert.equal(run.executionArn, 'arn:execution');
    assert.equal(calls.started, 1);
    assert.deepEqual(calls.notified, ['failover']);
  });

  it('stops early when the rest of the period can no longer make 3 in a row', async () => {
    const { effects, calls } = fakeEffects({ health: [bad(), good, good, good] });
    const run = await loop(effects, 4);
    assert.equal(run.decision.action, 'none');
    assert.equal(calls.probes, 2);
  });

  it('does not probe at all from the active region', async () => {
    const { effects, calls } = fakeEffects({ health: [bad(), bad(), bad()], active: secondary });
    const run = await loop(effects);
    assert.equal(run.decision.action, 'none');
    assert.equal(calls.probes, 0);
    assert.equal(calls.started, 0);
  });

  it('takes no probe while an operation runs (the new primary of a failback answers 503 until promoted)', async () => {
    // Given an operation in flight when the period starts (the lease held), and a failing primary
    const { effects, calls } = fakeEffects({ health: [bad(), bad(), bad()], inFlight: async () => true });
    // When one period runs
    const run = await loop(effects);
    // Then nothing was probed, nothing started, nobody told
    assert.equal(run.decision.action, 'none');
    assert.equal(run.decision.reason, 'an operation is already running');
    assert.equal(calls.probes, 0);
    assert.equal(calls.started, 0);
    assert.deepEqual(calls.notified, []);
  });

  it('treats a lease taken meanwhile as someone else acting: no failure, no notice', async () => {
    const { effects, calls } = fakeEffects({
      health: [bad(), bad(), bad()],
      startFailover: async () => {
        throw new LockHeldError('alice holds the DR lease', 'alice');
      },
    });
    const run = await loop(effects);
    assert.equal(run.decision.action, 'none');
    assert.match(run.decision.reason, /alice holds the DR lease/);
    assert.deepEqual(calls.notified, []);
  });
});

describe('watchdog timing and config', () => {
  it('probes at the health-check cadence for a whole minute and fits the Lambda timeout', () => {
    // Given the default 10 s × 3 health check
    const t = watchdogTiming(config);
    // Then 6 probes 10 s apart, 3 in a row needed, and the timeout covers them
    assert.deepEqual([t.probes, t.intervalMs, t.requiredFailures], [6, 10_000, 3]);
    assert.ok(t.timeoutSeconds >= 50 + 12 && t.timeoutSeconds <= 900);
    // And a slow 30 s × 10 check still gets its 10 probes in one period
    const slow = watchdogTiming({
      dns: { ...config.dns, healthCheck: { intervalSeconds: 30, failureThreshold: 10, path: '/health' } },
    });
    assert.equal(slow.probes, 10);
    assert.ok(slow.timeoutSeconds >= 9 * 30 && slow.timeoutSeconds <= 900);
  });

  it('hands the Lambda a config it plans with, under 4 KB', () => {
    const json = watchdogConfigJson({ ...config, autoFailover: 'on' });
    assert.ok(json.length < 2048, `${json.length} bytes`);
    const back = readWatchdogConfig({ DR_WATCHDOG_CONFIG: json });
    assert.deepEqual(back.regions, config.regions);
    assert.deepEqual(back.dns, config.dns);
    assert.equal(back.database.databaseName, config.database.databaseName);
    assert.throws(() => readWatchdogConfig({}), /DR_WATCHDOG_CONFIG/);
  });
});

/** Stand-in for the primary's regional API: answers /health with `status()`. */
async function primaryHealth(status: () => number): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.statusCode = status();
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/health`, server };
}

/** One run of the watchdog in `region` over the emulator: 3 probes of `healthUrl`, no waits, 3 failures fail. */
const watchFrom = (region: string, healthUrl: string) =>
  runWatchdog({
    effects: {
      ...watchdogEffects({ clients, config, region, probe: () => probeHealth(healthUrl, 1000) }),
      sleep: async () => {},
    },
    region,
    watched: primary,
    probes: 3,
    probeIntervalMs: 0,
    requiredFailures: 3,
  });

describe('runWatchdog (emulator; the primary /health is a local HTTP stand-in)', () => {
  it('fires the unplanned failover from us-east-2 when the primary health goes bad, with us-east-1 down', async () => {
    // Given the deployed platform with auto-failover on, a healthy primary, and the watchdog in us-east-2
    await setAutoFailover(clients, 'on');
    let status = 200;
    const health = await primaryHealth(() => status);
    const run = () => watchFrom(secondary, health.url);
    try {
      const calm = await run();
      assert.equal(calm.decision.action, 'none');

      // And while an operator holds the DR lease (a failback under way), a failing primary is not judged
      status = 503;
      const lease = { ddb: clients.dynamodb(secondary), table: naming.leaseTable(), id: LEASE_ID };
      await acquireLease({
        ...lease,
        holder: 'alice',
        operation: 'failback',
        operationId: 'failback-x',
        ttlSeconds: 60,
      });
      const held = await run();
      assert.equal(held.decision.action, 'none');
      assert.deepEqual(held.samples, []);
      await releaseLease(lease.ddb, lease.table, lease.id, 'alice');

      // And a lease left by bob's CLI that died (its process gone from this host) does not hold it back
      await acquireLease({
        ...lease,
        holder: 'bob',
        operation: 'failback',
        operationId: 'failback-y',
        ttlSeconds: 3600,
        session: `${hostname()}:999999999:gone`,
      });

      // When the primary's health goes bad and us-east-1 goes dark
      status = 503;
      await setOutage(endpoint, primary, 'hang');
      const fired = await run();

      // Then the watchdog started the failover, and it completes in us-east-2
      assert.equal(fired.decision.action, 'failover', fired.decision.reason);
      assert.ok(fired.executionArn);
      const taken = await readLease(lease.ddb, lease.table, lease.id);
      assert.equal(taken?.takenOverFrom, 'bob', 'the takeover of the dead lease is recorded');
      const outcome = await followExecution({
        sfn: clients.sfn(secondary),
        executionArn: fired.executionArn,
        region: secondary,
        reporter: silentReporter,
        pollMs: 100,
        timeoutMs: 30_000,
      });
      assert.equal(outcome.status, 'SUCCEEDED', JSON.stringify(outcome.failure));
      const state = await platformState(clients, [secondary]);
      assert.equal(state.writer, secondary);
      assert.deepEqual(state.regions[secondary], {
        activeRegion: secondary,
        epoch: '2',
        mappingEnabled: true,
      });
      assert.equal(state.leaseHolder, undefined);

      // And the next period, now that us-east-2 is active, does nothing
      const after = await run();
      assert.equal(after.decision.action, 'none');
      assert.equal(after.samples.length, 0);
    } finally {
      health.server.close();
    }
  });

  it('with approval required it asks on the alarm topic instead of failing over', async () => {
    // Given approval mode (the deployed default), a failing primary, and a queue subscribed to the alarm topic
    const sqs = testClient(SQSClient, secondary, { endpoint });
    const sns = testClient(SNSClient, secondary, { endpoint });
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'approval-inbox' }))).QueueUrl ?? '';
    const queueArn =
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] })))
        .Attributes?.QueueArn ?? '';
    const topicArn =
      (
        await clients
          .ssm(secondary)
          .getParameter({ Name: naming.ssmRegional('alarm-topic-arn'), WithDecryption: true })
      ).Parameter?.Value ?? '';
    await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
    const health = await primaryHealth(() => 503);
    try {
      // When the watchdog runs
      const out = await watchFrom(secondary, health.url);
      // Then it requested approval, the request reached the topic, and nothing moved
      assert.equal(out.decision.action, 'request-approval');
      assert.equal(out.executionArn, undefined);
      const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
      const body = JSON.parse(received.Messages?.[0]?.Body ?? '{}') as { Subject?: string; Message?: string };
      assert.match(body.Subject ?? '', /approve failover to us-east-2/);
      assert.match(body.Message ?? '', /dr failover --to us-east-2 --unplanned/);
      assert.equal((await platformState(clients)).writer, primary);
    } finally {
      health.server.close();
    }
  });
});
