/**
 * The regional stacks as synthesized from the default config: what each bullet of the
 * regional design promises, asserted on the Terraform JSON both regions get.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Testing } from 'cdktf';
import { resourcesOf, onlyResource, synthPlatform, type TfJson } from './synth-helpers.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DB_CA_BUNDLE_FILE, DB_FUNCTIONS, PLATFORM_ENV_KEYS } from '../../src/contract/platform-env.js';
import { Naming } from '../../src/contract/naming.js';
import { ORDER_MODEL } from '../../src/infra/platform-definitions.js';

type Res = Record<string, unknown>;

function byName(stack: TfJson, type: string, field: string, value: string): Res {
  const hit = Object.values(resourcesOf(stack, type)).find((r) => r[field] === value);
  assert.ok(hit, `no ${type} with ${field} = ${value}`);
  return hit;
}

const { primary, secondary, raw, config } = synthPlatform();
const naming = new Naming(config);
const P = config.regions.primary;
const S = config.regions.secondary;

describe('regional stacks: network', () => {
  it('puts private subnets in two AZs of each region, inside the VPC block from config', () => {
    // Given the default config (10.10.0.0/16 and 10.20.0.0/16)
    // When both regional stacks are synthesized
    for (const [stack, region, cidr] of [
      [primary, P, '10.10.'],
      [secondary, S, '10.20.'],
    ] as const) {
      // Then each VPC uses its region's block and has subnets in <region>a and <region>b
      assert.equal(onlyResource(stack, 'aws_vpc').cidr_block, region === P ? '10.10.0.0/16' : '10.20.0.0/16');
      const subnets = Object.values(resourcesOf(stack, 'aws_subnet'));
      assert.deepEqual(subnets.map((s) => s.availability_zone).sort(), [`${region}a`, `${region}b`]);
      for (const s of subnets) assert.ok(String(s.cidr_block).startsWith(cidr));
      assert.equal(
        resourcesOf(stack, 'aws_internet_gateway') &&
          Object.keys(resourcesOf(stack, 'aws_internet_gateway')).length,
        0,
      );
    }
  });

  it('has interface endpoints for the services the Lambdas call and S3/DynamoDB gateways', () => {
    // Given the primary stack
    const services = Object.values(resourcesOf(primary, 'aws_vpc_endpoint')).map((e) => [
      e.service_name,
      e.vpc_endpoint_type,
    ]);
    // Then every service the Lambdas call has a private path
    for (const svc of [
      'ssm',
      'secretsmanager',
      'sqs',
      'sts',
      'monitoring',
      'events',
      'states',
      'kms',
      'rds',
    ]) {
      assert.ok(
        services.some(([n, t]) => n === `com.amazonaws.${P}.${svc}` && t === 'Interface'),
        svc,
      );
    }
    for (const svc of ['s3', 'dynamodb']) {
      assert.ok(
        services.some(([n, t]) => n === `com.amazonaws.${P}.${svc}` && t === 'Gateway'),
        svc,
      );
    }
  });

  it('opens PostgreSQL on the DB security group only to the Lambda SG and the peer VPC', () => {
    // Given the primary stack's ingress rules on the DB security group
    const rules = Object.values(resourcesOf(primary, 'aws_vpc_security_group_ingress_rule')).filter((r) =>
      String(r.security_group_id).includes('db-sg'),
    );
    // Then exactly two rules, both 5432: one from the Lambda SG, one from the secondary's block
    assert.equal(rules.length, 2);
    for (const r of rules) assert.deepEqual([r.from_port, r.to_port, r.ip_protocol], [5432, 5432, 'tcp']);
    assert.ok(rules.some((r) => String(r.referenced_security_group_id).includes('lambda-sg')));
    assert.ok(rules.some((r) => r.cidr_ipv4 === config.network.secondaryCidr));
    assert.ok(
      Testing.toHaveResourceWithProperties(raw.primary, 'aws_db_subnet_group', {
        name: naming.dbSubnetGroup(P),
      }),
    );
  });

  it('logs VPC flows to a KMS-encrypted log group', () => {
    const flow = onlyResource(primary, 'aws_flow_log');
    assert.equal(flow.traffic_type, 'ALL');
    const group = byName(primary, 'aws_cloudwatch_log_group', 'name', naming.vpcFlowLogGroup(P));
    assert.ok(group.kms_key_id);
  });
});

describe('regional stacks: KMS key', () => {
  it('rotates, and grants kms:* to nobody but the account root', () => {
    for (const stack of [primary, secondary]) {
      const key = onlyResource(stack, 'aws_kms_key');
      assert.equal(key.enable_key_rotation, true);
      const policy = JSON.parse(String(key.policy)) as {
        Statement: { Action: string[]; Principal: { AWS?: string } }[];
      };
      const wide = policy.Statement.filter((s) => s.Action.some((a) => a === '*' || a === 'kms:*'));
      assert.equal(wide.length, 1);
      assert.match(String(wide[0]?.Principal.AWS), /:root$/);
    }
    assert.ok(
      Testing.toHaveResourceWithProperties(raw.primary, 'aws_kms_alias', { name: naming.kmsAlias(P) }),
    );
  });
});

describe('regional stacks: orders queue', () => {
  it('redrives to a 14-day DLQ after 5 receives, both encrypted with the regional key', () => {
    const queue = byName(primary, 'aws_sqs_queue', 'name', naming.ordersQueue(P));
    const dlq = byName(primary, 'aws_sqs_queue', 'name', naming.ordersDlq(P));
    assert.equal(JSON.parse(String(queue.redrive_policy)).maxReceiveCount, 5);
    assert.equal(dlq.message_retention_seconds, 14 * 24 * 3600);
    assert.match(String(queue.kms_master_key_id), /aws_kms_key\..*\.arn/);
    assert.match(String(dlq.kms_master_key_id), /aws_kms_key\..*\.arn/);
  });

  it('lets only the API Gateway role send, over TLS', () => {
    const policies = Object.values(resourcesOf(primary, 'aws_sqs_queue_policy')).map((p) =>
      JSON.parse(String(p.policy)),
    );
    const orders = policies.find((p) => p.Statement.some((s: Res) => s.Sid === 'SendOrders'));
    assert.ok(orders);
    const send = orders.Statement.find((s: Res) => s.Sid === 'SendOrders');
    assert.match(JSON.stringify(send.Principal), /aws_iam_role\.api_sqs-role.*\.arn/);
    assert.ok(
      orders.Statement.some(
        (s: Res) => s.Effect === 'Deny' && JSON.stringify(s.Condition).includes('aws:SecureTransport'),
      ),
    );
  });
});

describe('regional stacks: Lambda functions', () => {
  it('deploys the same zip with the same hash expression, nodejs22.x, in both regions', () => {
    for (const fn of Naming.functions) {
      // Given the function in each region
      const p = byName(primary, 'aws_lambda_function', 'function_name', naming.lambda(P, fn));
      const s = byName(secondary, 'aws_lambda_function', 'function_name', naming.lambda(S, fn));
      // Then the zip path and hash expression are identical, and the hash is computed by Terraform
      assert.equal(p.filename, s.filename);
      assert.match(String(p.filename), new RegExp(`dist/lambdas/${fn}\\.zip$`));
      assert.equal(p.source_code_hash, `\${filebase64sha256("${String(p.filename)}")}`);
      assert.equal(p.source_code_hash, s.source_code_hash);
      assert.equal(p.runtime, 'nodejs22.x');
      assert.equal(p.handler, 'index.handler');
      assert.deepEqual(p.tracing_config, { mode: 'Active' });
    }
  });

  it('gives every function exactly the platform environment keys plus documented extras, role per region', () => {
    for (const fn of Naming.functions) {
      const p = byName(primary, 'aws_lambda_function', 'function_name', naming.lambda(P, fn));
      const s = byName(secondary, 'aws_lambda_function', 'function_name', naming.lambda(S, fn));
      const vars = (p.environment as { variables: Record<string, string> }).variables;
      for (const key of PLATFORM_ENV_KEYS) assert.ok(key in vars, `${fn}: ${key}`);
      const extras = Object.keys(vars).filter((k) => !(PLATFORM_ENV_KEYS as readonly string[]).includes(k));
      assert.ok(
        extras.every(
          (k) =>
            k === 'DR_ORDERS_QUEUE_URL' ||
            k === 'DR_ORDERS_DLQ_URL' ||
            (fn === 'failover-watchdog' && k === 'DR_WATCHDOG_CONFIG') ||
            ((DB_FUNCTIONS as readonly string[]).includes(fn) && k === 'NODE_EXTRA_CA_CERTS'),
        ),
        `${fn}: ${extras.join()}`,
      );
      assert.equal(vars.DR_REGION_ROLE, 'primary');
      assert.equal(
        (s.environment as { variables: Record<string, string> }).variables.DR_REGION_ROLE,
        'secondary',
      );
    }
  });

  it('points NODE_EXTRA_CA_CERTS of every function that connects to Aurora at the RDS CA bundle in its zip', () => {
    // Given the functions whose code opens a PostgreSQL pool (imports lambdas/shared/db.ts)
    const connecting = Naming.functions.filter((fn) => {
      const dir = join('src', 'lambdas', fn);
      return readdirSync(dir).some(
        (f) => f.endsWith('.ts') && /shared\/db\.js['"]/.test(readFileSync(join(dir, f), 'utf8')),
      );
    });
    // Then they are the ones build:lambdas packs the bundle into
    assert.deepEqual([...connecting].sort(), [...DB_FUNCTIONS].sort());
    for (const fn of Naming.functions) {
      for (const [stack, region] of [
        [primary, P],
        [secondary, S],
      ] as const) {
        const vars = (
          byName(stack, 'aws_lambda_function', 'function_name', naming.lambda(region, fn)).environment as {
            variables: Record<string, string>;
          }
        ).variables;
        // And each of them (only them) has NODE_EXTRA_CA_CERTS on the bundle, where Lambda unpacks the zip
        assert.equal(
          vars.NODE_EXTRA_CA_CERTS,
          connecting.includes(fn) ? `/var/task/${DB_CA_BUNDLE_FILE}` : undefined,
          `${fn} in ${region}`,
        );
      }
    }
  });

  it('writes each function log to its own KMS group with a retention', () => {
    for (const fn of Naming.functions) {
      const group = byName(primary, 'aws_cloudwatch_log_group', 'name', naming.lambdaLogGroup(P, fn));
      assert.ok(group.kms_key_id);
      assert.equal(group.retention_in_days, 365);
    }
  });
});

describe('regional stacks: event source mapping', () => {
  it('is enabled in the primary, disabled in the secondary, and ignores enabled changes in both', () => {
    // Given each region's SQS → trade-processor mapping
    const p = onlyResource(primary, 'aws_lambda_event_source_mapping');
    const s = onlyResource(secondary, 'aws_lambda_event_source_mapping');
    // Then only the primary polls, and failover's runtime flips survive a re-deploy
    assert.equal(p.enabled, true);
    assert.equal(s.enabled, false);
    for (const m of [p, s]) {
      assert.deepEqual((m.lifecycle as { ignore_changes: string[] }).ignore_changes, ['enabled']);
      assert.deepEqual(m.function_response_types, ['ReportBatchItemFailures']);
      assert.equal(m.batch_size, 100);
      assert.ok(Number(m.maximum_batching_window_in_seconds) >= 1);
    }
  });
});

describe('regional stacks: schedule, API', () => {
  it('invokes readiness-check hourly from the default bus, with a permission', () => {
    const rule = byName(primary, 'aws_cloudwatch_event_rule', 'name', naming.regional(P, 'readiness-hourly'));
    assert.equal(rule?.schedule_expression, 'rate(1 hour)');
    assert.ok(
      Testing.toHaveResourceWithProperties(raw.primary, 'aws_lambda_permission', {
        principal: 'events.amazonaws.com',
        action: 'lambda:InvokeFunction',
      }),
    );
  });

  it('integrates POST /orders with SQS SendMessage and GET /health with the health Lambda', () => {
    assert.deepEqual(onlyResource(primary, 'aws_api_gateway_rest_api').endpoint_configuration, {
      types: ['REGIONAL'],
    });
    const integrations = Object.values(resourcesOf(primary, 'aws_api_gateway_integration'));
    const sqs = integrations.find((i) => i.type === 'AWS');
    assert.match(
      String(sqs?.uri),
      new RegExp(`:apigateway:${P}:sqs:path/.*/\\$\\{aws_sqs_queue\\.orders_queue_\\w+\\.name\\}$`),
    );
    assert.match(JSON.stringify(sqs?.request_templates), /Action=SendMessage/);
    assert.ok(
      integrations.some(
        (i) => i.type === 'AWS_PROXY' && String(i.uri).includes('aws_lambda_function.health'),
      ),
    );
    const post = Object.values(resourcesOf(primary, 'aws_api_gateway_method')).find(
      (m) => m.http_method === 'POST',
    );
    assert.ok(post?.request_validator_id, 'POST /orders validates the body');
    // ...against the trade processor's order contract (test/lambdas/order-model.test.ts)
    assert.deepEqual(JSON.parse(String(onlyResource(primary, 'aws_api_gateway_model').schema)), ORDER_MODEL);
    const stage = onlyResource(primary, 'aws_api_gateway_stage');
    assert.equal(stage.stage_name, naming.restApiStage());
    assert.equal(stage.xray_tracing_enabled, true);
    assert.equal(stage.cache_cluster_enabled, false);
    assert.ok((stage.access_log_settings as Res).destination_arn);
    const settings = onlyResource(primary, 'aws_api_gateway_method_settings').settings as Res;
    assert.equal(settings.caching_enabled, false);
    assert.ok(Number(settings.throttling_rate_limit) > 0);
  });
});

describe('regional stacks: buckets', () => {
  it('versions, encrypts with the regional key, blocks public access and denies non-TLS', () => {
    for (const purpose of ['config', 'audit-logs'] as const) {
      const bucket = byName(primary, 'aws_s3_bucket', 'bucket', naming.bucket(P, purpose));
      assert.ok(bucket);
    }
    for (const v of Object.values(resourcesOf(primary, 'aws_s3_bucket_versioning'))) {
      assert.deepEqual(v.versioning_configuration, { status: 'Enabled' });
    }
    for (const e of Object.values(
      resourcesOf(primary, 'aws_s3_bucket_server_side_encryption_configuration'),
    )) {
      const rule = (e.rule as Res[])[0] as Res;
      assert.equal(rule.bucket_key_enabled, true);
      assert.equal((rule.apply_server_side_encryption_by_default as Res).sse_algorithm, 'aws:kms');
    }
    for (const b of Object.values(resourcesOf(primary, 'aws_s3_bucket_public_access_block'))) {
      assert.deepEqual(
        [b.block_public_acls, b.block_public_policy, b.ignore_public_acls, b.restrict_public_buckets],
        [true, true, true, true],
      );
    }
    for (const p of Object.values(resourcesOf(primary, 'aws_s3_bucket_policy'))) {
      const deny = JSON.parse(String(p.policy)).Statement.find((s: Res) => s.Effect === 'Deny');
      assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
    }
    assert.equal(Object.keys(resourcesOf(primary, 'aws_s3_bucket_ownership_controls')).length, 2);
  });

  it('never expires current audit records and keeps noncurrent ones a year', () => {
    const lifecycles = Object.values(resourcesOf(primary, 'aws_s3_bucket_lifecycle_configuration'));
    const audit = lifecycles.find((l) => String(l.bucket).includes('audit-logs'));
    const rules = audit?.rule as Res[];
    assert.ok(rules.every((r) => r.expiration === undefined));
    assert.ok(rules.some((r) => Array.isArray(r.transition)));
    const noncurrent = rules.find((r) => r.noncurrent_version_expiration) as Res;
    assert.ok(Number((noncurrent.noncurrent_version_expiration as Res[])[0]?.noncurrent_days) >= 365);
  });
});

describe('regional stacks: alarms and topic', () => {
  it('alarms on the four metrics with thresholds from config, to the KMS topic', () => {
    const alarm = (what: Parameters<Naming['alarm']>[1]) =>
      byName(primary, 'aws_cloudwatch_metric_alarm', 'alarm_name', naming.alarm(P, what));
    const lag = alarm('replication-lag');
    assert.deepEqual([lag.namespace, lag.metric_name], ['AWS/RDS', 'AuroraGlobalDBReplicationLag']);
    assert.deepEqual(lag.dimensions, { DBClusterIdentifier: naming.dbCluster(P) });
    assert.equal(lag.threshold, config.objectives.maxReplicationLagMs);
    const errors = alarm('lambda-errors');
    assert.deepEqual(
      [errors.namespace, errors.metric_name, errors.threshold],
      ['AWS/Lambda', 'Errors', config.alarms.lambdaErrors],
    );
    const latency = alarm('api-latency-p99');
    assert.deepEqual(
      [latency.metric_name, latency.extended_statistic, latency.threshold],
      ['Latency', 'p99', config.alarms.apiLatencyP99Ms],
    );
    const dlq = alarm('dlq-depth');
    assert.equal(dlq.metric_name, 'ApproximateNumberOfMessagesVisible');
    // the alarm watches the DLQ the stack creates (names from naming on both sides)
    const dlqQueue = byName(primary, 'aws_sqs_queue', 'name', naming.ordersDlq(P));
    assert.equal((dlq.dimensions as Res).QueueName, dlqQueue.name);
    assert.deepEqual(errors.dimensions, {
      FunctionName: byName(
        primary,
        'aws_lambda_function',
        'function_name',
        naming.lambda(P, 'trade-processor'),
      ).function_name,
    });
    for (const a of [lag, errors, latency, dlq]) {
      assert.match(String((a.alarm_actions as string[])[0]), /aws_sns_topic\./);
      assert.deepEqual(a.alarm_actions, a.ok_actions);
      assert.ok(a.treat_missing_data);
    }
    assert.ok(onlyResource(primary, 'aws_sns_topic').kms_master_key_id);
  });

  it('uses alarms.replicationLagMs over the objective and subscribes alarms.email', () => {
    // Given a config with its own lag threshold and an email
    const custom = synthPlatform({ alarms: { replicationLagMs: 250, email: 'sre@example.com' } });
    // Then the lag alarm uses it and the topic has the subscription
    const lag = byName(
      custom.secondary,
      'aws_cloudwatch_metric_alarm',
      'alarm_name',
      naming.alarm(S, 'replication-lag'),
    );
    assert.equal(lag.threshold, 250);
    assert.ok(
      Testing.toHaveResourceWithProperties(custom.raw.secondary, 'aws_sns_topic_subscription', {
        protocol: 'email',
        endpoint: 'sre@example.com',
      }),
    );
    assert.equal(Object.keys(resourcesOf(primary, 'aws_sns_topic_subscription')).length, 0);
  });
});

describe('regional stacks: SSM, bus, state machines', () => {
  it('creates active-region (= primary) and epoch 1 and ignores their later values', () => {
    for (const [stack, region] of [
      [primary, P],
      [secondary, S],
    ] as const) {
      const active = byName(stack, 'aws_ssm_parameter', 'name', naming.ssmActiveRegion());
      const epoch = byName(stack, 'aws_ssm_parameter', 'name', naming.ssmEpoch());
      assert.equal(active.value, P, region);
      assert.equal(epoch.value, '1');
      for (const p of [active, epoch]) assert.deepEqual((p.lifecycle as Res).ignore_changes, ['value']);
    }
  });

  it('writes equal shared settings in both regions and region-specific ones that differ', () => {
    const params = (stack: TfJson, prefix: string) =>
      Object.fromEntries(
        Object.values(resourcesOf(stack, 'aws_ssm_parameter'))
          .filter((p) => String(p.name).startsWith(`${prefix}/`))
          .map((p) => [p.name, p.value]),
      );
    const sharedP = params(primary, naming.ssmSharedPrefix());
    assert.deepEqual(sharedP, params(secondary, naming.ssmSharedPrefix()));
    assert.equal(sharedP[naming.ssmShared('rto-seconds')], String(config.objectives.rtoSeconds));
    assert.equal(params(primary, naming.ssmRegionalPrefix())[naming.ssmRegional('role')], 'primary');
    assert.equal(params(secondary, naming.ssmRegionalPrefix())[naming.ssmRegional('role')], 'secondary');
  });

  it('has a custom DR bus and failover/failback machines on one role, logged and traced', () => {
    assert.ok(
      Testing.toHaveResourceWithProperties(raw.primary, 'aws_cloudwatch_event_bus', {
        name: naming.eventBus(P),
      }),
    );
    const machines = Object.values(resourcesOf(primary, 'aws_sfn_state_machine'));
    assert.deepEqual(machines.map((m) => m.name).sort(), [
      naming.stateMachine(P, 'failback'),
      naming.stateMachine(P, 'failover'),
    ]);
    assert.equal(new Set(machines.map((m) => m.role_arn)).size, 1);
    for (const m of machines) {
      assert.deepEqual(m.tracing_configuration, { enabled: true });
      assert.match(String((m.logging_configuration as Res).log_destination), /aws_cloudwatch_log_group\./);
      // The failover issue's definition (test/infra/state-machine.test.ts checks it in depth).
      assert.match(JSON.parse(String(m.definition)).Comment, /^dr (failover|failback) of /);
    }
  });
});

describe('regional stacks: contract and least privilege', () => {
  it('hands the global stack tokens for everything in RegionalResources', () => {
    const { platform } = synthPlatform();
    for (const stack of [platform.primary, platform.secondary]) {
      assert.match(stack.restApiId, /TOKEN/);
      assert.match(stack.kmsKeyArn, /TOKEN/);
      assert.equal(stack.vpc.privateSubnetIds.length, 2);
      assert.match(stack.stateMachineRoleName, /TOKEN/);
      for (const fn of Naming.functions) assert.match(stack.functions[fn].roleName, /TOKEN/);
    }
    assert.equal(platform.secondary.region, S);
  });

  it('grants no `*` or `service:*` action in any policy document (the KMS root statement aside)', () => {
    // Given every policy-bearing attribute in both regional stacks
    const documents: { where: string; doc: { Statement: Res[] } }[] = [];
    for (const [name, stack] of [
      ['primary', primary],
      ['secondary', secondary],
    ] as const) {
      for (const [type, byId] of Object.entries(stack.resource ?? {})) {
        for (const [id, res] of Object.entries(byId)) {
          for (const field of ['policy', 'assume_role_policy']) {
            if (typeof res[field] === 'string')
              documents.push({
                where: `${name} ${type}.${id}.${field}`,
                doc: JSON.parse(res[field] as string),
              });
          }
        }
      }
    }
    assert.ok(documents.length > 15);
    // Then no Allow statement names a whole service, except the root statement AWS requires
    for (const { where, doc } of documents) {
      for (const s of doc.Statement) {
        if (s.Effect !== 'Allow') continue;
        const actions = ([] as string[]).concat(s.Action as string | string[]);
        const wild = actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/i.test(a));
        if (wild.length === 0) continue;
        const isKeyRoot = where.includes('aws_kms_key') && /:root$/.test(String((s.Principal as Res)?.AWS));
        assert.ok(isKeyRoot, `${where}: ${wild.join(', ')}`);
      }
    }
  });
});
