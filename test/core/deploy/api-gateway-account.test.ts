/**
 * `dr deploy`'s preflight on API Gateway's account-wide CloudWatch role (one setting per
 * region, shared by every REST API of the account there), read from the emulator over
 * HTTP: a role set outside dr is a conflict the deploy refuses, unless the config keeps it.
 */
import assert from 'node:assert/strict';
import { APIGatewayClient, UpdateAccountCommand } from '@aws-sdk/client-api-gateway';
import { describe, it } from 'node:test';
import { parseConfig } from '../../../src/config/load.js';
import { apiGatewayAccountConflicts } from '../../../src/core/deploy/api-gateway-account.js';
import { Naming } from '../../../src/contract/naming.js';
import { testClient, useEmulator } from '../../emulator/client.js';
import { baseConfig } from '../../infra/synth-helpers.js';
import { useEmulatorClients } from '../../emulator/use-clients.js';

const config = parseConfig(baseConfig);
const naming = new Naming(config);
const [primary, secondary] = [config.regions.primary, config.regions.secondary];
const foreign = 'arn:aws:iam::123456789012:role/apigw-logs-of-another-team';
const ours = (region: string) => `arn:aws:iam::123456789012:role/${naming.role('api-cloudwatch', region)}`;

describe('API Gateway account-wide CloudWatch role (deploy preflight, emulator)', () => {
  const endpoint = useEmulator();
  const clients = useEmulatorClients(endpoint, 5000);
  const setRole = (region: string, arn: string) =>
    testClient(APIGatewayClient, region).send(
      new UpdateAccountCommand({
        patchOperations: [{ op: 'replace', path: '/cloudwatchRoleArn', value: arn }],
      }),
    );

  it('no role set, or dr’s own role: no conflict', async () => {
    assert.deepEqual(await apiGatewayAccountConflicts({ clients, naming, config }), []);
    await setRole(primary, ours(primary));
    await setRole(secondary, ours(secondary));
    assert.deepEqual(await apiGatewayAccountConflicts({ clients, naming, config }), []);
  });

  it('another role set in one region: one line naming the region and that role, saying how to keep it', async () => {
    await setRole(primary, foreign);
    const conflicts = await apiGatewayAccountConflicts({ clients, naming, config });
    assert.equal(conflicts.length, 1);
    assert.match(
      conflicts[0]!,
      new RegExp(`^${primary}: .*${foreign}.*apiGateway\\.accountCloudWatchRoleArn`),
    );
  });

  it('the config keeps that role: no conflict; a config naming a role the account does not use: a conflict per region', async () => {
    await setRole(primary, foreign);
    await setRole(secondary, foreign);
    const keeping = parseConfig({ ...baseConfig, apiGateway: { accountCloudWatchRoleArn: foreign } });
    assert.deepEqual(await apiGatewayAccountConflicts({ clients, naming, config: keeping }), []);
    await setRole(secondary, ours(secondary));
    const conflicts = await apiGatewayAccountConflicts({ clients, naming, config: keeping });
    assert.equal(conflicts.length, 1);
    assert.match(
      conflicts[0]!,
      new RegExp(`^${secondary}: apiGateway\\.accountCloudWatchRoleArn is ${foreign}`),
    );
  });
});
