import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Testing } from 'cdktf';
import { Route53HealthCheck } from '@cdktf/provider-aws/lib/route53-health-check/index.js';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record/index.js';
import { ApiGatewayDomainName } from '@cdktf/provider-aws/lib/api-gateway-domain-name/index.js';
import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate/index.js';
import { resourcesOf, type TfJson } from './synth-helpers.js';
import { regionalSource, synthApp } from './global-fixture.js';

type Res = Record<string, unknown>;

/** Failover records by their routing type, with the health check each one carries. */
function failoverPairs(json: ReturnType<typeof synthApp>['json']['global']) {
  const checks = resourcesOf(json, 'aws_route53_health_check');
  const records = Object.values(resourcesOf(json, 'aws_route53_record')).filter(
    (r) => r.failover_routing_policy,
  );
  return Object.fromEntries(
    records.map((record) => {
      const type = (record.failover_routing_policy as { type: string }).type;
      const checkName = /aws_route53_health_check\.([\w-]+)\.id/.exec(String(record.health_check_id))?.[1];
      return [type, { record, check: checks[checkName ?? ''] as Res }];
    }),
  ) as Record<'PRIMARY' | 'SECONDARY', { record: Res; check: Res }>;
}

describe('global stack: DNS failover', () => {
  it('guards PRIMARY with the us-east-1 health check and SECONDARY with the us-east-2 one', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const pairs = failoverPairs(app.json.global);
    // Then each failover record of the API name carries the health check probing its own region's name
    assert.equal(pairs.PRIMARY.record.name, 'api.trading.example.com');
    assert.equal(pairs.SECONDARY.record.name, 'api.trading.example.com');
    assert.equal(pairs.PRIMARY.check.fqdn, 'api-use1.trading.example.com');
    assert.equal(pairs.SECONDARY.check.fqdn, 'api-use2.trading.example.com');
    // ...and points at that region's custom domain for the API name
    assert.match(
      String(pairs.PRIMARY.record.records),
      /aws_api_gateway_domain_name\.primary-api-domain_\w+\.regional_domain_name/,
    );
    assert.match(
      String(pairs.SECONDARY.record.records),
      /aws_api_gateway_domain_name\.secondary-api-domain_\w+\.regional_domain_name/,
    );
  });

  it('takes the health-check interval, threshold, path and the record TTL from the config', () => {
    // Given non-default DNS settings
    const app = synthApp({
      dns: {
        domain: 'trading.example.com',
        ttlSeconds: 30,
        healthCheck: { intervalSeconds: 30, failureThreshold: 2, path: '/ready' },
      },
    });
    // When synthesized / Then both health checks are HTTPS on 443 with those settings
    for (const fqdn of ['api-use1.trading.example.com', 'api-use2.trading.example.com']) {
      assert.ok(
        Testing.toHaveResourceWithProperties(app.raw.global, Route53HealthCheck.tfResourceType, {
          fqdn,
          type: 'HTTPS',
          port: 443,
          resource_path: '/ready',
          request_interval: 30,
          failure_threshold: 2,
          measure_latency: true,
        }),
        `health check for ${fqdn}`,
      );
    }
    // ...and both failover records carry the TTL (CNAME records: alias records would ignore it)
    const pairs = failoverPairs(app.json.global);
    for (const side of ['PRIMARY', 'SECONDARY'] as const) {
      assert.equal(pairs[side].record.ttl, 30);
      assert.equal(pairs[side].record.type, 'CNAME');
    }
  });

  it('gives each region a certificate for both names, in that region, and TLS 1.2 regional custom domains', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    // Then a certificate per region names the API domain with the region's own name as SAN
    for (const [provider, own] of [
      ['aws', 'api-use1.trading.example.com'],
      ['aws.secondary', 'api-use2.trading.example.com'],
    ] as const) {
      assert.ok(
        Testing.toHaveResourceWithProperties(app.raw.global, AcmCertificate.tfResourceType, {
          provider,
          domain_name: 'api.trading.example.com',
          subject_alternative_names: [own],
          validation_method: 'DNS',
        }),
      );
      for (const name of ['api.trading.example.com', own]) {
        assert.ok(
          Testing.toHaveResourceWithProperties(app.raw.global, ApiGatewayDomainName.tfResourceType, {
            provider,
            domain_name: name,
            security_policy: 'TLS_1_2',
            endpoint_configuration: { types: ['REGIONAL'] },
          }),
          `${name} in ${provider}`,
        );
      }
    }
    // ...and the certificates are used only once validated
    assert.equal(Object.keys(resourcesOf(app.json.global, 'aws_acm_certificate_validation')).length, 2);
    assert.ok(
      Testing.toHaveResourceWithProperties(app.raw.global, Route53Record.tfResourceType, {
        allow_overwrite: true,
      }),
    );
  });

  it("keys the validation records by domain name over the certificate's option set itself, never tolist() of it", () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const records = Object.values(resourcesOf(app.json.global, 'aws_route53_record')).filter(
      (r) => r.for_each,
    );
    // Then each certificate's validation records iterate its domain_validation_options set
    // directly: Terraform cannot order a set whose elements are partly unknown, so
    // tolist() of it fails a first plan with "Invalid for_each argument"
    assert.equal(records.length, 2);
    for (const record of records) {
      assert.match(
        String(record.for_each),
        /^\$\{\{ for (\w+) in aws_acm_certificate\.[\w-]+\.domain_validation_options : \1\.domain_name => \1 \}\}$/,
      );
      assert.doesNotMatch(String(record.for_each), /tolist/);
      assert.equal(record.name, '${each.value.resource_record_name}');
    }
  });

  it("maps both names of a region to that region's REST API stage", () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const mappings = Object.values(resourcesOf(app.json.global, 'aws_api_gateway_base_path_mapping'));
    // Then four mappings: two per region, each to its own region's API and stage
    assert.equal(mappings.length, 4);
    for (const m of mappings) {
      const api = regionalSource(app, m.api_id);
      const stage = regionalSource(app, m.stage_name);
      const region = m.provider === 'aws' ? 'primary' : 'secondary';
      assert.equal(api?.stack, region);
      assert.equal(stage?.stack, region);
      assert.match(api?.expression ?? '', /aws_api_gateway_rest_api\..+\.id/);
    }
  });
});

// The created zone (no dns.hostedZoneId) has a stack of its own: test/infra/zone-stack.test.ts.
describe('global stack: an existing hosted zone (dns.hostedZoneId)', () => {
  const dnsWith = (extra: Record<string, unknown>) =>
    ({ domain: 'trading.example.com', ...extra }) as NonNullable<Parameters<typeof synthApp>[0]>['dns'];

  it('with dns.hostedZoneId looks up that zone and creates none, so ACM validates in the first apply', () => {
    // Given an existing, delegated zone / When synthesized
    const app = synthApp({ dns: dnsWith({ hostedZoneId: 'Z0123456789ABCDEFGHIJ' }) });
    const json = app.json.global as TfJson & { data?: Record<string, Record<string, Res>> };
    // Then no zone, DNSSEC key or query log is created: the zone's owner keeps those
    for (const type of [
      'aws_route53_zone',
      'aws_route53_key_signing_key',
      'aws_route53_hosted_zone_dnssec',
      'aws_route53_query_log',
    ]) {
      assert.equal(Object.keys(resourcesOf(app.json.global, type)).length, 0, type);
    }
    // ...the zone is a data source on its id (public)
    const lookups = Object.entries(json.data?.aws_route53_zone ?? {});
    assert.equal(lookups.length, 1);
    const [name, lookup] = lookups[0] as [string, Res];
    assert.equal(lookup.zone_id, 'Z0123456789ABCDEFGHIJ');
    assert.equal(lookup.private_zone, false);
    // ...and every record (certificate validation, failover, regional names) goes into it
    const records = Object.values(resourcesOf(app.json.global, 'aws_route53_record'));
    assert.ok(records.length >= 4);
    for (const r of records) assert.equal(r.zone_id, `\${data.aws_route53_zone.${name}.zone_id}`);
    // ...still with the two certificate validations
    assert.equal(Object.keys(resourcesOf(app.json.global, 'aws_acm_certificate_validation')).length, 2);
  });

  it('refuses a hostedZoneId that is not a Route 53 zone id, naming the field', () => {
    assert.throws(
      () => synthApp({ dns: dnsWith({ hostedZoneId: 'trading.example.com' }) }),
      /dns\.hostedZoneId|hostedZoneId/,
    );
  });
});
