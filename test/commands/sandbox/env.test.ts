/**
 * `dr sandbox env` (issue 12 part 2): export lines that point any AWS client at the
 * running sandbox. The built CLI as a process, on the run's deployed sandbox; the lines
 * are eval'd by bash and used by boto3 (the emulator's own virtualenv), another SDK
 * than ours.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { CLI, REPO_ROOT, runCli } from '../../harness/cli.js';
import { deployedSandbox } from '../../sandbox/deployed.js';
import { config, naming } from '../../core/failover/helpers.js';
import { SANDBOX_STATE_FILE } from '../../../src/sandbox/state.js';

const run = promisify(execFile);

describe('dr sandbox env', () => {
  it('prints export lines that the AWS SDKs follow to the sandbox (boto3 finds the global cluster)', async () => {
    const { dir, endpoint } = deployedSandbox();
    // When an SRE evals its output in bash and asks boto3 for the global clusters
    const script = [
      `eval "$(${process.execPath} ${CLI} sandbox env)"`,
      `${join(REPO_ROOT, '.venv', 'bin', 'python')} -c 'import boto3, os; print(os.environ["AWS_ENDPOINT_URL"]); print(" ".join(g["GlobalClusterIdentifier"] for g in boto3.client("rds").describe_global_clusters()["GlobalClusters"]))'`,
    ].join('\n');
    const out = await run('bash', ['-c', script], {
      cwd: dir,
      // Nothing of the caller's own AWS settings: only what the eval'd lines say
      env: Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_'))),
      timeout: 60_000,
    });
    // Then boto3 talked to the sandbox and found the deployed global database
    const [url, clusters] = out.stdout.trim().split('\n');
    assert.equal(url, endpoint);
    assert.deepEqual(clusters?.split(' '), [naming.globalCluster()]);
  });

  it('--json gives the same variables as an object: the root key pair `up` recorded and never printed', async () => {
    const { dir, endpoint, credentials, up } = deployedSandbox();
    const out = await runCli(['sandbox', 'env', '--json'], { cwd: dir });
    assert.equal(out.code, 0, out.stderr);
    const body = JSON.parse(out.stdout) as { variables: Record<string, string> };
    assert.equal(body.variables.AWS_ENDPOINT_URL, endpoint);
    assert.equal(body.variables.AWS_REGION, config.regions.primary);
    // The sandbox's own random pair (not a well-known test key), from .dr/sandbox.json
    assert.match(body.variables.AWS_ACCESS_KEY_ID ?? '', /^AKIA[A-Z2-7]{16}$/);
    assert.equal(body.variables.AWS_ACCESS_KEY_ID, credentials.accessKeyId);
    assert.equal(body.variables.AWS_SECRET_ACCESS_KEY, credentials.secretAccessKey);
    // And `dr sandbox up --json` did not print the secret; the state file is the owner's only
    assert.equal(JSON.stringify(up).includes(credentials.secretAccessKey), false);
    assert.equal((await stat(join(dir, SANDBOX_STATE_FILE))).mode & 0o077, 0);
  });

  it('without a running sandbox: exit 2, one line saying how to start one, nothing printed to eval', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'dr-sandbox-env-'));
    try {
      const out = await runCli(['sandbox', 'env'], { cwd: empty });
      assert.equal(out.code, 2, out.stderr);
      assert.equal(out.stdout, '');
      assert.match(out.stderr.trim(), /^dr: no sandbox is running; start one with `dr sandbox up`$/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
