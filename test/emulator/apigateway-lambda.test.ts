/**
 * Two moto behaviours a drill relies on to stop a region's traffic: API Gateway stage
 * throttling set to 0 through UpdateStage (and set back), and Lambda reserved
 * concurrency 0 (PutFunctionConcurrency / GetFunctionConcurrency /
 * DeleteFunctionConcurrency), which the extension also applies to GetFunction and Invoke.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  APIGatewayClient,
  CreateDeploymentCommand,
  CreateRestApiCommand,
  GetResourcesCommand,
  GetStageCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  UpdateStageCommand,
} from '@aws-sdk/client-api-gateway';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  LambdaClient,
  PutFunctionConcurrencyCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import yazl from 'yazl';
import { testClient, useEmulator } from './client.js';

useEmulator();
const REGION = 'us-east-1';

async function givenStage() {
  const api = testClient(APIGatewayClient, REGION);
  const restApiId = (await api.send(new CreateRestApiCommand({ name: 'trading-api' }))).id!;
  const root = (await api.send(new GetResourcesCommand({ restApiId }))).items!.find((r) => r.path === '/')!;
  await api.send(
    new PutMethodCommand({ restApiId, resourceId: root.id!, httpMethod: 'GET', authorizationType: 'NONE' }),
  );
  await api.send(
    new PutIntegrationCommand({ restApiId, resourceId: root.id!, httpMethod: 'GET', type: 'MOCK' }),
  );
  await api.send(new CreateDeploymentCommand({ restApiId, stageName: 'prod' }));
  return { api, restApiId, stageName: 'prod' };
}

function throttling(rate: string, burst: string) {
  return [
    { op: 'replace' as const, path: '/*/*/throttling/rateLimit', value: rate },
    { op: 'replace' as const, path: '/*/*/throttling/burstLimit', value: burst },
  ];
}

async function stageThrottling(api: APIGatewayClient, restApiId: string, stageName: string) {
  const stage = await api.send(new GetStageCommand({ restApiId, stageName }));
  const all = stage.methodSettings?.['*/*'];
  return { rate: all?.throttlingRateLimit, burst: all?.throttlingBurstLimit };
}

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

async function givenFunction() {
  const iam = testClient(IAMClient, REGION);
  const role = await iam.send(
    new CreateRoleCommand({
      RoleName: 'trading-processor',
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
      FunctionName: 'trading-processor',
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: role.Role!.Arn!,
      Code: { ZipFile: await zip('exports.handler = async () => ({ ok: true });') },
    }),
  );
  return { lambda, FunctionName: 'trading-processor' };
}

describe('emulator: API Gateway stage throttling', () => {
  it("UpdateStage sets every method's throttling to 0, and back to the original values", async () => {
    // Given a stage throttled at 100 requests/s with a burst of 200
    const { api, restApiId, stageName } = await givenStage();
    await api.send(
      new UpdateStageCommand({ restApiId, stageName, patchOperations: throttling('100', '200') }),
    );
    const original = await stageThrottling(api, restApiId, stageName);

    // When its throttling is replaced by 0, then by the original values
    await api.send(new UpdateStageCommand({ restApiId, stageName, patchOperations: throttling('0', '0') }));
    const stopped = await stageThrottling(api, restApiId, stageName);
    await api.send(
      new UpdateStageCommand({
        restApiId,
        stageName,
        patchOperations: throttling(String(original.rate), String(original.burst)),
      }),
    );
    const restored = await stageThrottling(api, restApiId, stageName);

    // Then GetStage reports 0 for both, then the original values
    assert.deepEqual(original, { rate: 100, burst: 200 });
    assert.deepEqual(stopped, { rate: 0, burst: 0 });
    assert.deepEqual(restored, { rate: 100, burst: 200 });
  });

  it('a stage without method settings can be throttled to 0 too', async () => {
    const { api, restApiId, stageName } = await givenStage();
    assert.deepEqual(await stageThrottling(api, restApiId, stageName), { rate: undefined, burst: undefined });
    const out = await api.send(
      new UpdateStageCommand({ restApiId, stageName, patchOperations: throttling('0', '0') }),
    );
    assert.equal(out.methodSettings?.['*/*']?.throttlingRateLimit, 0);
    assert.equal(out.methodSettings?.['*/*']?.throttlingBurstLimit, 0);
    assert.deepEqual(await stageThrottling(api, restApiId, stageName), { rate: 0, burst: 0 });
  });
});

describe('emulator: Lambda reserved concurrency', () => {
  it('PutFunctionConcurrency 0 is reported by GetFunctionConcurrency and GetFunction; DeleteFunctionConcurrency clears it', async () => {
    // Given a function without reserved concurrency
    const { lambda, FunctionName } = await givenFunction();
    const before = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName }));

    // When its reserved concurrency is set to 0
    const put = await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: 0 }),
    );
    const during = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName }));
    const fn = await lambda.send(new GetFunctionCommand({ FunctionName }));

    // Then both reads report 0 (GetFunction too: moto left Concurrency out for 0)
    assert.equal(before.ReservedConcurrentExecutions, undefined);
    assert.equal(put.ReservedConcurrentExecutions, 0);
    assert.equal(during.ReservedConcurrentExecutions, 0);
    assert.deepEqual(fn.Concurrency, { ReservedConcurrentExecutions: 0 });

    // When it is deleted, then it is unreserved again
    await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName }));
    const after = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName }));
    assert.equal(after.ReservedConcurrentExecutions, undefined);
    assert.equal((await lambda.send(new GetFunctionCommand({ FunctionName }))).Concurrency, undefined);
  });

  it('Invoke of a function with reserved concurrency 0 is throttled, as AWS throttles it', async () => {
    // Given a function whose reserved concurrency is 0
    const { lambda, FunctionName } = await givenFunction();
    await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName, ReservedConcurrentExecutions: 0 }));

    // When it is invoked, then Lambda answers 429 TooManyRequestsException
    await assert.rejects(
      lambda.send(new InvokeCommand({ FunctionName, Payload: '{}' })),
      (error: unknown) => {
        assert.ok(error instanceof TooManyRequestsException, String(error));
        assert.equal(error.$metadata.httpStatusCode, 429);
        assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
        assert.equal(error.message, 'Rate Exceeded.');
        return true;
      },
    );
  });
});
