/**
 * A CloudWatch Logs group encrypted with the regional key, with a retention. Every log
 * the regional stack produces (Lambda, API access, Step Functions, VPC flow logs) goes
 * into one of these, so none is kept forever or stored without the platform's key.
 */
import type * as CloudwatchLogGroupModule from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import { Construct } from 'constructs';
import { requireCjs } from '../../cjs.js';
import { requireLogRetention, requireNonEmpty } from './validate.js';

const { CloudwatchLogGroup } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js',
) as typeof CloudwatchLogGroupModule;
type CloudwatchLogGroup = CloudwatchLogGroupModule.CloudwatchLogGroup;

export interface EncryptedLogGroupProps {
  readonly name: string;
  readonly kmsKeyArn: string;
  /** Days to keep events; a value CloudWatch accepts. @default 365 (a year of audit trail) */
  readonly retentionDays?: number;
}

export class EncryptedLogGroup extends Construct {
  readonly logGroup: CloudwatchLogGroup;
  readonly name: string;
  readonly arn: string;

  constructor(scope: Construct, id: string, props: EncryptedLogGroupProps) {
    super(scope, id);
    requireNonEmpty('EncryptedLogGroup', 'name', props.name);
    this.logGroup = new CloudwatchLogGroup(this, 'log-group', {
      name: props.name,
      kmsKeyId: props.kmsKeyArn,
      retentionInDays: requireLogRetention('EncryptedLogGroup', 'retentionDays', props.retentionDays ?? 365),
    });
    this.name = this.logGroup.name;
    this.arn = this.logGroup.arn;
  }
}
