import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider/index.js';
import { deployWaves } from '../../src/core/deploy-order.js';
import { HealthCheckedRecord } from '../../src/infra/constructs/global/health-checked-record.js';
import { GlobalTable } from '../../src/infra/constructs/global/global-table.js';
import { BucketReplication } from '../../src/infra/constructs/global/bucket-replication.js';
import { CrossRegionPeering } from '../../src/infra/constructs/global/cross-region-peering.js';
import { PublicZone } from '../../src/infra/constructs/global/public-zone.js';
import { policyDocument } from '../../src/infra/constructs/global/policy.js';
import { synthApp } from './global-fixture.js';

describe('global stack: wiring', () => {
  it('deploys after both regional stacks, which deploy in parallel, and after the zone stack', () => {
    // Given the default platform (the zone created: its own stack) / When synthesized
    const app = synthApp();
    // Then the manifest makes the global stack depend on both regions and the zone, and nothing on it
    assert.deepEqual([...(app.dependencies['trading-prod-global'] ?? [])].sort(), [
      'trading-prod-primary',
      'trading-prod-secondary',
      'trading-prod-zone',
    ]);
    // ...the zone stack references no stack (its query logs have their own key): it deploys
    // in the first wave, beside the regional stacks
    assert.deepEqual(app.dependencies['trading-prod-zone'] ?? [], []);
    assert.deepEqual(deployWaves(app.dependencies), [
      ['trading-prod-primary', 'trading-prod-secondary', 'trading-prod-zone'],
      ['trading-prod-global'],
    ]);
    assert.deepEqual(app.platform.global.dependencies.map((s) => s.node.id).sort(), [
      'trading-prod-primary',
      'trading-prod-secondary',
      'trading-prod-zone',
    ]);
  });

  it('refuses bad construct props with a message naming the problem', () => {
    // Given a stack with two providers
    const stack = new TerraformStack(Testing.app(), 'bad-props');
    const east1 = new AwsProvider(stack, 'a', { region: 'us-east-1' });
    const east2 = new AwsProvider(stack, 'b', { region: 'us-east-2', alias: 'b' });
    const record = {
      zoneId: 'Z1',
      recordName: 'api.example.com',
      target: 't.example.com',
      probeFqdn: 'api-use1.example.com',
    };
    // When constructed with props AWS would reject / Then each throws, saying what is allowed
    assert.throws(
      () => new HealthCheckedRecord(stack, 'r1', { ...record, failover: 'PRIMARY', intervalSeconds: 15 }),
      /intervalSeconds must be 10 or 30.*got 15/,
    );
    assert.throws(
      () =>
        new HealthCheckedRecord(stack, 'r2', {
          ...record,
          failover: 'SECONDARY',
          checkerRegions: ['us-east-1'],
        }),
      /at least 3 regions/,
    );
    assert.throws(
      () =>
        new GlobalTable(stack, 't', {
          provider: east1,
          tableName: 'x',
          region: 'us-east-1',
          hashKey: 'pk',
          kmsKeyArn: 'k',
          replicas: [{ region: 'us-east-1', kmsKeyArn: 'k' }],
        }),
      /replica cannot be in the table's own region us-east-1/,
    );
    assert.throws(
      () =>
        new BucketReplication(stack, 'rep', {
          provider: east1,
          sourceRegion: 'us-east-1',
          destinationRegion: 'us-east-2',
          accountId: '1',
          roleName: 'r',
          pairs: [],
          sourceKmsKeyArn: 'a',
          destinationKmsKeyArn: 'b',
        }),
      /pairs must name at least one bucket pair/,
    );
    assert.throws(
      () =>
        new CrossRegionPeering(stack, 'p', {
          requester: {
            provider: east1,
            region: 'us-east-1',
            vpcId: 'a',
            cidrBlock: '10.0.0.0/16',
            routeTableIds: ['r'],
          },
          accepter: {
            provider: east2,
            region: 'us-east-2',
            vpcId: 'b',
            cidrBlock: '10.0.0.0/16',
            routeTableIds: ['r'],
          },
        }),
      /different CIDR blocks, both are 10.0.0.0\/16/,
    );
    assert.throws(
      () =>
        new PublicZone(stack, 'z', {
          provider: east2,
          region: 'us-east-2',
          domain: 'example.com',
          arnContext: { partition: 'aws', accountId: '1' },
          queryLogGroupName: '/aws/route53/example.com',
        }),
      /from us-east-1 only; the provider given is for us-east-2/,
    );
    assert.throws(
      () => policyDocument([{ actions: ['s3:*'], resources: ['arn:aws:s3:::b'] }], 'test'),
      /s3:\* grant a whole service/,
    );
  });
});
