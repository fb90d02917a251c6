/**
 * The sandbox variant of the stacks (src/sandbox/sandbox-override.ts) and where the
 * AWS provider comes from (src/core/deploy/provider-mirror.ts), on the synthesized stacks
 * and on mirror directories made here.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { failedResourceAddresses } from '../../../src/core/deploy/deploy.js';
import {
  awsProviderVersionsIn,
  findAwsProviderMirror,
  mirrorCliConfig,
  mirrorPathsInCliConfig,
} from '../../../src/core/deploy/provider-mirror.js';
import {
  endpointFor,
  OLDER_PROVIDER_OMISSIONS,
  SANDBOX_ENDPOINTS,
  sandboxOverride,
} from '../../../src/sandbox/sandbox-override.js';
import { synthPlatform, type TfJson } from '../../infra/synth-helpers.js';

const ENDPOINT = 'http://127.0.0.1:4566';
const { primary, secondary, global } = synthPlatform();
const stacks: Record<string, TfJson> = { primary, secondary, global };

describe('sandboxOverride: only the provider blocks, the version and the written-down omissions differ', () => {
  it('covers every resource and data-source type the stacks use with an emulator endpoint', () => {
    // Given every synthesized type / When its endpoint is looked up / Then none would call real AWS
    for (const [name, stack] of Object.entries(stacks)) {
      const types = [...Object.keys(stack.resource ?? {}), ...Object.keys(stack.data ?? {})].filter((t) =>
        t.startsWith('aws_'),
      );
      assert.ok(types.length > 10, name);
      const uncovered = types.filter((t) => {
        const key = endpointFor(t);
        return key === undefined || !SANDBOX_ENDPOINTS.includes(key);
      });
      assert.deepEqual(uncovered, [], `${name}: types without an emulator endpoint`);
    }
    // And the longest prefix wins where two match
    assert.equal(endpointFor('aws_route53_record'), 'route53');
    assert.equal(endpointFor('aws_route_table'), 'ec2');
    assert.equal(endpointFor('aws_cloudwatch_log_group'), 'logs');
    assert.equal(endpointFor('aws_cloudwatch_metric_alarm'), 'cloudwatch');
  });

  it('points every provider block (aliases kept, regions kept) at the emulator with few retries and no key in the file', () => {
    // Given the global stack, which has a provider per region
    const override = sandboxOverride(global as Record<string, unknown>, { endpoint: ENDPOINT });
    const original = (global.provider?.aws ?? []) as Array<Record<string, unknown>>;
    const blocks = (override.provider as { aws: Array<Record<string, unknown>> }).aws;
    // Then one override block per provider, matched by alias and region
    assert.equal(blocks.length, original.length);
    assert.deepEqual(
      blocks.map((b) => [b.alias, b.region]),
      original.map((p) => [p.alias, p.region]),
    );
    for (const block of blocks) {
      // The sandbox's root key pair reaches Terraform through its environment, never the file
      assert.equal('access_key' in block, false);
      assert.equal('secret_key' in block, false);
      assert.equal(block.skip_credentials_validation, true);
      assert.equal(block.s3_use_path_style, true);
      assert.ok((block.max_retries as number) <= 2);
      const endpoints = (block.endpoints as Array<Record<string, string>>)[0] ?? {};
      assert.deepEqual(Object.keys(endpoints).sort(), [...SANDBOX_ENDPOINTS]);
      assert.ok(Object.values(endpoints).every((e) => e === ENDPOINT));
      // And default_tags stay the stack's own (the override does not carry them)
      assert.equal('default_tags' in block, false);
    }
    // And without a mirror version: no version pin, no resource changes
    assert.equal('terraform' in override, false);
    assert.equal('resource' in override, false);
  });

  it('with a 5.x mirror pins that version and drops only the 6.x-only attributes, keeping every other one', () => {
    // Given the global stack (DynamoDB replicas with deletion protection) and a 5.100.0 mirror
    const override = sandboxOverride(global as Record<string, unknown>, {
      endpoint: ENDPOINT,
      providerVersion: '5.100.0',
    });
    // Then the provider is pinned to it
    assert.deepEqual(override.terraform, {
      required_providers: { aws: { source: 'aws', version: '5.100.0' } },
    });
    // And each table's replica blocks lose exactly deletion_protection_enabled
    const omission = OLDER_PROVIDER_OMISSIONS[0];
    assert.ok(omission);
    const tables = (override.resource as Record<string, Record<string, { replica: unknown[] }>>)
      .aws_dynamodb_table;
    assert.ok(tables && Object.keys(tables).length >= 2);
    for (const [name, table] of Object.entries(tables)) {
      const originalReplicas = global.resource?.aws_dynamodb_table?.[name]?.replica as Array<
        Record<string, unknown>
      >;
      assert.equal(table.replica.length, originalReplicas.length);
      table.replica.forEach((replica, i) => {
        const expected = { ...originalReplicas[i] };
        delete expected.deletion_protection_enabled;
        assert.deepEqual(replica, expected);
      });
    }
    // And with the pinned 6.x nothing is dropped
    const six = sandboxOverride(global as Record<string, unknown>, {
      endpoint: ENDPOINT,
      providerVersion: '6.25.0',
    });
    assert.equal('resource' in six, false);
    // And the regional stacks need no omission at all
    assert.equal(
      'resource' in
        sandboxOverride(primary as Record<string, unknown>, {
          endpoint: ENDPOINT,
          providerVersion: '5.100.0',
        }),
      false,
    );
  });
});

describe('findAwsProviderMirror: a filesystem mirror holding hashicorp/aws, else the registry', () => {
  let root = '';
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'dr-mirror-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const provider = (dir: string, version: string, platform = 'linux_amd64') =>
    mkdirSync(join(dir, 'registry.terraform.io', 'hashicorp', 'aws', version, platform), { recursive: true });

  it('reads unpacked and packed layouts, for this platform only, newest first', () => {
    // Given a mirror with two unpacked versions, one packed, and one for another platform
    const dir = join(root, 'layouts');
    provider(dir, '5.100.0');
    provider(dir, '5.9.0');
    provider(dir, '6.1.0', 'darwin_arm64');
    writeFileSync(
      join(dir, 'registry.terraform.io', 'hashicorp', 'aws', 'terraform-provider-aws_5.99.1_linux_amd64.zip'),
      '',
    );
    // Then the versions for linux_amd64 are listed newest first
    assert.deepEqual(awsProviderVersionsIn(dir, 'linux_amd64'), ['5.100.0', '5.99.1', '5.9.0']);
    assert.deepEqual(awsProviderVersionsIn(join(root, 'nothing-here'), 'linux_amd64'), []);
  });

  it('takes DR_TERRAFORM_PROVIDER_MIRROR first, then the CLI config, and nothing when no mirror holds it', () => {
    // Given a mirror named in a CLI config and another in the env variable
    const fromConfig = join(root, 'from-config');
    const fromEnv = join(root, 'from-env');
    provider(fromConfig, '5.100.0');
    provider(fromEnv, '5.50.0');
    const cliConfig = join(root, 'cli.tfrc');
    writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path = "${fromConfig}"\n  }\n  direct {}\n}\n`,
    );
    const home = join(root, 'home');
    mkdirSync(home);
    const env = { TF_CLI_CONFIG_FILE: cliConfig, XDG_DATA_DIRS: join(root, 'no-data') };
    // When both are present / Then the env variable wins
    assert.deepEqual(
      findAwsProviderMirror({
        env: { ...env, DR_TERRAFORM_PROVIDER_MIRROR: fromEnv },
        home,
        platform: 'linux_amd64',
      }),
      {
        dir: fromEnv,
        version: '5.50.0',
        source: 'env',
      },
    );
    // When only the CLI config names one / Then that one
    assert.deepEqual(findAwsProviderMirror({ env, home, platform: 'linux_amd64' })?.dir, fromConfig);
    // When a mirror holds only another platform's build / Then none (the registry is used)
    const otherPlatform = findAwsProviderMirror({ env, home, platform: 'windows_386' });
    assert.ok(otherPlatform === undefined || otherPlatform.dir !== fromConfig);
  });

  it('parses filesystem_mirror paths out of a CLI config and writes one that installs only aws from the mirror', () => {
    assert.deepEqual(
      mirrorPathsInCliConfig(
        'provider_installation {\n filesystem_mirror { path = "/a" }\n filesystem_mirror {\n path="/b"\n include=["x"]\n }\n}',
      ),
      ['/a', '/b'],
    );
    const text = mirrorCliConfig({ dir: '/opt/mirror', version: '5.100.0', source: 'implicit' });
    assert.match(
      text,
      /filesystem_mirror \{\s+path\s+= "\/opt\/mirror"\s+include = \["registry.terraform.io\/hashicorp\/aws"\]/,
    );
    assert.match(text, /direct \{\s+exclude = \["registry.terraform.io\/hashicorp\/aws"\]/);
  });
});

describe('failedResourceAddresses: what a failed Terraform call names', () => {
  it('finds resources in "with" lines and in configuration errors, once each', () => {
    const output = [
      'Error: creating Backup Selection (x): operation error Backup: CreateBackupSelection, StatusCode: 500',
      '',
      '  with aws_backup_selection.primary-selection_F921DEE3,',
      '  on cdk.tf.json line 12, in resource.aws_backup_selection.primary-selection_F921DEE3:',
      'Error: Error in function call',
      '  on cdk.tf.json line 1284, in resource.aws_lambda_function.watchdog_50D48446:',
      '  with aws_backup_selection.primary-selection_F921DEE3,',
    ].join('\n');
    assert.deepEqual(failedResourceAddresses(output), [
      'aws_backup_selection.primary-selection_F921DEE3',
      'aws_lambda_function.watchdog_50D48446',
    ]);
    assert.deepEqual(failedResourceAddresses('Apply complete!'), []);
  });
});
