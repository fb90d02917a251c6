/**
 * The hosted zone the platform creates lives in a stack of its own, in an earlier deploy
 * wave than every stack that validates a certificate: ACM validates through records in
 * the zone, which it can only see once the parent delegates to the zone, and `dr deploy`
 * checks that delegation between the waves (src/core/deploy/delegation.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resourcesOf, type TfJson } from './synth-helpers.js';
import { crossStackRef, synthApp } from './global-fixture.js';
import { Naming } from '../../src/contract/naming.js';

type Res = Record<string, unknown>;

/** The stacks (by name) holding at least one resource of `type`. */
function stacksWith(app: ReturnType<typeof synthApp>, type: string): string[] {
  const all: Array<[string, TfJson | undefined]> = [
    [app.naming.stack('primary'), app.json.primary],
    [app.naming.stack('secondary'), app.json.secondary],
    [app.naming.stack('global'), app.json.global],
    [app.naming.stack('zone'), app.zone],
  ];
  return all.filter(([, json]) => json && Object.keys(resourcesOf(json, type)).length > 0).map(([n]) => n);
}

const waveOf = (app: ReturnType<typeof synthApp>, stack: string) =>
  app.waves.findIndex((wave) => wave.includes(stack));

describe('zone stack: a created hosted zone deploys before anything that validates a certificate', () => {
  it('without dns.hostedZoneId: the zone, DNSSEC and query logs are in the zone stack, a wave before every certificate validation', () => {
    // Given no hostedZoneId / When synthesized as `dr synth` does
    const app = synthApp();
    const zoneStack = app.naming.stack('zone');
    // Then exactly one zone exists, in the zone stack, with its DNSSEC signing and query log
    assert.deepEqual(stacksWith(app, 'aws_route53_zone'), [zoneStack]);
    const zone = app.zone as TfJson;
    assert.equal(Object.values(resourcesOf(zone, 'aws_route53_zone'))[0]?.name, 'trading.example.com');
    for (const type of [
      'aws_route53_hosted_zone_dnssec',
      'aws_route53_key_signing_key',
      'aws_route53_query_log',
    ]) {
      assert.deepEqual(stacksWith(app, type), [zoneStack], type);
    }
    // ...the zone stack validates no certificate and holds no record
    assert.equal(Object.keys(resourcesOf(zone, 'aws_acm_certificate_validation')).length, 0);
    assert.equal(Object.keys(resourcesOf(zone, 'aws_route53_record')).length, 0);
    // ...every stack that validates a certificate deploys in a later wave than the zone stack
    const validating = stacksWith(app, 'aws_acm_certificate_validation');
    assert.ok(validating.length > 0);
    for (const stack of validating) {
      assert.ok(
        waveOf(app, stack) > waveOf(app, zoneStack),
        `${stack} (wave ${waveOf(app, stack) + 1}) must come after ${zoneStack} (wave ${waveOf(app, zoneStack) + 1}): ${JSON.stringify(app.waves)}`,
      );
      assert.ok(app.dependencies[stack]?.includes(zoneStack), `${stack} depends on ${zoneStack}`);
    }
  });

  it('the validation records go into the zone stack’s zone (a cross-stack reference), and its outputs name the zone for dr deploy', () => {
    // Given no hostedZoneId / When synthesized
    const app = synthApp();
    const zoneStack = app.naming.stack('zone');
    // Then every record of the global stack (validation, failover, regional) is written into the zone stack's zone
    const records = Object.values(resourcesOf(app.json.global, 'aws_route53_record'));
    assert.ok(
      records.some((r) => r.for_each),
      'the certificate validation records',
    );
    for (const r of records) {
      const ref = crossStackRef(r.zone_id);
      assert.equal(ref?.stack, zoneStack, String(r.zone_id));
      const output = (app.zone?.output?.[ref?.output ?? ''] as Res | undefined)?.value;
      assert.match(String(output), /^\$\{aws_route53_zone\.[\w-]+\.zone_id\}$/);
    }
    // ...and the outputs dr deploy reads: the domain and the zone's name servers
    const outputs = app.zone?.output ?? {};
    assert.deepEqual((outputs[Naming.zoneOutputs.domain] as Res).value, 'trading.example.com');
    assert.match(
      String((outputs[Naming.zoneOutputs.nameServers] as Res).value),
      /^\$\{aws_route53_zone\.[\w-]+\.name_servers\}$/,
    );
    // ...and its provider is us-east-1, where Route 53 takes DNSSEC keys and query-log groups
    const providers = (app.zone?.provider?.aws ?? []) as Res[];
    assert.deepEqual(
      providers.map((p) => p.region),
      ['us-east-1'],
    );
  });

  it('its query logs are encrypted with a key of its own: it references no other stack and deploys in the first wave', () => {
    // Given no hostedZoneId / When synthesized
    const app = synthApp();
    const zoneStack = app.naming.stack('zone');
    const zone = app.zone as TfJson;
    // Then the query log group's key is one of the zone stack's, rotated, under the zone's alias
    const logGroup = Object.values(resourcesOf(zone, 'aws_cloudwatch_log_group'))[0];
    const keyRef = /^\$\{aws_kms_key\.([\w-]+)\.arn\}$/.exec(String(logGroup?.kms_key_id));
    assert.ok(keyRef?.[1], String(logGroup?.kms_key_id));
    const key = resourcesOf(zone, 'aws_kms_key')[keyRef[1]] as Res;
    assert.equal(key.enable_key_rotation, true);
    const alias = Object.values(resourcesOf(zone, 'aws_kms_alias'))[0];
    assert.equal(alias?.name, app.naming.dnsQueryLogKmsAlias());
    assert.equal(alias?.target_key_id, `\${aws_kms_key.${keyRef[1]}.key_id}`);
    // ...whose policy lets CloudWatch Logs of us-east-1 use it for this account's log groups, and no other service
    const policy = JSON.parse(String(key.policy)) as { Statement: Res[] };
    const services = policy.Statement.filter((st) => (st.Principal as Res | undefined)?.Service);
    assert.deepEqual(
      services.map((st) => (st.Principal as Res).Service),
      ['logs.us-east-1.amazonaws.com'],
    );
    assert.match(
      JSON.stringify(services[0]?.Condition),
      /arn:\$\{[^}]+\}:logs:us-east-1:\$\{[^}]+\}:log-group:\*/,
    );
    // ...so the zone stack references no other stack, and deploys beside the regional ones
    assert.equal(crossStackRef(logGroup?.kms_key_id), undefined);
    assert.deepEqual(app.dependencies[zoneStack] ?? [], []);
    assert.equal(waveOf(app, zoneStack), 0);
    assert.ok(app.waves[0]?.includes(app.naming.stack('primary')));
  });

  it('with dns.hostedZoneId: no zone stack, and no stack creates a zone', () => {
    // Given an existing, delegated zone / When synthesized
    const app = synthApp({
      dns: { domain: 'trading.example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ' } as never,
    });
    // Then there is no zone stack and no zone resource anywhere: three stacks, two waves
    assert.equal(app.platform.zone, undefined);
    assert.equal(app.zone, undefined);
    assert.deepEqual(stacksWith(app, 'aws_route53_zone'), []);
    assert.deepEqual(app.waves.flat().sort(), [
      app.naming.stack('global'),
      app.naming.stack('primary'),
      app.naming.stack('secondary'),
    ]);
  });
});
