import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Testing } from 'cdktf';
import { RdsGlobalCluster } from '@cdktf/provider-aws/lib/rds-global-cluster/index.js';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table/index.js';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter/index.js';
import { resourcesOf, type TfJson } from './synth-helpers.js';
import { regionalSource, synthApp } from './global-fixture.js';

describe('global stack: data that spans regions', () => {
  it('puts one Aurora member in each region, the secondary joining after the writer has an instance', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const g = app.json.global;
    assert.ok(
      Testing.toHaveResourceWithProperties(app.raw.global, RdsGlobalCluster.tfResourceType, {
        global_cluster_identifier: 'trading-prod-orders-global',
        engine: 'aurora-postgresql',
        engine_version: app.config.database.engineVersion,
        storage_encrypted: true,
        deletion_protection: true,
      }),
    );
    const clusters = resourcesOf(g, 'aws_rds_cluster');
    const byId = Object.fromEntries(Object.values(clusters).map((c) => [c.cluster_identifier, c]));
    const primary = byId['trading-prod-use1-orders-db'];
    const secondary = byId['trading-prod-use2-orders-db'];
    // Then both members join the global cluster, each through its own region's provider and key
    assert.ok(primary && secondary);
    assert.equal(primary.provider, 'aws');
    assert.equal(secondary.provider, 'aws.secondary');
    for (const member of [primary, secondary]) {
      assert.match(String(member.global_cluster_identifier), /aws_rds_global_cluster\.[\w-]+\.id/);
      assert.equal(member.iam_database_authentication_enabled, true);
      // the failover state machine advances the fence row through the RDS Data API
      assert.equal(member.enable_http_endpoint, true);
      assert.equal(member.deletion_protection, true);
      assert.deepEqual(member.enabled_cloudwatch_logs_exports, ['postgresql']);
      assert.deepEqual((member.lifecycle as { ignore_changes: string[] }).ignore_changes.sort(), [
        'global_cluster_identifier',
        'replication_source_identifier',
      ]);
    }
    assert.equal(regionalSource(app, primary.kms_key_id)?.stack, 'primary');
    assert.equal(regionalSource(app, secondary.kms_key_id)?.stack, 'secondary');
    // ...and the secondary waits for the primary's instance
    const instances = resourcesOf(g, 'aws_rds_cluster_instance');
    const primaryInstance = Object.entries(instances).find(([, i]) => i.provider === 'aws')?.[0];
    assert.deepEqual(secondary.depends_on, [`aws_rds_cluster_instance.${primaryInstance}`]);
    assert.equal(Object.values(instances).filter((i) => i.provider === 'aws.secondary').length, 1);
  });

  it('gives the writer a generated master password, write-only, from a replicated secret: none in any stack', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const g = app.json.global as TfJson & {
      ephemeral?: Record<string, Record<string, Record<string, unknown>>>;
    };
    const clusters = Object.values(resourcesOf(g, 'aws_rds_cluster'));
    const writer = clusters.find((c) => c.provider === 'aws');
    const reader = clusters.find((c) => c.provider === 'aws.secondary');
    // Then no member asks RDS to manage its password (AWS refuses it in a global database)
    for (const member of clusters) assert.equal(member.manage_master_user_password, undefined);
    // ...the writer's password is write-only, generated in the apply (an ephemeral resource)
    const generated = Object.entries(g.ephemeral?.aws_secretsmanager_random_password ?? {});
    assert.equal(generated.length, 1);
    const [passwordId, password] = generated[0] as [string, Record<string, unknown>];
    assert.equal(password.provider, 'aws');
    assert.equal(password.exclude_punctuation, true);
    const reference = `ephemeral.aws_secretsmanager_random_password.${passwordId}.random_password`;
    assert.equal(writer?.master_username, 'dr_admin');
    assert.equal(writer?.master_password_wo, `\${${reference}}`);
    assert.equal(writer?.master_password_wo_version, 1);
    assert.equal(writer?.master_password, undefined);
    assert.equal(reader?.master_username, undefined);
    assert.equal(reader?.master_password_wo, undefined);
    // ...and the same value goes write-only into the master secret, {username, password} as the Data API reads it
    const versions = Object.values(resourcesOf(g, 'aws_secretsmanager_secret_version'));
    assert.equal(versions.length, 1);
    const version = versions[0] as Record<string, unknown>;
    assert.equal(version.secret_string, undefined);
    assert.equal(version.secret_string_wo_version, 1);
    assert.match(String(version.secret_string_wo), /jsonencode/);
    assert.ok(String(version.secret_string_wo).includes(reference));
    assert.ok(String(version.secret_string_wo).includes('dr_admin'));
    // ...a secret replicated to us-east-2, whose ARN each region publishes in SSM
    const secrets = resourcesOf(g, 'aws_secretsmanager_secret');
    const master = Object.entries(secrets).find(([, s]) => s.name === 'trading-prod/db/dr_admin');
    assert.ok(master, 'a master secret named by the naming module');
    assert.equal(version.secret_id, `\${aws_secretsmanager_secret.${master[0]}.id}`);
    assert.equal((master[1].replica as { region: string }[])[0]?.region, 'us-east-2');
    for (const provider of ['aws', 'aws.secondary']) {
      assert.ok(
        Testing.toHaveResourceWithProperties(app.raw.global, SsmParameter.tfResourceType, {
          provider,
          name: '/trading-prod/regional/db-master-secret-arn',
          type: 'SecureString',
        }),
        `master secret ARN parameter in ${provider}`,
      );
    }
    // ...and no stack's JSON holds a password or a secret value in a stored attribute
    for (const [stack, raw] of Object.entries(app.raw)) {
      assert.doesNotMatch(raw, /"master_password"/, `${stack} has a master password`);
      assert.doesNotMatch(raw, /"secret_string"/, `${stack} has a secret value`);
      assert.doesNotMatch(raw, /"manage_master_user_password"/, `${stack} asks RDS to manage the password`);
      for (const [key, value] of Object.entries(JSON.parse(raw) as Record<string, unknown>)) {
        if (key === 'ephemeral') continue;
        assert.doesNotMatch(
          JSON.stringify(value),
          /"(master_password_wo|secret_string_wo)":"(?!\$\{)/,
          stack,
        );
      }
    }
  });

  it('replicates the application DB secret to us-east-2 and publishes each region its endpoint and secret', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    const secret = Object.values(resourcesOf(app.json.global, 'aws_secretsmanager_secret'))[0];
    // Then the secret has a replica in the secondary region under that region's key
    const replica = (secret?.replica as { region: string; kms_key_id: string }[])[0];
    assert.equal(replica?.region, 'us-east-2');
    assert.equal(regionalSource(app, replica?.kms_key_id)?.stack, 'secondary');
    // ...and each region has both parameters, encrypted with its own key
    for (const provider of ['aws', 'aws.secondary']) {
      for (const name of ['/trading-prod/regional/db-endpoint', '/trading-prod/regional/db-secret-arn']) {
        assert.ok(
          Testing.toHaveResourceWithProperties(app.raw.global, SsmParameter.tfResourceType, {
            provider,
            name,
            type: 'SecureString',
          }),
          `${name} in ${provider}`,
        );
      }
    }
  });

  it('keeps sessions and the lease in global tables with PITR on both replicas and a replica in us-east-2', () => {
    // Given the default platform / When synthesized
    const app = synthApp();
    for (const name of ['trading-prod-sessions', 'trading-prod-dr-lease']) {
      // Then the table is on-demand, streamed, encrypted with the primary key, PITR on
      assert.ok(
        Testing.toHaveResourceWithProperties(app.raw.global, DynamodbTable.tfResourceType, {
          name,
          provider: 'aws',
          billing_mode: 'PAY_PER_REQUEST',
          point_in_time_recovery: { enabled: true },
          stream_enabled: true,
          stream_view_type: 'NEW_AND_OLD_IMAGES',
          deletion_protection_enabled: true,
        }),
        name,
      );
      const table = Object.values(resourcesOf(app.json.global, 'aws_dynamodb_table')).find(
        (t) => t.name === name,
      );
      const sse = table?.server_side_encryption as { enabled: boolean; kms_key_arn: string };
      assert.equal(sse.enabled, true);
      assert.equal(regionalSource(app, sse.kms_key_arn)?.stack, 'primary');
      // ...and its one replica is in us-east-2 with PITR and the secondary's key
      const replicas = table?.replica as {
        region_name: string;
        point_in_time_recovery: boolean;
        kms_key_arn: string;
      }[];
      assert.equal(replicas.length, 1);
      assert.equal(replicas[0]?.region_name, 'us-east-2');
      assert.equal(replicas[0]?.point_in_time_recovery, true);
      assert.equal(regionalSource(app, replicas[0]?.kms_key_arn)?.stack, 'secondary');
    }
  });
});
