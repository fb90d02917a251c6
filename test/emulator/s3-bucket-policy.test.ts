/**
 * Bucket policies in the emulator: the platform's TLS-only statement (deny when
 * aws:SecureTransport is false) lets our clients' requests through, as it does for the
 * HTTPS requests they make on AWS; an unconditional deny still denies.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateBucketCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { testClient, useEmulator } from './client.js';

useEmulator();

const policy = (bucket: string, condition?: Record<string, unknown>) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Deny',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:*'],
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });

async function bucketWith(name: string, condition?: Record<string, unknown>): Promise<S3Client> {
  const s3 = testClient(S3Client, 'us-east-1');
  await s3.send(new CreateBucketCommand({ Bucket: name }));
  await s3.send(new PutBucketPolicyCommand({ Bucket: name, Policy: policy(name, condition) }));
  return s3;
}

describe('emulator: bucket policies', () => {
  it('lets a request through a TLS-only deny (aws:SecureTransport false)', async () => {
    // Given a bucket whose policy denies every request not made over TLS
    const s3 = await bucketWith('tls-only', { Bool: { 'aws:SecureTransport': 'false' } });
    // When an object is written / Then it is accepted, as the same HTTPS request is on AWS
    const put = await s3.send(new PutObjectCommand({ Bucket: 'tls-only', Key: 'k', Body: 'v' }));
    assert.equal(put.$metadata.httpStatusCode, 200);
  });

  it('still denies what an unconditional deny covers', async () => {
    // Given a bucket whose policy denies everything
    const s3 = await bucketWith('deny-all');
    // When an object is written / Then it is refused with 403
    await assert.rejects(
      s3.send(new PutObjectCommand({ Bucket: 'deny-all', Key: 'k', Body: 'v' })),
      (error: { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode === 403,
    );
  });
});
