import type * as AwsSdkClientS3Module from '@aws-sdk/client-s3';
import type { S3Api } from '../apis.js';
import { sdkConfig, type ClientSettings } from '../sdk-config.js';
import { requireCjs } from '../cjs.js';

const {
  S3Client,
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketVersioningCommand,
  GetBucketVersioningCommand,
  PutBucketReplicationCommand,
  GetBucketReplicationCommand,
  PutObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
} = requireCjs('@aws-sdk/client-s3') as typeof AwsSdkClientS3Module;

/** Path-style addressing against an endpoint override: the sandbox has no per-bucket hostnames. */
export function create(settings: ClientSettings): S3Api & { destroy(): void } {
  const client = new S3Client({ ...sdkConfig(settings), forcePathStyle: Boolean(settings.endpoint) });
  return {
    createBucket: (input) => client.send(new CreateBucketCommand(input)),
    headBucket: (input) => client.send(new HeadBucketCommand(input)),
    putBucketVersioning: (input) => client.send(new PutBucketVersioningCommand(input)),
    getBucketVersioning: (input) => client.send(new GetBucketVersioningCommand(input)),
    putBucketReplication: (input) => client.send(new PutBucketReplicationCommand(input)),
    getBucketReplication: (input) => client.send(new GetBucketReplicationCommand(input)),
    putObject: (input) => client.send(new PutObjectCommand(input)),
    headObject: (input) => client.send(new HeadObjectCommand(input)),
    deleteObject: (input) => client.send(new DeleteObjectCommand(input)),
    destroy: () => client.destroy(),
  };
}
