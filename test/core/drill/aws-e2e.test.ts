/**
 * `dr drill`'s AWS path end to end, against the emulator over HTTP: the same AwsTarget
 * the command builds on AWS, with the sandbox playing what AWS would run —
 *
 * - Lambda: the trade processor's handler fed from SQS (honouring its mapping and its
 *   reserved concurrency: the outage's 0 stops it), the watchdog on its schedule;
 * - API Gateway: the local stand-in (SigV4 scope checked, not the signature; a stage
 *   throttled to 0 answers 429), since no emulator serves `*.execute-api.*`;
 * - Route 53's checkers: probing /health through the stage, forcing the emulator's
 *   health-check status, which the emulator's TestDNSAnswer follows;
 * - the RDS Data API: the emulator's, on a real PostgreSQL.
 *
 * Nothing of the drill itself is stubbed: the outage is the real UpdateStage /
 * PutFunctionConcurrency calls, the detection is the watchdog's own execution.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AwsTarget } from '../../../src/core/drill/aws-target.js';
import { runDrill } from '../../../src/core/drill/drill.js';
import type { DrillReport } from '../../../src/core/drill/model.js';
import { writerRegion } from '../../../src/core/drill/scenario.js';
import { startApiGateway, type RunningApiGateway } from '../../../src/sandbox/api-gateway.js';
import { startWatchdogSchedule } from '../../../src/sandbox/watchdog-schedule.js';
import { ORDER_API_THROTTLE } from '../../../src/infra/platform-definitions.js';
import { useTempDir } from '../../harness/temp-dir.js';
import { useDeployedPlatform } from '../../sandbox/deployed.js';
import { restApiId, startSandboxPlatform, useOrdersDatabase } from '../../sandbox/helpers.js';
import { config, naming, primary, secondary, mapDrillDatabase } from '../failover/helpers.js';

describe('drill on AWS, end to end against the emulator (both scenarios)', () => {
  const { endpoint } = useDeployedPlatform();
  const { clients, orders } = useOrdersDatabase(endpoint);
  const tmp = useTempDir('dr-drill-aws-');

  it('blacks out the primary, the watchdog fails over, orders flow through the secondary, all is undone', async () => {
    // Given the deployed platform, its orders database, the Data API on it
    await mapDrillDatabase(clients, endpoint, orders.url);
    const deployedConcurrency = (
      await clients
        .lambda(primary)
        .getFunctionConcurrency({ FunctionName: naming.lambda(primary, 'trade-processor') })
    ).ReservedConcurrentExecutions;
    // And what AWS runs: Lambda, Route 53's checkers, API Gateway, the watchdog's schedule
    const platform = await startSandboxPlatform(clients, endpoint, orders.url);
    let gateway: RunningApiGateway | undefined;
    const schedule = startWatchdogSchedule({ clients, config, everyMs: 300, probeIntervalMs: 200 });
    let target: AwsTarget | undefined;
    let report: DrillReport;
    const undoFile = join(tmp.dir, '.dr', 'drill-outage.json');
    try {
      gateway = await startApiGateway({ clients, config, dbUrl: orders.url });
      target = await AwsTarget.start({
        clients,
        config,
        credentials: clients.credentials,
        undoFile,
        executeApiEndpoint: `http://127.0.0.1:${gateway.port}`,
        tuning: { probeIntervalMs: 200, orderEveryMs: 100, settleTimeoutMs: 30_000, canaries: 5 },
        triggerTimeoutMs: 30_000,
      });
      // When the drill runs both scenarios on that target
      report = await runDrill({ clients, config, target, scenarios: ['planned', 'region-outage'] });
    } finally {
      await target?.close();
      await schedule.stop();
      await gateway?.close();
      await platform.close();
    }

    // Then both scenarios passed, on the AWS target
    assert.deepEqual(
      report.scenarios.map((s) => [s.name, s.verdict, s.error]),
      [
        ['planned', 'pass', undefined],
        ['region-outage', 'pass', undefined],
      ],
      JSON.stringify(report.scenarios.map((s) => [s.error, s.objectives])),
    );
    assert.equal(report.environment.target, 'aws');
    assert.match(report.simplifications.join(' '), /data-plane blackout/);

    for (const s of report.scenarios) {
      // And the orders counted processed (through the Data API) are the rows in PostgreSQL
      const { rows } = await orders.db.query<{ region: string; n: string }>(
        `SELECT written_region AS region, count(*) AS n FROM orders WHERE client_order_id LIKE $1 GROUP BY 1`,
        [`${s.orders.idPrefix}-%`],
      );
      assert.deepEqual(s.orders.processedBy, Object.fromEntries(rows.map((r) => [r.region, Number(r.n)])));
      assert.equal(s.orders.unprocessed, 0);
      assert.ok((s.orders.processedBy[secondary] ?? 0) > 0, 'the new primary processed orders');
    }
    assert.ok(gateway);
    const posted = gateway.requests.filter((r) => r.method === 'POST' && r.path === '/orders');
    assert.ok(
      posted.some((r) => r.status === 200 && r.region === secondary),
      'orders accepted by the secondary',
    );

    // And in the outage: Route 53 saw the primary fail, the watchdog's own execution failed over
    const outage = report.scenarios[1];
    assert.equal(outage?.detection?.by, `watchdog@${secondary}`);
    assert.equal(outage?.failover?.mode, 'unplanned');
    assert.equal(outage?.failover?.executions[0]?.arn, schedule.firstExecution()?.executionArn);
    assert.ok(
      outage?.timeline.some((x) => x.id === 'detect:route53'),
      'Route 53 marked the primary unhealthy',
    );
    assert.ok((outage?.components.find((c) => c.name === 'dns-shift')?.measuredMs ?? -1) >= 0);
    // And while it lasted, the primary's API refused with 429
    assert.ok(
      gateway.requests.some((r) => r.region === primary && r.status === 429),
      'the throttled primary answered 429',
    );

    // And everything is undone: stage, concurrency, the undo record; the primary writes again
    const stage = await clients
      .apiGateway(primary)
      .getStage({ restApiId: await restApiId(clients, primary), stageName: naming.restApiStage() });
    assert.equal(stage.methodSettings?.['*/*']?.throttlingRateLimit, ORDER_API_THROTTLE.rateLimit);
    const concurrency = await clients
      .lambda(primary)
      .getFunctionConcurrency({ FunctionName: naming.lambda(primary, 'trade-processor') });
    assert.equal(concurrency.ReservedConcurrentExecutions, deployedConcurrency);
    assert.equal(existsSync(undoFile), false);
    assert.equal(await writerRegion(clients, config, secondary), primary);
  });
});
