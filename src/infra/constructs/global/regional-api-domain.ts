/**
 * One region's side of the order API's public names: an ACM certificate (in that
 * region) for the failover name and the region's own name, validated through DNS;
 * a REGIONAL API Gateway custom domain for each name, mapped to the region's stage;
 * and an alias record for the region's own name (what that region's health check
 * probes). The failover record for the shared name is `HealthCheckedRecord`'s job.
 */
import { Token, TerraformIterator, type TerraformProvider } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as AcmCertificateModule from '@cdktf/provider-aws/lib/acm-certificate/index.js';
import type * as AcmCertificateValidationModule from '@cdktf/provider-aws/lib/acm-certificate-validation/index.js';
import type * as ApiGatewayDomainNameModule from '@cdktf/provider-aws/lib/api-gateway-domain-name/index.js';
import type * as ApiGatewayBasePathMappingModule from '@cdktf/provider-aws/lib/api-gateway-base-path-mapping/index.js';
import type * as Route53RecordModule from '@cdktf/provider-aws/lib/route53-record/index.js';
import { requireCjs } from '../../cjs.js';

const { AcmCertificate } = requireCjs(
  '@cdktf/provider-aws/lib/acm-certificate/index.js',
) as typeof AcmCertificateModule;
type AcmCertificate = AcmCertificateModule.AcmCertificate;
const { AcmCertificateValidation } = requireCjs(
  '@cdktf/provider-aws/lib/acm-certificate-validation/index.js',
) as typeof AcmCertificateValidationModule;
type AcmCertificateValidation = AcmCertificateValidationModule.AcmCertificateValidation;
const { ApiGatewayDomainName } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-domain-name/index.js',
) as typeof ApiGatewayDomainNameModule;
type ApiGatewayDomainName = ApiGatewayDomainNameModule.ApiGatewayDomainName;
const { ApiGatewayBasePathMapping } = requireCjs(
  '@cdktf/provider-aws/lib/api-gateway-base-path-mapping/index.js',
) as typeof ApiGatewayBasePathMappingModule;
type ApiGatewayBasePathMapping = ApiGatewayBasePathMappingModule.ApiGatewayBasePathMapping;
const { Route53Record } = requireCjs(
  '@cdktf/provider-aws/lib/route53-record/index.js',
) as typeof Route53RecordModule;
type Route53Record = Route53RecordModule.Route53Record;

export interface RegionalApiDomainProps {
  /** Provider of the region whose API this is (certificate and custom domains live there). */
  readonly provider: TerraformProvider;
  /** Hosted zone holding both names and the validation records. */
  readonly zoneId: string;
  /** The shared name behind the failover records, e.g. `api.trading.example.com`. */
  readonly apiDomain: string;
  /** This region's own name, e.g. `api-use1.trading.example.com`. */
  readonly regionalDomain: string;
  /** REST API and deployed stage both names map to. */
  readonly restApiId: string;
  readonly stageName: string;
  /**
   * TLS policy of the custom domains.
   * @default - `TLS_1_2`
   */
  readonly securityPolicy?: 'TLS_1_2';
  /**
   * TTL of the DNS validation records, seconds.
   * @default - 300
   */
  readonly validationRecordTtl?: number;
}

const HOSTNAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

function validate(props: RegionalApiDomainProps): void {
  for (const [field, value] of [
    ['apiDomain', props.apiDomain],
    ['regionalDomain', props.regionalDomain],
  ] as const) {
    if (!Token.isUnresolved(value) && !HOSTNAME.test(value)) {
      throw new Error(`RegionalApiDomain: ${field} must be a fully qualified host name, got "${value}"`);
    }
  }
  if (props.apiDomain === props.regionalDomain) {
    throw new Error(
      `RegionalApiDomain: regionalDomain must differ from apiDomain (both are "${props.apiDomain}"): the health check must probe this region alone`,
    );
  }
  const ttl = props.validationRecordTtl;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 86400)) {
    throw new Error(`RegionalApiDomain: validationRecordTtl must be 1–86400 seconds, got ${ttl}`);
  }
}

export class RegionalApiDomain extends Construct {
  public readonly certificate: AcmCertificate;
  public readonly certificateValidation: AcmCertificateValidation;
  /** Custom domain for the shared (failover) name in this region. */
  public readonly apiDomainName: ApiGatewayDomainName;
  /** Custom domain for this region's own name. */
  public readonly regionalDomainName: ApiGatewayDomainName;
  /** Alias record: this region's own name → its custom domain. */
  public readonly regionalRecord: Route53Record;

  constructor(scope: Construct, id: string, props: RegionalApiDomainProps) {
    super(scope, id);
    validate(props);
    const { provider } = props;

    this.certificate = new AcmCertificate(this, 'certificate', {
      provider,
      domainName: props.apiDomain,
      subjectAlternativeNames: [props.regionalDomain],
      validationMethod: 'DNS',
      keyAlgorithm: 'RSA_2048',
      lifecycle: { createBeforeDestroy: true },
    });

    // ACM asks for the same CNAME for a name in every region of an account, so both
    // regions' certificates write identical records: allow_overwrite lets the second
    // one adopt the record instead of failing on it.
    //
    // The iterator walks the set of validation options itself, keyed by domain name (known
    // at plan time). cdktf's fromComplexList wraps the set in tolist(), and Terraform
    // cannot order a set whose elements are partly unknown, so a first plan failed with
    // "Invalid for_each argument" (found by the sandbox's real Terraform).
    const options = TerraformIterator.fromMap(
      Token.asAnyMap(
        `\${{ for option in ${this.certificate.fqn}.domain_validation_options : option.domain_name => option }}`,
      ),
    );
    const validationRecords = new Route53Record(this, 'validation-record', {
      forEach: options,
      zoneId: props.zoneId,
      name: options.getString('resource_record_name'),
      type: options.getString('resource_record_type'),
      records: [options.getString('resource_record_value')],
      ttl: props.validationRecordTtl ?? 300,
      allowOverwrite: true,
    });
    this.certificateValidation = new AcmCertificateValidation(this, 'certificate-validation', {
      provider,
      certificateArn: this.certificate.arn,
      validationRecordFqdns: Token.asList(
        TerraformIterator.fromResources(validationRecords).pluckProperty('fqdn'),
      ),
    });

    const domain = (domainId: string, name: string) =>
      new ApiGatewayDomainName(this, domainId, {
        provider,
        domainName: name,
        regionalCertificateArn: this.certificateValidation.certificateArn,
        securityPolicy: props.securityPolicy ?? 'TLS_1_2',
        endpointConfiguration: { types: ['REGIONAL'] },
      });
    this.apiDomainName = domain('api-domain', props.apiDomain);
    this.regionalDomainName = domain('regional-domain', props.regionalDomain);

    new ApiGatewayBasePathMapping(this, 'api-mapping', {
      provider,
      apiId: props.restApiId,
      stageName: props.stageName,
      domainName: this.apiDomainName.domainName,
    });
    new ApiGatewayBasePathMapping(this, 'regional-mapping', {
      provider,
      apiId: props.restApiId,
      stageName: props.stageName,
      domainName: this.regionalDomainName.domainName,
    });

    this.regionalRecord = new Route53Record(this, 'regional-record', {
      zoneId: props.zoneId,
      name: props.regionalDomain,
      type: 'A',
      alias: {
        name: this.regionalDomainName.regionalDomainName,
        zoneId: this.regionalDomainName.regionalZoneId,
        evaluateTargetHealth: false,
      },
    });
  }
}
