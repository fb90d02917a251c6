/**
 * `dr drill` on AWS as a process (the built CLI), the way a runbook runs it, pointed at
 * the emulator (`DR_ENDPOINT`) with the sandbox playing what AWS runs (Lambda, Route 53's
 * checkers, API Gateway through its stand-in: `DR_EXECUTE_API_ENDPOINT`). The planned
 * scenario only: the region outage on this path is covered in-process by
 * test/core/drill/aws-e2e.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startApiGateway } from '../../src/sandbox/api-gateway.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { startSandboxPlatform, useOrdersDatabase } from '../sandbox/helpers.js';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { useTempDir } from '../harness/temp-dir.js';
import { config, secondary, mapDrillDatabase } from '../core/failover/helpers.js';
import { drillFailure } from './drill-failure.js';

describe('dr drill on AWS (CLI, emulator)', () => {
  const { endpoint } = useDeployedPlatform();
  const { clients, orders } = useOrdersDatabase(endpoint);
  const tmp = useTempDir('dr-drill-aws-cli-', {
    'dr.config.json': readFileSync(join(REPO_ROOT, 'dr.config.json'), 'utf8'),
  });

  it('runs the planned scenario through signed orders and the Data API, writes the report, exit 0', async () => {
    // Given the deployed platform (the repository's config) and its orders database
    await mapDrillDatabase(clients, endpoint, orders.url);
    const platform = await startSandboxPlatform(clients, endpoint, orders.url);
    const gateway = await startApiGateway({ clients, config, dbUrl: orders.url });
    let result;
    try {
      // When a runbook runs the drill on "AWS"
      result = await runCli(['drill', '--scenario', 'planned', '--yes', '--json', '--report', 'gd'], {
        cwd: tmp.dir,
        env: { DR_ENDPOINT: endpoint, DR_EXECUTE_API_ENDPOINT: `http://127.0.0.1:${gateway.port}` },
        timeoutMs: 150_000,
      });
    } finally {
      await gateway.close();
      await platform.close();
    }

    // Then it passed, on the AWS target, with orders posted through the API and counted
    assert.equal(result.code, 0, drillFailure(result));
    const out = JSON.parse(result.stdout) as {
      kind: string;
      startedSandbox: boolean;
      report: {
        verdict: string;
        environment: { target: string };
        scenarios: Array<{
          name: string;
          orders: { processedBy: Record<string, number>; unprocessed: number };
        }>;
      };
      files: { json: string };
    };
    assert.equal(out.kind, 'done');
    assert.equal(out.startedSandbox, false);
    assert.equal(out.report.verdict, 'pass');
    assert.equal(out.report.environment.target, 'aws');
    const planned = out.report.scenarios[0];
    assert.equal(planned?.name, 'planned');
    assert.ok((planned?.orders.processedBy[secondary] ?? 0) > 0);
    assert.equal(planned?.orders.unprocessed, 0);
    assert.ok(
      gateway.requests.some((r) => r.method === 'POST' && r.path === '/orders' && r.status === 200),
      'orders went through the API',
    );
    assert.deepEqual(JSON.parse(await readFile(out.files.json, 'utf8')), out.report);
    // And no outage record is left behind
    assert.equal(existsSync(join(tmp.dir, '.dr', 'drill-outage.json')), false);
  });

  it('refuses DR_EXECUTE_API_ENDPOINT against real AWS: exit 2, one line', async () => {
    const result = await runCli(['drill', '--scenario', 'planned', '--yes'], {
      cwd: tmp.dir,
      env: { DR_ENDPOINT: '', DR_EXECUTE_API_ENDPOINT: 'http://127.0.0.1:9' },
    });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(
      result.stderr.trim(),
      'dr: DR_EXECUTE_API_ENDPOINT is for the emulator: set DR_ENDPOINT as well, or unset it',
    );
  });
});
