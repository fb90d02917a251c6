/**
 * Lambda function settings in the emulator that moto 5.2.5 dropped: DeadLetterConfig and
 * LoggingConfig come back in the function's configuration, as AWS answers them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import yazl from 'yazl';
import { testClient, useEmulator } from './client.js';

useEmulator();
const REGION = 'us-east-1';
const DLQ = 'arn:aws:sqs:us-east-1:123456789012:trading-lambda-dlq';

function zip(source: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const file = new yazl.ZipFile();
    file.addBuffer(Buffer.from(source), 'index.js');
    file.end();
    const chunks: Buffer[] = [];
    file.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    file.outputStream.on('error', reject);
    file.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

async function givenFunction(settings: Partial<ConstructorParameters<typeof CreateFunctionCommand>[0]> = {}) {
  const role = await testClient(IAMClient, REGION).send(
    new CreateRoleCommand({
      RoleName: 'trading-health',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    }),
  );
  const lambda = testClient(LambdaClient, REGION);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: 'trading-health',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: role.Role!.Arn!,
      Code: { ZipFile: await zip('exports.handler = async () => ({ ok: true });') },
      ...settings,
    }),
  );
  return lambda;
}

describe('emulator: Lambda function configuration', () => {
  it('answers the DeadLetterConfig and JSON LoggingConfig it was created with, levels INFO by default', async () => {
    // Given a function created with a dead-letter queue and JSON logs to its own group
    const lambda = await givenFunction({
      DeadLetterConfig: { TargetArn: DLQ },
      LoggingConfig: { LogFormat: 'JSON', LogGroup: '/trading/health' },
    });

    // When its configuration is read
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'trading-health' }));

    // Then both settings come back, with AWS's default log levels
    assert.deepEqual(config.DeadLetterConfig, { TargetArn: DLQ });
    assert.deepEqual(config.LoggingConfig, {
      LogFormat: 'JSON',
      LogGroup: '/trading/health',
      ApplicationLogLevel: 'INFO',
      SystemLogLevel: 'INFO',
    });
  });

  it('answers the default Text LoggingConfig and no DeadLetterConfig, and follows an update', async () => {
    // Given a function created without either setting
    const lambda = await givenFunction();
    const before = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'trading-health' }));

    // When a dead-letter queue is set by UpdateFunctionConfiguration
    await lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'trading-health',
        DeadLetterConfig: { TargetArn: DLQ },
      }),
    );
    const after = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'trading-health' }));

    // Then the defaults were AWS's, and the queue is there after the update
    assert.deepEqual(before.LoggingConfig, { LogFormat: 'Text', LogGroup: '/aws/lambda/trading-health' });
    assert.equal(before.DeadLetterConfig, undefined);
    assert.deepEqual(after.DeadLetterConfig, { TargetArn: DLQ });
  });
});
