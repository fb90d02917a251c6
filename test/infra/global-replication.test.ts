import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { CrossRegionPeering } from '../../src/infra/constructs/global/cross-region-peering.js';
import { resourcesOf } from './synth-helpers.js';
import { regionalSource, synthApp } from './global-fixture.js';

interface Rule {
  id: string;
  delete_marker_replication: { status: string };
  source_selection_criteria: {
    sse_kms_encrypted_objects: { status: string };
    replica_modifications?: unknown;
  };
  destination: {
    bucket: string;
    storage_class: string;
    encryption_configuration: { replica_kms_key_id: string };
    replication_time: { status: string; time: { minutes: number } };
    metrics: { status: string; event_threshold: { minutes: number } };
  };
}

describe('global stack: replication, peering, event forwarding', () => {
  it('replicates config and audit logs both ways with RTC and metrics at 15 minutes', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const configs = Object.values(resourcesOf(app.json.global, 'aws_s3_bucket_replication_configuration'));
    // Then four configurations: two buckets × two directions
    assert.equal(configs.length, 4);
    const directions = new Set<string>();
    for (const c of configs) {
      const from = regionalSource(app, c.bucket);
      const rule = (c.rule as Rule[])[0] as Rule;
      const to = regionalSource(app, rule.destination.bucket);
      assert.ok(from && to, 'source and destination are regional buckets');
      assert.notEqual(from.stack, to.stack);
      directions.add(`${from.stack}->${to.stack}`);
      // ...each configured in its source region
      assert.equal(c.provider, from.stack === 'primary' ? 'aws' : 'aws.secondary');
      // ...with Replication Time Control and metrics, delete markers, SSE-KMS under the destination's key
      assert.deepEqual(rule.destination.replication_time, { status: 'Enabled', time: { minutes: 15 } });
      assert.deepEqual(rule.destination.metrics, { status: 'Enabled', event_threshold: { minutes: 15 } });
      assert.equal(rule.delete_marker_replication.status, 'Enabled');
      assert.equal(rule.source_selection_criteria.sse_kms_encrypted_objects.status, 'Enabled');
      assert.equal(
        regionalSource(app, rule.destination.encryption_configuration.replica_kms_key_id)?.stack,
        to.stack,
      );
      // ...and replica modification sync off, so replicas are never replicated back
      assert.equal(rule.source_selection_criteria.replica_modifications, undefined);
    }
    assert.deepEqual([...directions].sort(), ['primary->secondary', 'secondary->primary']);
  });

  it('gives each direction its own least-privilege replication role', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const policies = Object.values(resourcesOf(app.json.global, 'aws_iam_role_policy')).filter(
      (p) => p.name === 'replication',
    );
    // Then two policies, each decrypting only via its source region's S3 and encrypting via the destination's
    assert.equal(policies.length, 2);
    const vias = policies.map((p) => {
      const doc = JSON.parse(String(p.policy)) as {
        Statement: { Sid: string; Condition?: { StringEquals: Record<string, string> } }[];
      };
      const via = (sid: string) =>
        doc.Statement.find((s) => s.Sid === sid)?.Condition?.StringEquals['kms:ViaService'];
      return `${via('DecryptSource')} -> ${via('EncryptReplicas')}`;
    });
    assert.deepEqual(vias.sort(), [
      's3.us-east-1.amazonaws.com -> s3.us-east-2.amazonaws.com',
      's3.us-east-2.amazonaws.com -> s3.us-east-1.amazonaws.com',
    ]);
  });

  it('routes every private route table of both VPCs to the other CIDR through the peering', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    assert.ok(
      Testing.toHaveResourceWithProperties(app.raw.global, 'aws_vpc_peering_connection', {
        peer_region: 'us-east-2',
        provider: 'aws',
      }),
    );
    assert.ok(
      Testing.toHaveResourceWithProperties(app.raw.global, 'aws_vpc_peering_connection_accepter', {
        auto_accept: true,
        provider: 'aws.secondary',
      }),
    );
    const routes = Object.values(resourcesOf(app.json.global, 'aws_route'));
    for (const side of ['primary', 'secondary'] as const) {
      const other = side === 'primary' ? 'secondary' : 'primary';
      // Then each route table of that region's stack has a route to the other VPC's CIDR
      const tables = Object.keys(resourcesOf(app.json[side], 'aws_route_table'));
      assert.ok(tables.length > 0);
      for (const table of tables) {
        const route = routes.find(
          (r) =>
            regionalSource(app, r.route_table_id)?.expression === `\${aws_route_table.${table}.id}` &&
            regionalSource(app, r.route_table_id)?.stack === side,
        );
        assert.ok(route, `${side} route table ${table} has no peering route`);
        assert.equal(regionalSource(app, route.destination_cidr_block)?.stack, other);
        assert.match(String(route.vpc_peering_connection_id), /aws_vpc_peering_connection_accepter\./);
      }
    }
  });

  it('adds a route per route table when a VPC has several (one per AZ)', () => {
    // Given VPCs with three private route tables each
    const app = Testing.app();
    const stack = new TerraformStack(app, 'peering');
    const a = new AwsProvider(stack, 'a', { region: 'us-east-1' });
    const b = new AwsProvider(stack, 'b', { region: 'us-east-2', alias: 'b' });
    // When peered
    const peering = new CrossRegionPeering(stack, 'peering', {
      requester: {
        provider: a,
        region: 'us-east-1',
        vpcId: 'vpc-a',
        cidrBlock: '10.10.0.0/16',
        routeTableIds: ['rt-a1', 'rt-a2', 'rt-a3'],
      },
      accepter: {
        provider: b,
        region: 'us-east-2',
        vpcId: 'vpc-b',
        cidrBlock: '10.20.0.0/16',
        routeTableIds: ['rt-b1', 'rt-b2', 'rt-b3'],
      },
    });
    const json = JSON.parse(Testing.synth(stack)) as Parameters<typeof resourcesOf>[0];
    // Then six routes, each to the other side's CIDR
    const routes = Object.values(resourcesOf(json, 'aws_route'));
    assert.equal(peering.requesterRoutes.length + peering.accepterRoutes.length, 6);
    for (const id of ['rt-a1', 'rt-a2', 'rt-a3']) {
      assert.ok(routes.some((r) => r.route_table_id === id && r.destination_cidr_block === '10.20.0.0/16'));
    }
    for (const id of ['rt-b1', 'rt-b2', 'rt-b3']) {
      assert.ok(routes.some((r) => r.route_table_id === id && r.destination_cidr_block === '10.10.0.0/16'));
    }
  });

  it("forwards each region's DR events and alarm changes to the other region's bus, only its own", () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const rules = resourcesOf(app.json.global, 'aws_cloudwatch_event_rule');
    const targets = Object.values(resourcesOf(app.json.global, 'aws_cloudwatch_event_target'));
    assert.equal(Object.keys(rules).length, 4);
    for (const [name, rule] of Object.entries(rules)) {
      const pattern = JSON.parse(String(rule.event_pattern)) as { region: string[]; source: unknown[] };
      const region = rule.provider === 'aws' ? 'us-east-1' : 'us-east-2';
      const source = rule.provider === 'aws' ? 'primary' : 'secondary';
      // Then the rule matches only events that originated in its region (no ping-pong)
      assert.deepEqual(pattern.region, [region]);
      // ...and its target is the OTHER region's bus
      const target = targets.find((t) => String(t.rule).includes(`aws_cloudwatch_event_rule.${name}.`));
      const bus = regionalSource(app, target?.arn);
      assert.ok(bus, `${name} has a target bus`);
      assert.notEqual(bus.stack, source);
      assert.match(bus.expression, /aws_cloudwatch_event_bus\..+\.arn/);
    }
  });
});
