/**
 * The sandbox is the platform synth produces: deployed by `dr sandbox up` with real
 * Terraform (test/sandbox/deployed.ts, once per run), it holds every synthesized
 * resource, a second plan finds nothing to change, and `dr deploy --sandbox` passes its
 * verify-sync gate. The emulator over HTTP, the built CLI as a process.
 */
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import type { DeployResult } from '../../src/core/deploy/deploy.js';
import { REPO_ROOT, runCli } from '../harness/cli.js';
import { deployedSandbox, stackState } from './deployed.js';

const sandbox = deployedSandbox();

/** Runs a Python snippet with boto3 (installed with the emulator) and parses what it prints. */
function boto3<T>(code: string): Promise<T> {
  const python = join(REPO_ROOT, '.venv', 'bin', 'python');
  return new Promise((resolve, reject) => {
    execFile(
      python,
      ['-c', code.replaceAll('ENDPOINT', JSON.stringify(sandbox.endpoint))],
      {
        timeout: 60_000,
        // As `eval "$(dr sandbox env)"` would set them: the sandbox account's administrator.
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: sandbox.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: sandbox.credentials.secretAccessKey,
        },
      },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as T),
    );
  });
}

const stacksDir = join(sandbox.dir, '.dr', 'sandbox', 'cdktf.out', 'stacks');

/** `type.name` of every resource a synthesized stack defines. */
async function synthesizedResources(stack: string): Promise<string[]> {
  const json = JSON.parse(await readFile(join(stacksDir, stack, 'cdk.tf.json'), 'utf8')) as {
    resource?: Record<string, Record<string, unknown>>;
  };
  return Object.entries(json.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `${type}.${name}`),
  );
}

describe('the sandbox: the synthesized stacks, applied by Terraform', () => {
  it('was deployed cold by `dr sandbox up` with the mirror provider, every stack applied, the gate passed', () => {
    // Given the cold `dr sandbox up --json` of this run
    const { deploy } = sandbox.up;
    // Then it deployed, with the offline mirror's provider (this machine has no registry)
    assert.equal(sandbox.up.reused, false);
    assert.equal(deploy.outcome, 'deployed');
    assert.equal(deploy.provider.source, 'mirror');
    assert.match(deploy.provider.version, /^5\./);
    // And every stack applied everything it defines
    assert.deepEqual(
      deploy.stacks.map((s) => s.name),
      ['trading-prod-primary', 'trading-prod-secondary', 'trading-prod-zone', 'trading-prod-global'],
    );
    for (const stack of deploy.stacks) {
      assert.equal(stack.status, 'applied', stack.name);
      // (a for_each resource adds one instance per key: the ACM validation records, two each)
      assert.ok((stack.plan?.add ?? 0) >= stack.resources, `${stack.name}: ${stack.plan?.line}`);
      assert.match(stack.plan?.line ?? '', /0 to change, 0 to destroy/);
    }
    // And the verify-sync gate passed every check
    assert.equal(deploy.gate?.failed, 0);
    assert.equal(deploy.gate?.passed, 13);
  });

  it('holds every synthesized resource in its Terraform state', async () => {
    const stacks = await readdir(stacksDir);
    assert.equal(stacks.length, 4);
    let total = 0;
    for (const stack of stacks) {
      // Given what synth defines / When the deployed state is read
      const defined = await synthesizedResources(stack);
      const state = await stackState(sandbox.dir, stack);
      const held = new Set(
        state.resources
          .filter((r) => r.mode === 'managed' && r.instances.length > 0)
          .map((r) => `${r.type}.${r.name}`),
      );
      // Then every defined resource has at least one instance in the state
      assert.deepEqual(
        defined.filter((r) => !held.has(r)),
        [],
        `${stack}: defined but not deployed`,
      );
      total += defined.length;
    }
    assert.ok(total >= 380, `${total} resources`);
  });

  it('answers for what the hand-made copy never had: VPCs, endpoints, KMS keys, log groups, inline IAM policies', async () => {
    // Given the deployed platform / When boto3 (the emulator's own venv) asks as any SDK client would
    const seen = await boto3<Record<string, Record<string, number>>>(`
import boto3, json
out = {}
for region in ("us-east-1", "us-east-2"):
    kw = dict(endpoint_url=ENDPOINT, region_name=region)
    ec2, kms, logs = boto3.client("ec2", **kw), boto3.client("kms", **kw), boto3.client("logs", **kw)
    out[region] = {
        "vpcs": len(ec2.describe_vpcs(Filters=[{"Name": "tag:app", "Values": ["trading"]}])["Vpcs"]),
        "subnets": len(ec2.describe_subnets(Filters=[{"Name": "tag:app", "Values": ["trading"]}])["Subnets"]),
        "endpoints": len(ec2.describe_vpc_endpoints()["VpcEndpoints"]),
        "keyAliases": len([a for a in kms.list_aliases()["Aliases"] if a["AliasName"].startswith("alias/trading-prod")]),
        "logGroups": len(logs.describe_log_groups()["logGroups"]),
    }
iam = boto3.client("iam", endpoint_url=ENDPOINT, region_name="us-east-1")
roles = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("trading-prod")]
out["iam"] = {"roles": len(roles), "inlinePolicies": sum(len(iam.list_role_policies(RoleName=r)["PolicyNames"]) for r in roles)}
print(json.dumps(out))
`);
    // Then each region has its VPC, two private subnets, eleven endpoints, its key alias and log groups
    for (const region of ['us-east-1', 'us-east-2']) {
      const r = seen[region] ?? {};
      assert.equal(r.vpcs, 1, region);
      assert.equal(r.subnets, 2, region);
      assert.equal(r.endpoints, 11, region);
      assert.ok((r.keyAliases ?? 0) >= 1, region);
      assert.ok((r.logGroups ?? 0) >= 9, `${region}: ${r.logGroups} log groups`);
    }
    // And the platform's roles carry inline policies (the hand-made copy had none)
    assert.ok((seen.iam?.roles ?? 0) >= 20, `${seen.iam?.roles} roles`);
    assert.ok((seen.iam?.inlinePolicies ?? 0) >= 25, `${seen.iam?.inlinePolicies} inline policies`);
  });

  it('generated the master password in the apply: in the master secret and its replica, nowhere in any state', async () => {
    // Given the deployed platform / When the master secret is read in both regions
    const secret = await boto3<Record<string, string>>(`
import boto3, json
out = {}
for region in ("us-east-1", "us-east-2"):
    sm = boto3.client("secretsmanager", endpoint_url=ENDPOINT, region_name=region)
    out[region] = sm.get_secret_value(SecretId="trading-prod/db/dr_admin")["SecretString"]
print(json.dumps(out))
`);
    // Then it holds the master user and a generated password, the same in the replica
    const value = JSON.parse(secret['us-east-1'] ?? '{}') as { username?: string; password?: string };
    assert.equal(value.username, 'dr_admin');
    assert.ok((value.password ?? '').length >= 32, 'a generated password');
    assert.equal(secret['us-east-2'], secret['us-east-1']);
    // And no stack's Terraform state holds it (write-only arguments are never stored)
    const stateDir = join(sandbox.dir, '.dr', 'sandbox', 'terraform-state');
    for (const file of await readdir(stateDir)) {
      const text = await readFile(join(stateDir, file), 'utf8');
      assert.ok(!text.includes(value.password as string), `${file} holds the master password`);
    }
  });
});

describe('dr deploy --sandbox', () => {
  it('plans no change for any stack right after up, and passes its verify-sync gate', async () => {
    // Given the deployed sandbox / When deployed again as a runbook would
    const result = await runCli(['deploy', '--sandbox', '--auto-approve', '--json'], {
      cwd: sandbox.dir,
      timeoutMs: 300_000,
    });
    // Then exit 0 and "deployed": the gate passed
    assert.equal(result.code, 0, result.stderr.slice(-2000));
    const out = JSON.parse(result.stdout) as DeployResult;
    assert.equal(out.outcome, 'deployed');
    assert.equal(out.gate?.ok, true);
    // And provider, emulator and stacks round-trip: every plan says no changes, nothing applied
    for (const stack of out.stacks) {
      assert.equal(stack.plan?.line, 'No changes.', `${stack.name}: ${stack.plan?.line}`);
      assert.equal(stack.durations.apply, undefined, `${stack.name} was applied`);
    }
  });
});
