/**
 * The platform's public hosted zone, in a stack of its own, when the platform creates
 * the zone (no `dns.hostedZoneId`). It deploys in an earlier wave than the global stack:
 * the global stack validates the API certificates through DNS records in this zone, and
 * ACM can only see them once the parent domain delegates to the zone's name servers.
 * `dr deploy` applies this stack, reads its outputs (`Naming.zoneOutputs`), and checks
 * that delegation before it starts the global stack (src/core/deploy/delegation.ts).
 *
 * Only the zone and what Route 53 needs beside it (DNSSEC signing, query logs and the
 * key that encrypts them) live here; every record stays in the global stack. The
 * construct id `zone` is the one the global stack used, so the resources keep their
 * Terraform addresses. The stack references no other stack, so it deploys in the first
 * wave, beside the regional stacks.
 */
import { TerraformOutput, TerraformStack } from '../cdktf.js';
import type * as ProviderModule from '@cdktf/provider-aws/lib/provider/index.js';
import type * as DataAwsCallerIdentityModule from '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js';
import type * as DataAwsPartitionModule from '@cdktf/provider-aws/lib/data-aws-partition/index.js';
import type { Construct } from 'constructs';
import type { DrConfig } from '../../config/schema.js';
import { Naming } from '../../contract/naming.js';
import { configureBackend } from '../backend.js';
import { PublicZone, ROUTE53_HOME_REGION } from '../constructs/global/public-zone.js';
import { RegionalKey } from '../constructs/regional/kms-key.js';
import { requireCjs } from '../cjs.js';

const { AwsProvider } = requireCjs('@cdktf/provider-aws/lib/provider/index.js') as typeof ProviderModule;
type AwsProvider = ProviderModule.AwsProvider;
const { DataAwsCallerIdentity } = requireCjs(
  '@cdktf/provider-aws/lib/data-aws-caller-identity/index.js',
) as typeof DataAwsCallerIdentityModule;
const { DataAwsPartition } = requireCjs(
  '@cdktf/provider-aws/lib/data-aws-partition/index.js',
) as typeof DataAwsPartitionModule;

export interface ZoneStackProps {
  readonly config: DrConfig;
  readonly naming: Naming;
  readonly tags: Readonly<Record<string, string>>;
}

/** What the global stack takes from the zone stack. */
export interface CreatedZone {
  readonly zoneId: string;
  readonly nameServers: string[];
}

export class ZoneStack extends TerraformStack {
  /** us-east-1: Route 53 takes DNSSEC keys and query-log groups from there only. */
  readonly provider: AwsProvider;
  readonly zone: PublicZone;
  /**
   * The key of the query logs: the stack's own, not a regional stack's, so that this
   * stack depends on no other and deploys in the first wave.
   */
  readonly logKey: RegionalKey;

  constructor(scope: Construct, id: string, props: ZoneStackProps) {
    super(scope, id);
    const { config, naming, tags } = props;
    if (config.dns.hostedZoneId) {
      throw new Error(
        `ZoneStack: dns.hostedZoneId is set (${config.dns.hostedZoneId}): that zone is used, and no zone stack is built`,
      );
    }
    this.provider = new AwsProvider(this, 'aws', {
      region: ROUTE53_HOME_REGION,
      defaultTags: [{ tags: { ...tags } }],
    });
    configureBackend(this, id, config.stateBackend);
    const { domain } = config.dns;
    const arnContext = {
      partition: new DataAwsPartition(this, 'partition').partition,
      accountId: new DataAwsCallerIdentity(this, 'account').accountId,
    };
    // Only CloudWatch Logs uses it (no alarm publishes with it).
    this.logKey = new RegionalKey(this, 'query-logs-key', {
      alias: naming.dnsQueryLogKmsAlias(),
      region: ROUTE53_HOME_REGION,
      arnContext,
      description: `${naming.prefix} Route 53 query logs of ${domain}`,
      alarmTopics: false,
    });
    this.zone = new PublicZone(this, 'zone', {
      provider: this.provider,
      region: ROUTE53_HOME_REGION,
      domain,
      arnContext,
      comment: `dr: ${config.app} ${config.environment}`,
      queryLogGroupName: naming.dnsQueryLogGroup(domain),
      logKmsKeyArn: this.logKey.arn,
    });

    // What `dr deploy` reads (`terraform output -json`) to check the parent's delegation.
    const outputs = Naming.zoneOutputs;
    new TerraformOutput(this, outputs.domain, { value: domain });
    new TerraformOutput(this, outputs.zoneId, { value: this.zone.zone.zoneId });
    new TerraformOutput(this, outputs.nameServers, { value: this.zone.zone.nameServers });
  }

  /** The zone as the global stack references it (cross-stack: global deploys after this stack). */
  get created(): CreatedZone {
    return { zoneId: this.zone.zone.zoneId, nameServers: this.zone.zone.nameServers };
  }
}
