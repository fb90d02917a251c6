/**
 * `terraform validate` of every synthesized stack against the AWS provider this machine
 * has (the offline mirror's 5.100.0 in CI), with the sandbox's override file: the
 * product's JSON is what Terraform reads, the override changes only the provider block,
 * the version and the written-down 6.x-only attributes. Real Terraform, no emulator.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.js';
import { findTerraform } from '../../src/core/deploy/terraform-bin.js';
import { prepareSandboxStacks, type PreparedSandboxStacks } from '../../src/sandbox/deploy.js';
import { baseConfig } from './synth-helpers.js';

function terraform(
  bin: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(bin, args, { cwd, env, timeout: 120_000 }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('terraform validate: every synthesized stack, with the provider this machine has', () => {
  let dir = '';
  let prepared: PreparedSandboxStacks;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dr-validate-'));
    prepared = await prepareSandboxStacks({
      config: parseConfig(baseConfig),
      // Never contacted: validate makes no API call.
      endpoint: 'http://127.0.0.1:9',
      cwd: dir,
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('finds the hashicorp/aws mirror on this machine (CI is offline)', () => {
    assert.equal(prepared.provider.source, 'mirror', 'no filesystem mirror with hashicorp/aws was found');
    assert.match(prepared.provider.version, /^\d+\.\d+\.\d+$/);
  });

  it('validates the primary, secondary, zone and global stacks', async () => {
    const bin = findTerraform({}).path;
    assert.equal(prepared.synth.stacks.length, 4);
    for (const stack of prepared.synth.stacks) {
      // Given the stack's directory (cdk.tf.json + sandbox_override.tf.json)
      const cwd = resolve(stack.workingDirectory);
      // When Terraform installs the provider and validates
      const init = await terraform(
        bin,
        ['init', '-backend=false', '-input=false', '-no-color'],
        cwd,
        prepared.env,
      );
      assert.equal(init.code, 0, `${stack.name}: init\n${init.stdout}${init.stderr}`);
      const validate = await terraform(bin, ['validate', '-json', '-no-color'], cwd, prepared.env);
      // Then it is valid, with no error diagnostic
      const result = JSON.parse(validate.stdout) as {
        valid: boolean;
        diagnostics: Array<{ severity: string; summary: string }>;
      };
      assert.deepEqual(
        result.diagnostics.filter((d) => d.severity === 'error').map((d) => d.summary),
        [],
        stack.name,
      );
      assert.equal(result.valid, true, stack.name);
    }
  });
});
