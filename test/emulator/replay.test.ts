/**
 * A retried SDK request gets the answer its first attempt was given (dr_emulator/replay.py):
 * a client that lost the answer to a create it retries must not fail with "already exists".
 * The requests are sent as the SDKs send them, with `amz-sdk-invocation-id` and
 * `amz-sdk-request: attempt=N; max=M` (the Terraform provider's answer loss itself cannot
 * be made on purpose, so the retry is sent by hand).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { DeleteParameterCommand, DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { signedFetch, testClient, useEmulator } from './client.js';

useEmulator();

function putParameter(name: string, invocation: string, attempt: number, max = 2) {
  return signedFetch('ssm', 'us-east-1', {
    method: 'POST',
    path: '/',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.PutParameter',
      'amz-sdk-invocation-id': invocation,
      'amz-sdk-request': `attempt=${attempt}; max=${max}`,
    },
    body: JSON.stringify({ Name: name, Value: 'us-east-1', Type: 'String' }),
  });
}

describe('emulator: a retried request', () => {
  it('gets the first attempt’s answer again: the create is not carried out twice', async () => {
    const invocation = randomUUID();
    const first = await putParameter('/trading-prod/active-region', invocation, 1);
    assert.equal(first.status, 200, first.text);
    // When the client lost that answer and retries the same invocation
    const retry = await putParameter('/trading-prod/active-region', invocation, 2);
    // Then it gets the same answer, not ParameterAlreadyExists, and there is one parameter
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.text, first.text);
    const ssm = testClient(SSMClient, 'us-east-1');
    const listed = await ssm.send(new DescribeParametersCommand({}));
    assert.deepEqual(
      listed.Parameters?.map((p) => [p.Name, p.Version]),
      [['/trading-prod/active-region', 1]],
    );
  });

  it('a new invocation of the same create is carried out, and refused as AWS refuses it', async () => {
    await putParameter('/trading-prod/epoch', randomUUID(), 1);
    const again = await putParameter('/trading-prod/epoch', randomUUID(), 1);
    assert.equal(again.status, 400);
    assert.match(again.text, /ParameterAlreadyExists/);
  });

  it('an attempt whose first answer was an error is carried out again', async () => {
    // Given a first attempt refused (the parameter exists)
    await putParameter('/trading-prod/lease', randomUUID(), 1);
    const invocation = randomUUID();
    const refused = await putParameter('/trading-prod/lease', invocation, 1);
    assert.equal(refused.status, 400);
    // When the cause is gone and the same invocation is retried
    const ssm = testClient(SSMClient, 'us-east-1');
    await ssm.send(new DeleteParameterCommand({ Name: '/trading-prod/lease' }));
    const retried = await putParameter('/trading-prod/lease', invocation, 2);
    // Then it was carried out, not answered with the stored error
    assert.equal(retried.status, 200, retried.text);
  });
});
