/**
 * IAM enforcement in the emulator (test/emulator/dr_emulator/auth.py): every request is
 * signed by a known key, and every principal but the account root is held to its identity
 * policies, as AWS does. Over HTTP with the AWS SDK for JavaScript v3 (JSON, query and S3
 * protocols), as root (the run's TEST_CREDENTIALS) and as role sessions.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { awsTestConfig, givenRole, testClient, trustPolicy, useEmulator } from './client.js';

const endpoint = useEmulator();
const ACCOUNT = '123456789012';
const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const param = (region: string, name: string) => `arn:aws:ssm:${region}:${ACCOUNT}:parameter/${name}`;

interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const made: { destroy(): void }[] = [];
after(() => made.forEach((c) => c.destroy()));

/** An SDK client signing with the given keys. */
function as<T extends { destroy(): void }>(
  Client: new (config: ReturnType<typeof awsTestConfig>) => T,
  region: string,
  credentials: Keys,
): T {
  const client = new Client({ ...awsTestConfig(region), credentials });
  made.push(client);
  return client;
}

const ROOT_WITH_MFA = trustPolicy({ AWS: ROOT }, { Bool: { 'aws:MultiFactorAuthPresent': 'true' } });

/** Root assumes the role: its session's keys. */
async function assume(roleArn: string): Promise<Keys> {
  const out = await testClient(STSClient, 'us-east-1').send(
    new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'test-session' }),
  );
  const c = out.Credentials!;
  return { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
}

async function putParameters(region: string, ...names: string[]): Promise<void> {
  const ssm = testClient(SSMClient, region);
  for (const name of names) {
    await ssm.send(
      new PutParameterCommand({ Name: `/${name}`, Value: name, Type: 'String', Overwrite: true }),
    );
  }
}

const UNKNOWN = { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'nope' };

describe('emulator IAM: authentication', () => {
  it('refuses an unknown access key (JSON, query and S3 protocols)', async () => {
    await assert.rejects(as(SSMClient, 'us-east-1', UNKNOWN).send(new GetParameterCommand({ Name: '/x' })), {
      name: 'UnrecognizedClientException',
    });
    await assert.rejects(as(STSClient, 'us-east-1', UNKNOWN).send(new GetCallerIdentityCommand({})), {
      name: 'InvalidClientTokenId',
    });
    await assert.rejects(
      as(S3Client, 'us-east-1', UNKNOWN).send(new GetObjectCommand({ Bucket: 'any-bucket', Key: 'k' })),
      { name: 'InvalidAccessKeyId' },
    );
  });

  it('refuses a known key signed with the wrong secret', async () => {
    const wrong = {
      accessKeyId: awsTestConfig('us-east-1').credentials.accessKeyId,
      secretAccessKey: 'wrong',
    };
    await assert.rejects(as(SSMClient, 'us-east-1', wrong).send(new GetParameterCommand({ Name: '/x' })), {
      name: 'InvalidSignatureException',
    });
    await assert.rejects(as(STSClient, 'us-east-1', wrong).send(new GetCallerIdentityCommand({})), {
      name: 'SignatureDoesNotMatch',
    });
  });

  it('refuses a session key with a wrong session token', async () => {
    const keys = await assume(await givenRole('tokened', ROOT_WITH_MFA));
    await assert.rejects(
      as(STSClient, 'us-east-1', { ...keys, sessionToken: 'forged' }).send(new GetCallerIdentityCommand({})),
      { name: 'InvalidClientTokenId' },
    );
  });
});

describe('emulator IAM: authorization', () => {
  it('lets root do anything, S3 object writes and reads included', async () => {
    const s3 = testClient(S3Client, 'us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'root-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'root-bucket', Key: 'a dir/obj+1.json', Body: '{"a":1}' }));
    const out = await s3.send(new GetObjectCommand({ Bucket: 'root-bucket', Key: 'a dir/obj+1.json' }));
    assert.equal(await out.Body?.transformToString(), '{"a":1}');
    await putParameters('us-east-1', 'root-param');
  });

  it('denies a role with no policy, naming the principal, the action and the resource', async () => {
    await putParameters('us-east-1', 'p1');
    const keys = await assume(await givenRole('no-policy', ROOT_WITH_MFA));
    await assert.rejects(
      as(SSMClient, 'us-east-1', keys).send(new GetParameterCommand({ Name: '/p1' })),
      (error: Error) => {
        assert.equal(error.name, 'AccessDeniedException');
        assert.equal(
          error.message,
          `User: arn:aws:sts::${ACCOUNT}:assumed-role/no-policy/test-session is not authorized to perform: ` +
            `ssm:GetParameter on resource: ${param('us-east-1', 'p1')} because no identity-based policy allows the ssm:GetParameter action`,
        );
        return true;
      },
    );
  });

  it('allows a resource-scoped grant on its resource only (SSM and S3)', async () => {
    await putParameters('us-east-1', 'mine', 'other');
    const s3 = testClient(S3Client, 'us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'scoped-bucket' }));
    const keys = await assume(
      await givenRole('scoped', ROOT_WITH_MFA, [
        { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: param('us-east-1', 'mine') },
        {
          Effect: 'Allow',
          Action: ['s3:PutObject', 's3:GetObject'],
          Resource: 'arn:aws:s3:::scoped-bucket/ok/*',
        },
      ]),
    );
    const ssm = as(SSMClient, 'us-east-1', keys);
    assert.equal((await ssm.send(new GetParameterCommand({ Name: '/mine' }))).Parameter?.Value, 'mine');
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/other' })), {
      name: 'AccessDeniedException',
    });

    const roleS3 = as(S3Client, 'us-east-1', keys);
    await roleS3.send(new PutObjectCommand({ Bucket: 'scoped-bucket', Key: 'ok/a.txt', Body: 'hello' }));
    const got = await roleS3.send(new GetObjectCommand({ Bucket: 'scoped-bucket', Key: 'ok/a.txt' }));
    assert.equal(await got.Body?.transformToString(), 'hello');
    await assert.rejects(
      roleS3.send(new PutObjectCommand({ Bucket: 'scoped-bucket', Key: 'no/a.txt', Body: 'x' })),
      {
        name: 'AccessDenied',
      },
    );
  });

  it('lets a Deny statement win over an Allow', async () => {
    await putParameters('us-east-1', 'open', 'closed');
    const keys = await assume(
      await givenRole('denied', ROOT_WITH_MFA, [
        { Effect: 'Allow', Action: 'ssm:*', Resource: '*' },
        { Effect: 'Deny', Action: 'ssm:GetParameter', Resource: param('us-east-1', 'closed') },
      ]),
    );
    const ssm = as(SSMClient, 'us-east-1', keys);
    assert.equal((await ssm.send(new GetParameterCommand({ Name: '/open' }))).Parameter?.Value, 'open');
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/closed' })), (error: Error) => {
      assert.equal(error.name, 'AccessDeniedException');
      assert.match(error.message, /with an explicit deny in an identity-based policy/);
      return true;
    });
  });

  it('evaluates aws:RequestedRegion from the signed region', async () => {
    await putParameters('us-east-1', 'regional');
    await putParameters('us-east-2', 'regional');
    const keys = await assume(
      await givenRole('east-one-only', ROOT_WITH_MFA, [
        {
          Effect: 'Allow',
          Action: 'ssm:GetParameter',
          Resource: '*',
          Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } },
        },
      ]),
    );
    const east1 = as(SSMClient, 'us-east-1', keys);
    assert.equal(
      (await east1.send(new GetParameterCommand({ Name: '/regional' }))).Parameter?.Value,
      'regional',
    );
    await assert.rejects(
      as(SSMClient, 'us-east-2', keys).send(new GetParameterCommand({ Name: '/regional' })),
      {
        name: 'AccessDeniedException',
      },
    );
  });
});

describe('emulator IAM: AssumeRole', () => {
  it('is refused when the trust policy does not name the caller', async () => {
    const arn = await givenRole('someone-elses', trustPolicy({ AWS: 'arn:aws:iam::210987654321:root' }));
    await assert.rejects(assume(arn), (error: Error) => {
      assert.equal(error.name, 'AccessDenied');
      assert.match(
        error.message,
        /sts:AssumeRole on resource: arn:aws:iam::123456789012:role\/someone-elses/,
      );
      return true;
    });
  });

  it('is allowed when it names the account root, the MFA condition holding for root', async () => {
    const keys = await assume(await givenRole('operator-like', ROOT_WITH_MFA));
    const me = await as(STSClient, 'us-east-1', keys).send(new GetCallerIdentityCommand({}));
    assert.equal(me.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/operator-like/test-session`);
  });
});

describe('emulator IAM: services acting with a role', () => {
  async function finished(sfn: SFNClient, executionArn: string) {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const out = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (out.status !== 'RUNNING' || Date.now() > deadline) return out;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it("runs a Step Functions aws-sdk task as the state machine's role", async () => {
    // Given a machine whose role may put /allowed only, trusting states.amazonaws.com
    const roleArn = await givenRole('machine-role', trustPolicy({ Service: 'states.amazonaws.com' }), [
      { Effect: 'Allow', Action: 'ssm:PutParameter', Resource: param('us-east-1', 'allowed') },
    ]);
    const task = (name: string, next?: string) => ({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ssm:putParameter',
      Parameters: { Name: name, Value: 'from-machine', Type: 'String', Overwrite: true },
      ...(next ? { Next: next } : { End: true }),
    });
    const definition = JSON.stringify({
      StartAt: 'Allowed',
      States: { Allowed: task('/allowed', 'Forbidden'), Forbidden: task('/forbidden') },
    });
    const sfn = testClient(SFNClient, 'us-east-1');
    const machine = await sfn.send(new CreateStateMachineCommand({ name: 'as-role', definition, roleArn }));

    // When it runs
    const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn }));
    const out = await finished(sfn, run.executionArn!);

    // Then the allowed task wrote its parameter and the other failed with AccessDenied
    assert.equal(out.status, 'FAILED');
    const ssm = testClient(SSMClient, 'us-east-1');
    assert.equal(
      (await ssm.send(new GetParameterCommand({ Name: '/allowed' }))).Parameter?.Value,
      'from-machine',
    );
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/forbidden' })), {
      name: 'ParameterNotFound',
    });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: run.executionArn! }));
    const failure = history.events?.find((e) => e.type === 'TaskFailed')?.taskFailedEventDetails;
    assert.match(failure?.error ?? '', /^ssm\.AccessDeniedException$/i);
    assert.match(
      failure?.cause ?? '',
      /assumed-role\/machine-role\/.* is not authorized to perform: ssm:PutParameter/,
    );
  });

  async function serviceCredentials(body: Record<string, string>) {
    const response = await fetch(new URL('/dr-emulator/service-credentials', endpoint), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, string> };
  }

  it('issues service credentials for a role that trusts the service, limited to its policy', async () => {
    await putParameters('us-east-2', 'fn-param', 'not-fn-param');
    const roleArn = await givenRole('fn-role', trustPolicy({ Service: 'lambda.amazonaws.com' }), [
      { Effect: 'Allow', Action: 'ssm:GetParameter', Resource: param('us-east-2', 'fn-param') },
    ]);
    const answer = await serviceCredentials({
      roleArn,
      service: 'lambda.amazonaws.com',
      region: 'us-east-2',
    });
    assert.equal(answer.status, 200);
    const { accessKeyId, secretAccessKey, sessionToken, expiration } = answer.body;
    assert.ok(Date.parse(expiration!) > Date.now());
    const ssm = as(SSMClient, 'us-east-2', {
      accessKeyId: accessKeyId!,
      secretAccessKey: secretAccessKey!,
      sessionToken,
    });
    assert.equal(
      (await ssm.send(new GetParameterCommand({ Name: '/fn-param' }))).Parameter?.Value,
      'fn-param',
    );
    await assert.rejects(ssm.send(new GetParameterCommand({ Name: '/not-fn-param' })), {
      name: 'AccessDeniedException',
    });
  });

  it('refuses service credentials for a role that does not trust the service', async () => {
    const roleArn = await givenRole('states-only', trustPolicy({ Service: 'states.amazonaws.com' }));
    const answer = await serviceCredentials({
      roleArn,
      service: 'lambda.amazonaws.com',
      region: 'us-east-1',
    });
    assert.equal(answer.status, 403);
    assert.match(answer.body.error!, /does not allow lambda\.amazonaws\.com/);
  });
});

describe('emulator IAM: the resource table', () => {
  it("authorizes SQS batch calls with the single call's permission, as IAM does (SQS has no batch actions)", async () => {
    // Given a queue and a consumer role allowed sqs:ReceiveMessage and sqs:DeleteMessage on it
    const sqs = testClient(SQSClient, 'us-east-1');
    const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'batched' }))).QueueUrl!;
    const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:batched`;
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'a', MessageBody: 'a' },
          { Id: 'b', MessageBody: 'b' },
        ],
      }),
    );
    const consumer = as(
      SQSClient,
      'us-east-1',
      await assume(
        await givenRole('consumer', ROOT_WITH_MFA, [
          { Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], Resource: queueArn },
        ]),
      ),
    );
    const received = await consumer.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }),
    );
    assert.equal(received.Messages?.length, 2);

    // When it deletes them in one batch, it may (sqs:DeleteMessage covers DeleteMessageBatch)
    const deleted = await consumer.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: received.Messages!.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    assert.equal(deleted.Successful?.length, 2);

    // and a batch send, which only sqs:SendMessage would allow, is refused as that action
    await assert.rejects(
      consumer.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'c', MessageBody: 'c' }] }),
      ),
      (error: Error) => {
        assert.match(error.message, /not authorized to perform: sqs:SendMessage on resource/);
        return true;
      },
    );
  });

  it('records an action it has no resource for, and evaluates it against "*"', async () => {
    const keys = await assume(
      await givenRole('lister', ROOT_WITH_MFA, [
        { Effect: 'Allow', Action: 'sqs:ListQueues', Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:*` },
      ]),
    );
    await assert.rejects(as(SQSClient, 'us-east-1', keys).send(new ListQueuesCommand({})), (error: Error) => {
      assert.match(error.message, /sqs:ListQueues on resource: \*/);
      return true;
    });
    const response = await fetch(new URL('/dr-emulator/iam/unresolved', endpoint));
    const { unresolved } = (await response.json()) as { unresolved: { principal: string; action: string }[] };
    assert.ok(
      unresolved.some(
        (u) => u.action === 'sqs:ListQueues' && u.principal === `arn:aws:iam::${ACCOUNT}:role/lister`,
      ),
      JSON.stringify(unresolved),
    );
  });
});
