/**
 * The region outage switch: while a region is down every request signed for it fails —
 * refused at once or held without an answer — including global control planes that sign
 * for us-east-1 and the emulator's own Step Functions task calls; the other region works.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateHostedZoneCommand, ListHostedZonesCommand, Route53Client } from '@aws-sdk/client-route-53';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { listOutages, restoreRegion, setOutage } from '../../src/sandbox/emulator.js';
import { givenRole, testClient, trustPolicy, useEmulator } from './client.js';

const endpoint = useEmulator();
/** The machines' role: trusted by Step Functions, allowed the one parameter their task writes. */
const machineRole = () =>
  givenRole('trading-failover', trustPolicy({ Service: 'states.amazonaws.com' }), [
    {
      Effect: 'Allow',
      Action: 'ssm:PutParameter',
      Resource: 'arn:aws:ssm:*:123456789012:parameter/trading/active-region',
    },
  ]);

/** A transport failure: the SDK got no HTTP answer at all. */
function noAnswer(error: unknown): boolean {
  const meta = (error as { $metadata?: { httpStatusCode?: number } }).$metadata;
  return meta?.httpStatusCode === undefined;
}

async function elapsed<T>(fn: () => Promise<T>): Promise<{ ms: number; error?: unknown; value?: T }> {
  const start = Date.now();
  try {
    const value = await fn();
    return { ms: Date.now() - start, value };
  } catch (error) {
    return { ms: Date.now() - start, error };
  }
}

describe('emulator: region outage switch', () => {
  it('refuse: a call signed for us-east-1 fails at once while us-east-2 answers', async () => {
    // Given a parameter in each region, and us-east-1 refused
    const east1 = testClient(SSMClient, 'us-east-1');
    const east2 = testClient(SSMClient, 'us-east-2');
    for (const client of [east1, east2]) {
      await client.send(new PutParameterCommand({ Name: '/trading/epoch', Value: '1', Type: 'String' }));
    }
    await setOutage(endpoint, 'us-east-1', 'refuse');

    // When both regions are asked
    const lost = await elapsed(() => east1.send(new GetParameterCommand({ Name: '/trading/epoch' })));
    const alive = await east2.send(new GetParameterCommand({ Name: '/trading/epoch' }));

    // Then us-east-1 fails without any HTTP answer, well inside a second; us-east-2 answers
    assert.ok(lost.error, 'the us-east-1 call should fail');
    assert.ok(noAnswer(lost.error), `expected a transport failure, got ${String(lost.error)}`);
    assert.ok(lost.ms < 1000, `refused after ${lost.ms} ms`);
    assert.equal(alive.Parameter?.Value, '1');
    assert.deepEqual(await listOutages(endpoint), { outages: { 'us-east-1': 'refuse' } });
  });

  it('hang: a call signed for us-east-1 gets no answer until the client times out; us-east-2 answers', async () => {
    // Given us-east-1 held, and clients with a short timeout
    const east1 = testClient(SSMClient, 'us-east-1', { timeoutMs: 500 });
    const east2 = testClient(SSMClient, 'us-east-2', { timeoutMs: 500 });
    await setOutage(endpoint, 'us-east-1', 'hang');

    // When both regions are asked
    const lost = await elapsed(() => east1.send(new GetParameterCommand({ Name: '/missing' })));
    const alive = await elapsed(() => east2.send(new GetParameterCommand({ Name: '/missing' })));

    // Then us-east-1 times out after the client's timeout; us-east-2 answers (ParameterNotFound)
    assert.ok(lost.error, 'the us-east-1 call should fail');
    assert.match((lost.error as Error).name, /Timeout/);
    assert.ok(lost.ms >= 450 && lost.ms < 3000, `gave up after ${lost.ms} ms`);
    assert.equal((alive.error as Error | undefined)?.name, 'ParameterNotFound');
  });

  it('Route 53 and IAM fail during a us-east-1 outage even from a us-east-2 client', async () => {
    // Given the global control planes reached from a client configured for us-east-2
    const route53 = testClient(Route53Client, 'us-east-2');
    const iam = testClient(IAMClient, 'us-east-2');
    await route53.send(
      new CreateHostedZoneCommand({ Name: 'trading.example.com', CallerReference: 'zone-1' }),
    );
    await setOutage(endpoint, 'us-east-1', 'refuse');

    // When they are called
    const zones = await elapsed(() => route53.send(new ListHostedZonesCommand({})));
    const roles = await elapsed(() => iam.send(new ListRolesCommand({})));

    // Then both fail: they sign for us-east-1
    assert.ok(zones.error && noAnswer(zones.error), `Route 53 answered: ${JSON.stringify(zones.value)}`);
    assert.ok(roles.error && noAnswer(roles.error), `IAM answered: ${JSON.stringify(roles.value)}`);
  });

  it('restore brings the region back', async () => {
    // Given us-east-1 down
    const east1 = testClient(SSMClient, 'us-east-1');
    await east1.send(
      new PutParameterCommand({ Name: '/trading/active-region', Value: 'us-east-1', Type: 'String' }),
    );
    await setOutage(endpoint, 'us-east-1', 'refuse');
    await assert.rejects(east1.send(new GetParameterCommand({ Name: '/trading/active-region' })));

    // When it is restored
    await restoreRegion(endpoint, 'us-east-1');

    // Then it answers again, with its data intact
    const out = await east1.send(new GetParameterCommand({ Name: '/trading/active-region' }));
    assert.equal(out.Parameter?.Value, 'us-east-1');
    assert.deepEqual(await listOutages(endpoint), { outages: {} });
  });
});

describe('emulator: Step Functions during an outage', () => {
  // A task through the aws-sdk integration, as the failover machines use them.
  const definition = (waitSeconds: number) =>
    JSON.stringify({
      StartAt: 'Wait',
      States: {
        Wait: { Type: 'Wait', Seconds: waitSeconds, Next: 'Record' },
        Record: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:ssm:putParameter',
          Parameters: { Name: '/trading/active-region', Value: 'us-east-2', Type: 'String', Overwrite: true },
          End: true,
        },
      },
    });

  async function finished(sfn: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (out.status !== 'RUNNING' || Date.now() > deadline) return out;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('a us-east-2 state machine runs its aws-sdk:ssm task while us-east-1 is down', async () => {
    // Given a state machine in us-east-2, and us-east-1 refused
    const sfn = testClient(SFNClient, 'us-east-2');
    const ssm = testClient(SSMClient, 'us-east-2');
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: 'trading-failover',
        definition: definition(0),
        roleArn: await machineRole(),
      }),
    );
    await setOutage(endpoint, 'us-east-1', 'refuse');

    // When it is executed
    const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn }));
    const out = await finished(sfn, run.executionArn!);

    // Then it succeeds and its task wrote the parameter in us-east-2
    assert.equal(out.status, 'SUCCEEDED', `${out.error}: ${out.cause}`);
    const param = await ssm.send(new GetParameterCommand({ Name: '/trading/active-region' }));
    assert.equal(param.Parameter?.Value, 'us-east-2');
  });

  it('a us-east-1 state machine cannot start, nor finish its task, while us-east-1 is down', async () => {
    // Given a state machine in us-east-1 whose task runs after a 1 s wait, started before the outage
    const sfn = testClient(SFNClient, 'us-east-1');
    const ssm = testClient(SSMClient, 'us-east-1');
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: 'trading-failover',
        definition: definition(1),
        roleArn: await machineRole(),
      }),
    );
    const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn }));

    // When us-east-1 goes down during the wait, and comes back after the task would have run
    await setOutage(endpoint, 'us-east-1', 'refuse');
    const start = await elapsed(() =>
      sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn })),
    );
    await new Promise((r) => setTimeout(r, 2000));
    await restoreRegion(endpoint, 'us-east-1');

    // Then a new start was refused, and the running execution failed at its task: the
    // emulator's own call to SSM in us-east-1 was cut, so the parameter was never written
    assert.ok(start.error && noAnswer(start.error), 'StartExecution in us-east-1 should fail');
    const out = await finished(sfn, run.executionArn!);
    assert.equal(out.status, 'FAILED');
    assert.equal(out.error, 'States.Runtime');
    assert.match(out.cause ?? '', /'Record'/);
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/trading/active-region' })), {
      name: 'ParameterNotFound',
    });
  });
});
