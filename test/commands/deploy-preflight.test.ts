/**
 * `dr deploy` refuses before any Terraform call when the apply would replace API Gateway's
 * account-wide CloudWatch role set outside dr (one setting per region, shared by every
 * REST API there): the built CLI as a process, the fake-terraform STAND-IN recording its
 * calls, against the deployed sandbox (the synthesized stacks applied by real Terraform).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APIGatewayClient, GetAccountCommand, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { after, before, describe, it } from 'node:test';
import type { DeployResult } from '../../src/core/deploy/deploy.js';
import { testClient } from '../emulator/client.js';
import { installFakeTerraform, readCalls } from '../fixtures/fake-terraform.js';
import { runCli } from '../harness/cli.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { config, naming, primary, secondary } from '../core/failover/helpers.js';

const { endpoint } = useDeployedPlatform();
const foreign = 'arn:aws:iam::123456789012:role/apigw-logs-of-another-team';
let root = '';
let bin = '';

before(() => {
  root = mkdtempSync(join(tmpdir(), 'dr-deploy-preflight-'));
  mkdirSync(join(root, 'bin'));
  bin = installFakeTerraform(join(root, 'bin'));
  writeFileSync(
    join(root, 'dr.config.json'),
    JSON.stringify({ app: config.app, dns: { domain: config.dns.domain } }),
  );
});
after(() => rmSync(root, { recursive: true, force: true }));

const apigw = (region: string) => testClient(APIGatewayClient, region, { endpoint });
const roleOf = async (region: string) =>
  (await apigw(region).send(new GetAccountCommand({}))).cloudwatchRoleArn;

describe('dr deploy preflight: the account-wide API Gateway CloudWatch role (CLI, deployed sandbox)', () => {
  it('the deployed stacks set it to dr’s own role in each region', async () => {
    for (const region of [primary, secondary]) {
      assert.match(
        (await roleOf(region)) ?? '',
        new RegExp(`:role/${naming.role('api-cloudwatch', region)}$`),
      );
    }
  });

  it('set outside dr: exit 2 with one line naming the region, the role and the config key; no Terraform call, nothing changed', async () => {
    // Given another team's role is the account's setting in the primary region
    await apigw(primary).send(
      new UpdateAccountCommand({
        patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: foreign }],
      }),
    );
    const record = join(root, 'calls.jsonl');
    // When a runbook deploys
    const out = await runCli(['deploy', '--auto-approve', '--terraform-bin', bin], {
      cwd: root,
      env: { DR_ENDPOINT: endpoint, FAKE_TERRAFORM_RECORD: record, DR_DATABASE_URL: undefined },
      timeoutMs: 90_000,
    });
    // Then it refuses with the documented exit code and one line saying what to do
    assert.equal(out.code, 2, out.stderr);
    const lines = out.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('dr: '));
    assert.equal(lines.length, 1, out.stderr);
    assert.match(
      lines[0]!,
      new RegExp(
        `refused before any change: ${primary}: .*${foreign}.*apiGateway\\.accountCloudWatchRoleArn`,
      ),
    );
    assert.doesNotMatch(out.stderr, /\n\s+at /, 'no stack trace');
    // And nothing ran or changed
    assert.deepEqual(readCalls(record), []);
    assert.equal(await roleOf(primary), foreign);
    // The same in JSON: the outcome and the refusals
    const json = await runCli(['deploy', '--auto-approve', '--json', '--terraform-bin', bin], {
      cwd: root,
      env: { DR_ENDPOINT: endpoint, FAKE_TERRAFORM_RECORD: record, DR_DATABASE_URL: undefined },
      timeoutMs: 90_000,
    });
    assert.equal(json.code, 2);
    const result = JSON.parse(json.stdout) as DeployResult;
    assert.equal(result.outcome, 'refused');
    assert.equal(result.refusals?.length, 1);
    assert.ok(result.stacks.every((s) => s.status === 'not-run'));
    assert.deepEqual(readCalls(record), []);
  });
});
