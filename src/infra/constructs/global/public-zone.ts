/**
 * The platform's public hosted zone, with DNSSEC signing (a KMS signing key in
 * us-east-1, where Route 53 requires it) and DNS query logging to CloudWatch Logs
 * (also us-east-1, also a Route 53 requirement), encrypted and kept a year.
 *
 * DNSSEC only protects resolvers once the parent zone publishes the DS record
 * (`aws route53 get-dnssec`): that step is the domain owner's, outside this stack.
 */
import { Construct } from 'constructs';
import type { TerraformProvider } from '../../cdktf.js';
import type * as Route53ZoneModule from '@cdktf/provider-aws/lib/route53-zone/index.js';
import type * as KmsKeyModule from '@cdktf/provider-aws/lib/kms-key/index.js';
import type * as Route53KeySigningKeyModule from '@cdktf/provider-aws/lib/route53-key-signing-key/index.js';
import type * as Route53HostedZoneDnssecModule from '@cdktf/provider-aws/lib/route53-hosted-zone-dnssec/index.js';
import type * as CloudwatchLogGroupModule from '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js';
import type * as CloudwatchLogResourcePolicyModule from '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy/index.js';
import type * as Route53QueryLogModule from '@cdktf/provider-aws/lib/route53-query-log/index.js';
import type { ArnContext } from './policy.js';
import { requireCjs } from '../../cjs.js';

const { Route53Zone } = requireCjs(
  '@cdktf/provider-aws/lib/route53-zone/index.js',
) as typeof Route53ZoneModule;
type Route53Zone = Route53ZoneModule.Route53Zone;
const { KmsKey } = requireCjs('@cdktf/provider-aws/lib/kms-key/index.js') as typeof KmsKeyModule;
type KmsKey = KmsKeyModule.KmsKey;
const { Route53KeySigningKey } = requireCjs(
  '@cdktf/provider-aws/lib/route53-key-signing-key/index.js',
) as typeof Route53KeySigningKeyModule;
type Route53KeySigningKey = Route53KeySigningKeyModule.Route53KeySigningKey;
const { Route53HostedZoneDnssec } = requireCjs(
  '@cdktf/provider-aws/lib/route53-hosted-zone-dnssec/index.js',
) as typeof Route53HostedZoneDnssecModule;
type Route53HostedZoneDnssec = Route53HostedZoneDnssecModule.Route53HostedZoneDnssec;
const { CloudwatchLogGroup } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-log-group/index.js',
) as typeof CloudwatchLogGroupModule;
type CloudwatchLogGroup = CloudwatchLogGroupModule.CloudwatchLogGroup;
const { CloudwatchLogResourcePolicy } = requireCjs(
  '@cdktf/provider-aws/lib/cloudwatch-log-resource-policy/index.js',
) as typeof CloudwatchLogResourcePolicyModule;
type CloudwatchLogResourcePolicy = CloudwatchLogResourcePolicyModule.CloudwatchLogResourcePolicy;
const { Route53QueryLog } = requireCjs(
  '@cdktf/provider-aws/lib/route53-query-log/index.js',
) as typeof Route53QueryLogModule;
type Route53QueryLog = Route53QueryLogModule.Route53QueryLog;

/** Route 53 reads DNSSEC keys and writes query logs in this region only. */
export const ROUTE53_HOME_REGION = 'us-east-1';

export interface PublicZoneProps {
  /** A provider for us-east-1. */
  readonly provider: TerraformProvider;
  /** Region of `provider`; must be us-east-1. */
  readonly region: string;
  readonly domain: string;
  readonly arnContext: ArnContext;
  /** Log group for the query logs (Route 53 requires the `/aws/route53/` prefix). */
  readonly queryLogGroupName: string;
  /**
   * A us-east-1 KMS key that CloudWatch Logs may use, for the query logs.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logKmsKeyArn?: string;
  /**
   * Days the query logs are kept.
   * @default - 365
   */
  readonly logRetentionDays?: number;
  /**
   * Name of the key-signing key (letters, digits, underscores).
   * @default - `dr_ksk`
   */
  readonly keySigningKeyName?: string;
  /** @default - none */
  readonly comment?: string;
}

function validate(props: PublicZoneProps): void {
  if (props.region !== ROUTE53_HOME_REGION) {
    throw new Error(
      `PublicZone: Route 53 takes DNSSEC keys and query-log groups from ${ROUTE53_HOME_REGION} only; the provider given is for ${props.region}`,
    );
  }
  if (!props.queryLogGroupName.startsWith('/aws/route53/')) {
    throw new Error(
      `PublicZone: queryLogGroupName must start with /aws/route53/, got "${props.queryLogGroupName}"`,
    );
  }
  const name = props.keySigningKeyName;
  if (name !== undefined && !/^[A-Za-z0-9_]{3,128}$/.test(name)) {
    throw new Error(
      `PublicZone: keySigningKeyName must be 3–128 letters, digits or underscores, got "${name}"`,
    );
  }
  const days = props.logRetentionDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1)) {
    throw new Error(`PublicZone: logRetentionDays must be a positive number of days, got ${days}`);
  }
}

export class PublicZone extends Construct {
  public readonly zone: Route53Zone;
  public readonly signingKey: KmsKey;
  public readonly queryLogGroup: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: PublicZoneProps) {
    super(scope, id);
    validate(props);
    const { provider, arnContext } = props;
    const account = arnContext.accountId;
    const accountRoot = `arn:${arnContext.partition}:iam::${account}:root`;

    this.zone = new Route53Zone(this, 'zone', {
      provider,
      name: props.domain,
      ...(props.comment ? { comment: props.comment } : {}),
    });

    // The key policy Route 53 documents for DNSSEC, with the account's administrators
    // named action by action instead of kms:*.
    this.signingKey = new KmsKey(this, 'dnssec-key', {
      provider,
      description: `DNSSEC key-signing key of ${props.domain}`,
      customerMasterKeySpec: 'ECC_NIST_P256',
      keyUsage: 'SIGN_VERIFY',
      deletionWindowInDays: 30,
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'AccountAdministersKey',
            Effect: 'Allow',
            Principal: { AWS: accountRoot },
            Action: [
              'kms:Create*',
              'kms:Describe*',
              'kms:Enable*',
              'kms:List*',
              'kms:Put*',
              'kms:Update*',
              'kms:Revoke*',
              'kms:Disable*',
              'kms:Get*',
              'kms:Delete*',
              'kms:TagResource',
              'kms:UntagResource',
              'kms:ScheduleKeyDeletion',
              'kms:CancelKeyDeletion',
            ],
            Resource: '*',
          },
          {
            Sid: 'Route53DnssecSigns',
            Effect: 'Allow',
            Principal: { Service: 'dnssec-route53.amazonaws.com' },
            Action: ['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign'],
            Resource: '*',
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: { 'aws:SourceArn': `arn:${arnContext.partition}:route53:::hostedzone/*` },
            },
          },
          {
            Sid: 'Route53DnssecGrants',
            Effect: 'Allow',
            Principal: { Service: 'dnssec-route53.amazonaws.com' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { Bool: { 'kms:GrantIsForAWSResource': true } },
          },
        ],
      }),
    });
    const ksk = new Route53KeySigningKey(this, 'key-signing-key', {
      provider,
      hostedZoneId: this.zone.id,
      keyManagementServiceArn: this.signingKey.arn,
      name: props.keySigningKeyName ?? 'dr_ksk',
    });
    new Route53HostedZoneDnssec(this, 'dnssec', {
      provider,
      hostedZoneId: ksk.hostedZoneId,
      dependsOn: [ksk],
    });

    this.queryLogGroup = new CloudwatchLogGroup(this, 'query-logs', {
      provider,
      name: props.queryLogGroupName,
      retentionInDays: props.logRetentionDays ?? 365,
      ...(props.logKmsKeyArn ? { kmsKeyId: props.logKmsKeyArn } : {}),
    });
    const policy = new CloudwatchLogResourcePolicy(this, 'query-log-policy', {
      provider,
      policyName: `route53-query-logs-${props.domain}`,
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'route53.amazonaws.com' },
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: `${this.queryLogGroup.arn}:*`,
            Condition: {
              StringEquals: { 'aws:SourceAccount': account },
              ArnLike: { 'aws:SourceArn': `arn:${arnContext.partition}:route53:::hostedzone/*` },
            },
          },
        ],
      }),
    });
    new Route53QueryLog(this, 'query-log', {
      provider,
      zoneId: this.zone.zoneId,
      cloudwatchLogGroupArn: this.queryLogGroup.arn,
      dependsOn: [policy],
    });
  }
}
