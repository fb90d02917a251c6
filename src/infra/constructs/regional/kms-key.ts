/**
 * The region's customer-managed KMS key: S3, SQS, SNS, CloudWatch Logs, Lambda
 * environment variables, Step Functions, and (in the global stack) Aurora and the
 * DynamoDB replica all encrypt with it. Rotation is on. The key policy grants `kms:*`
 * only to the account root, as AWS requires; every other principal gets named actions.
 * The zone stack has one of its own, in us-east-1, for the Route 53 query logs.
 */
import type * as KmsAliasModule from '@cdktf/provider-aws/lib/kms-alias/index.js';
import type * as KmsKeyModule from '@cdktf/provider-aws/lib/kms-key/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { keyPolicy, type ArnContext, type Statement } from './policy.js';
import { InvalidPropsError, requireInt } from './validate.js';

const { KmsAlias } = requireCjs('@cdktf/provider-aws/lib/kms-alias/index.js') as typeof KmsAliasModule;
type KmsAlias = KmsAliasModule.KmsAlias;
const { KmsKey } = requireCjs('@cdktf/provider-aws/lib/kms-key/index.js') as typeof KmsKeyModule;
type KmsKey = KmsKeyModule.KmsKey;

export interface RegionalKeyProps {
  /** `alias/...` name of the key. */
  readonly alias: string;
  readonly region: string;
  readonly arnContext: ArnContext;
  readonly description: string;
  /** Days before a scheduled deletion completes (7–30). @default 30 */
  readonly deletionWindowDays?: number;
  /**
   * Whether CloudWatch alarms may use the key (to publish to a topic it encrypts).
   * @default true
   */
  readonly alarmTopics?: boolean;
}

/** Actions a service needs to use (not manage) a key. */
const USE_KEY = [
  'kms:Encrypt',
  'kms:Decrypt',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:DescribeKey',
];

export class RegionalKey extends Construct {
  readonly key: KmsKey;
  readonly alias: KmsAlias;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: RegionalKeyProps) {
    super(scope, id);
    if (!props.alias.startsWith('alias/') || props.alias.startsWith('alias/aws/')) {
      throw new InvalidPropsError(
        'RegionalKey',
        'alias',
        props.alias,
        'a name starting with alias/ (not alias/aws/)',
      );
    }
    const deletionWindowDays = requireInt(
      'RegionalKey',
      'deletionWindowDays',
      props.deletionWindowDays ?? 30,
      7,
      30,
    );
    const { partition, accountId } = props.arnContext;
    const services: Statement[] = [
      {
        sid: 'CloudWatchLogsOfThisAccount',
        principal: { Service: `logs.${props.region}.amazonaws.com` },
        actions: USE_KEY,
        resources: ['*'],
        condition: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${partition}:logs:${props.region}:${accountId}:log-group:*`,
          },
        },
      },
    ];
    if (props.alarmTopics ?? true) {
      services.push({
        // CloudWatch alarms publish to the KMS-encrypted alarm topic.
        sid: 'CloudWatchAlarmsToEncryptedTopic',
        principal: { Service: 'cloudwatch.amazonaws.com' },
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        condition: { StringEquals: { 'aws:SourceAccount': accountId } },
      });
    }
    this.key = new KmsKey(this, 'key', {
      description: props.description,
      enableKeyRotation: true,
      deletionWindowInDays: deletionWindowDays,
      policy: keyPolicy(`arn:${partition}:iam::${accountId}:root`, services, 'RegionalKey key policy'),
    });
    this.alias = new KmsAlias(this, 'alias', { name: props.alias, targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }
}
