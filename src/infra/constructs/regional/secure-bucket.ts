/**
 * An S3 bucket the way the platform keeps files: versioned (replication needs it, and an
 * overwritten audit record stays recoverable), SSE-KMS with the regional key and a
 * bucket key, every public-access block on, ACLs off (BucketOwnerEnforced), TLS-only,
 * and a lifecycle. Replication rules are the global stack's.
 */
import type * as S3BucketModule from '@cdktf/provider-aws/lib/s3-bucket/index.js';
import type * as S3BucketLifecycleConfigurationModule from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js';
import type * as S3BucketNotificationModule from '@cdktf/provider-aws/lib/s3-bucket-notification/index.js';
import type * as S3BucketOwnershipControlsModule from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js';
import type * as S3BucketPolicyModule from '@cdktf/provider-aws/lib/s3-bucket-policy/index.js';
import type * as S3BucketPublicAccessBlockModule from '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js';
import type * as S3BucketServerSideEncryptionConfigurationModule from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js';
import type * as S3BucketVersioningModule from '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { denyInsecureTransport, policyDocument } from './policy.js';
import { InvalidPropsError, requireInt } from './validate.js';

const { S3Bucket } = requireCjs('@cdktf/provider-aws/lib/s3-bucket/index.js') as typeof S3BucketModule;
type S3Bucket = S3BucketModule.S3Bucket;
const { S3BucketLifecycleConfiguration } = requireCjs(
  '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration/index.js',
) as typeof S3BucketLifecycleConfigurationModule;
type S3BucketLifecycleConfigurationRule =
  S3BucketLifecycleConfigurationModule.S3BucketLifecycleConfigurationRule;
const { S3BucketNotification } = requireCjs(
  '@cdktf/provider-aws/lib/s3-bucket-notification/index.js',
) as typeof S3BucketNotificationModule;
const { S3BucketOwnershipControls } = requireCjs(
  '@cdktf/provider-aws/lib/s3-bucket-ownership-controls/index.js',
) as typeof S3BucketOwnershipControlsModule;
const { S3BucketPolicy } = requireCjs(
  '@cdktf/provider-aws/lib/s3-bucket-policy/index.js',
) as typeof S3BucketPolicyModule;
const { S3BucketPublicAccessBlock } = requireCjs(
  '@cdktf/provider-aws/lib/s3-bucket-public-access-block/index.js',
) as typeof S3BucketPublicAccessBlockModule;
const { S3BucketServerSideEncryptionConfigurationA } = requireCjs(
  '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration/index.js',
) as typeof S3BucketServerSideEncryptionConfigurationModule;
type S3BucketServerSideEncryptionConfigurationA =
  S3BucketServerSideEncryptionConfigurationModule.S3BucketServerSideEncryptionConfigurationA;
const { S3BucketVersioningA } = requireCjs(
  '@cdktf/provider-aws/lib/s3-bucket-versioning/index.js',
) as typeof S3BucketVersioningModule;

export interface BucketLifecycle {
  /** Days after which current objects move to STANDARD_IA (S3 minimum 30). @default - never */
  readonly infrequentAccessAfterDays?: number;
  /** Days after which current objects move to GLACIER (Flexible Retrieval). @default - never */
  readonly glacierAfterDays?: number;
  /** Days after which current objects expire. @default - never */
  readonly expireAfterDays?: number;
  /** Current objects must live at least this long: `expireAfterDays` below it throws. @default 0 */
  readonly minimumRetentionDays?: number;
  /** Days after which a noncurrent (overwritten or deleted) version moves to GLACIER. @default - never */
  readonly noncurrentGlacierAfterDays?: number;
  /** Days after which a noncurrent version is deleted. @default 90 */
  readonly noncurrentExpireAfterDays?: number;
  /** Days after which an unfinished multipart upload is aborted. @default 7 */
  readonly abortMultipartAfterDays?: number;
}

export interface SecureBucketProps {
  readonly bucketName: string;
  readonly kmsKeyArn: string;
  /** @default - noncurrent versions expire after 90 days, multipart uploads aborted after 7 */
  readonly lifecycle?: BucketLifecycle;
}

const BUCKET_NAME = /^(?!xn--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export class SecureBucket extends Construct {
  readonly bucket: S3Bucket;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    if (!BUCKET_NAME.test(props.bucketName)) {
      throw new InvalidPropsError(
        'SecureBucket',
        'bucketName',
        props.bucketName,
        'a DNS-compatible S3 bucket name (3–63 lowercase letters, digits, hyphens)',
      );
    }
    const rules = lifecycleRules(props.lifecycle ?? {});

    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName });
    this.name = this.bucket.bucket;
    this.arn = this.bucket.arn;
    const bucket = this.bucket.id;

    new S3BucketVersioningA(this, 'versioning', {
      bucket,
      versioningConfiguration: { status: 'Enabled' },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn },
          // One data key per bucket instead of per object: far fewer KMS calls.
          bucketKeyEnabled: true,
        },
      ],
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', {
      bucket,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    });
    new S3BucketPolicy(this, 'policy', {
      bucket,
      policy: policyDocument(
        [denyInsecureTransport(['s3:*'], [this.arn, `${this.arn}/*`])],
        `${props.bucketName} policy`,
      ),
      // S3 refuses a policy while the public access block is being written.
      dependsOn: [publicAccess],
    });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', { bucket, rule: rules });
    // Object events go to the default EventBridge bus (audit trail, replication checks).
    new S3BucketNotification(this, 'notifications', { bucket, eventbridge: true });
  }
}

function lifecycleRules(l: BucketLifecycle): S3BucketLifecycleConfigurationRule[] {
  const c = 'SecureBucket';
  const day = (prop: keyof BucketLifecycle, min = 1) => {
    const v = l[prop];
    return v === undefined ? undefined : requireInt(c, `lifecycle.${prop}`, v, min);
  };
  const ia = day('infrequentAccessAfterDays', 30);
  const glacier = day('glacierAfterDays');
  const expire = day('expireAfterDays');
  const minimum = day('minimumRetentionDays', 0) ?? 0;
  const noncurrentGlacier = day('noncurrentGlacierAfterDays');
  const noncurrentExpire = day('noncurrentExpireAfterDays') ?? 90;
  const abort = day('abortMultipartAfterDays') ?? 7;
  if (expire !== undefined && expire < minimum) {
    throw new InvalidPropsError(
      c,
      'lifecycle.expireAfterDays',
      expire,
      `at least minimumRetentionDays (${minimum})`,
    );
  }
  if (ia !== undefined && glacier !== undefined && glacier < ia + 30) {
    // S3 keeps an object in STANDARD_IA at least 30 days before a later transition.
    throw new InvalidPropsError(
      c,
      'lifecycle.glacierAfterDays',
      glacier,
      `at least infrequentAccessAfterDays + 30 (${ia + 30})`,
    );
  }
  for (const [prop, at] of [
    ['infrequentAccessAfterDays', ia],
    ['glacierAfterDays', glacier],
  ] as const) {
    if (expire !== undefined && at !== undefined && at >= expire) {
      throw new InvalidPropsError(c, `lifecycle.${prop}`, at, `less than expireAfterDays (${expire})`);
    }
  }
  if (noncurrentGlacier !== undefined && noncurrentGlacier >= noncurrentExpire) {
    throw new InvalidPropsError(
      c,
      'lifecycle.noncurrentGlacierAfterDays',
      noncurrentGlacier,
      `less than noncurrentExpireAfterDays (${noncurrentExpire})`,
    );
  }
  const transitions = [
    ...(ia === undefined ? [] : [{ days: ia, storageClass: 'STANDARD_IA' }]),
    ...(glacier === undefined ? [] : [{ days: glacier, storageClass: 'GLACIER' }]),
  ];
  return [
    {
      id: 'current-versions',
      status: 'Enabled',
      filter: [{ prefix: '' }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: abort }],
      ...(transitions.length > 0 ? { transition: transitions } : {}),
      ...(expire === undefined ? {} : { expiration: [{ days: expire }] }),
    },
    {
      id: 'noncurrent-versions',
      status: 'Enabled',
      filter: [{ prefix: '' }],
      noncurrentVersionExpiration: [{ noncurrentDays: noncurrentExpire }],
      ...(noncurrentGlacier === undefined
        ? {}
        : { noncurrentVersionTransition: [{ noncurrentDays: noncurrentGlacier, storageClass: 'GLACIER' }] }),
    },
  ];
}
