/**
 * `dr deploy` as a runbook runs it: the built CLI as a process (run
 * `npx tsc -p tsconfig.build.json` first), no terminal, the fake-terraform STAND-IN as
 * the binary (PATH is set to a folder without any terraform or tofu, so a real one on
 * this machine is never used), and the deployed sandbox (test/sandbox/deployed.ts: the
 * synthesized stacks applied by real Terraform, as DR_ENDPOINT) for the verify-sync gate.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DeployResult } from '../../src/core/deploy/deploy.js';
import { useDeployedPlatform } from '../sandbox/deployed.js';
import { input, naming } from './canary-config.js';
import { installFakeTerraform, readCalls, span, subcommandsByStack } from '../fixtures/fake-terraform.js';
import { useDeployWorkspace } from './deploy-workspace.js';

const { endpoint } = useDeployedPlatform();
const [P, S, Z, G] = [
  'trading-prod-primary',
  'trading-prod-secondary',
  'trading-prod-zone',
  'trading-prod-global',
];
const ws = useDeployWorkspace({ name: 'deploy-cli', endpoint, input, naming });
/** The CLI with no terraform anywhere on its PATH; the stand-in only where a test names it. */
const dr = ws.run;

const DEPLOYED = /\bdeployed\b/i;

describe('dr deploy (CLI, fake-terraform stand-in, emulator gate)', () => {
  it('deploys wave by wave: regional stacks and the zone in parallel, global after them, then the gate; says "Deployed"', async () => {
    // Given a stand-in whose calls take 200 ms / When deployed without a terminal, with --yes
    const out = await dr(['deploy', '--yes', '--terraform-bin', ws.bin], { FAKE_TERRAFORM_SLEEP_MS: '200' });

    // Then exit 0, and the last word is "Deployed" with the gate's count
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /Deployed: 4 stacks applied, verify-sync passed \(13 of 13 checks\)/);
    // And each stack ran init, plan -out, apply <planfile> in its own working directory
    const calls = readCalls(ws.record);
    assert.deepEqual(subcommandsByStack(calls), {
      [P]: ['init', 'plan', 'apply'],
      [S]: ['init', 'plan', 'apply'],
      [Z]: ['init', 'plan', 'apply'],
      [G]: ['init', 'plan', 'apply'],
    });
    // And the delegation wait was skipped, and said so: the emulator has no parent domain
    assert.match(
      out.stdout,
      /DNS delegation check skipped: the emulator \(DR_ENDPOINT\) has no parent domain/,
    );
    for (const c of calls) {
      assert.equal(c.cwd, join(ws.cwd, 'cdktf.out', 'stacks', c.stack));
      assert.ok(c.argv.includes('-input=false'), c.argv.join(' '));
    }
    assert.deepEqual(calls.find((c) => c.subcommand === 'apply')?.argv, [
      'apply',
      '-input=false',
      '-no-color',
      'dr.tfplan',
    ]);
    // And the regional stacks and the zone overlapped (recorded timestamps); global began after all ended
    const [p, s, z, g] = [span(calls, P), span(calls, S), span(calls, Z), span(calls, G)];
    assert.ok(p[0] < s[1] && s[0] < p[1], `no overlap: ${JSON.stringify({ p, s })}`);
    assert.ok(
      z[0] < p[1] && p[0] < z[1],
      `the zone beside us-east-1 (its own key): ${JSON.stringify({ p, z })}`,
    );
    assert.ok(g[0] >= Math.max(p[1], s[1], z[1]));
    // And one progress line per stack with its elapsed time, on stderr
    for (const stack of [P, S, Z, G]) {
      assert.match(
        out.stderr,
        new RegExp(`✓ ${stack} — applied: \\d+ to add, 1 to change, 0 to destroy \\(\\d+\\.\\ds\\)`),
      );
    }
    // And the migrations were skipped with the sandbox note, the log folder printed and filled
    assert.match(out.stdout, /Orders database migrations skipped: the sandbox\/emulator has no database/);
    const logDir = /Logs: (\.dr\/deploy\/[^/\s]+)\//.exec(out.stdout)?.[1];
    assert.ok(logDir, out.stdout);
    assert.match(readFileSync(join(ws.cwd, logDir, `${G}.log`), 'utf8'), /Apply complete!/);
  });

  it('--json: per-stack results (status, durations, log, plan) and the gate, nothing else on stdout', async () => {
    const out = await dr(['deploy', '--auto-approve', '--json'], { DR_TERRAFORM_BIN: ws.bin });
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout) as DeployResult;
    assert.equal(result.outcome, 'deployed');
    assert.deepEqual(result.terraform, { path: ws.bin, source: 'env' });
    assert.deepEqual(result.waves, [[P, S, Z], [G]]);
    for (const stack of result.stacks) {
      assert.equal(stack.status, 'applied');
      assert.ok(stack.durations.init! >= 0 && stack.durations.plan! >= 0 && stack.durations.apply! >= 0);
      assert.ok(existsSync(join(ws.cwd, stack.log)), stack.log);
      assert.equal(stack.plan?.change, 1);
    }
    assert.equal(result.gate?.ok, true);
    assert.equal(result.migrations?.status, 'skipped');
  });

  it('--plan-only: no apply, no gate; what would change per stack', async () => {
    // Given the secondary has nothing to change / When planning only
    const out = await dr(['deploy', '--plan-only', '--terraform-bin', ws.bin], {
      FAKE_TERRAFORM_NO_CHANGES: S,
    });
    // Then exit 0, no apply recorded, and the summary per stack
    assert.equal(out.code, 0, out.stderr);
    assert.equal(readCalls(ws.record).filter((c) => c.subcommand === 'apply').length, 0);
    assert.match(out.stdout, new RegExp(`${P}\\s+1\\s+\\+\\d+ ~1 -0`));
    assert.match(out.stdout, new RegExp(`${S}\\s+1\\s+\\+0 ~0 -0`));
    assert.match(out.stdout, new RegExp(`${Z}\\s+1\\s+\\+\\d+ ~1 -0`));
    assert.match(out.stdout, new RegExp(`${G}\\s+2\\s+\\+\\d+ ~1 -0`));
    assert.match(out.stdout, /Plan only: 4 stacks planned, nothing was applied\./);
    assert.doesNotMatch(out.stdout + out.stderr, /verify-sync|\bdeployed\b/i);
  });

  it('a failing stack: exit 1 naming the stack and its log; the global stack never runs', async () => {
    // Given the secondary fails at apply / When deployed
    const out = await dr(['deploy', '--yes', '--terraform-bin', ws.bin], {
      FAKE_TERRAFORM_FAIL: `${S}:apply`,
    });
    // Then exit 1; the one error line names the stack, the call and the log
    assert.equal(out.code, 1, out.stderr);
    const line = out.stderr.trim().split('\n').at(-1) ?? '';
    const log = new RegExp(`^dr: stack ${S} failed at terraform apply \\(exit 1\\): see (\\S+\\.log)`).exec(
      line,
    )?.[1];
    assert.ok(log, line);
    assert.match(readFileSync(join(ws.cwd, log), 'utf8'), /told to fail trading-prod-secondary at apply/);
    // (the zone, in the same wave, is let finish, never cut mid-apply: only global is not run)
    assert.match(line, new RegExp(`not run: ${G}$`));
    assert.doesNotMatch(line, new RegExp(`not run: .*${Z}`));
    // And nothing ran after it: no call of the global stack, no gate, never "deployed"
    assert.equal(subcommandsByStack(readCalls(ws.record))[G], undefined);
    assert.doesNotMatch(out.stdout + out.stderr, DEPLOYED);
  });

  it('a gate failure after apply: exit 3, the failing check listed, never "deployed"', async () => {
    // Given the secondary's copy of a shared setting drifted
    await ws.clients.ssm('us-east-2').putParameter({
      Name: naming.ssmShared('api-domain'),
      Value: 'api.elsewhere.example.com',
      Type: 'SecureString',
      Overwrite: true,
    });
    // When deployed (human output and --json)
    const out = await dr(['deploy', '--yes', '--terraform-bin', ws.bin]);
    const json = await dr(['deploy', '--yes', '--json', '--terraform-bin', ws.bin]);

    // Then exit 3 with the failing check on both
    assert.equal(out.code, 3, out.stderr);
    assert.match(out.stdout, /FAIL\s+ssm-parameters-equal/);
    assert.match(
      out.stderr.trim().split('\n').at(-1) ?? '',
      /^dr: stacks applied, but the verify-sync gate failed \(ssm-parameters-equal\)/,
    );
    assert.doesNotMatch(out.stdout + out.stderr, DEPLOYED);
    assert.equal(json.code, 3);
    const result = JSON.parse(json.stdout) as DeployResult;
    assert.equal(result.outcome, 'gate-failed');
    assert.deepEqual(
      result.gate?.checks.filter((c) => !c.ok).map((c) => c.name),
      ['ssm-parameters-equal'],
    );
  });

  it('no terraform or tofu anywhere: exit 2, one line on how to install one, nothing run', async () => {
    const out = await dr(['deploy', '--yes']);
    assert.equal(out.code, 2, out.stderr);
    assert.equal(out.stdout, '');
    assert.equal(out.stderr.trim().split('\n').length, 1);
    assert.match(out.stderr, /install Terraform \(https:.*\) or OpenTofu \(https:.*\)/);
    assert.equal(existsSync(join(ws.cwd, '.dr')) || existsSync(join(ws.cwd, 'cdktf.out')), false);
  });

  it('tofu on the PATH is found when there is no terraform', async () => {
    const tofuDir = join(ws.cwd, 'tofu-bin');
    mkdirSync(tofuDir);
    const tofu = installFakeTerraform(tofuDir, 'tofu');
    const out = await dr(['deploy', '--plan-only', '--json'], { PATH: tofuDir });
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual((JSON.parse(out.stdout) as DeployResult).terraform, { path: tofu, source: 'path' });
  });

  it('without a terminal and without --auto-approve/--yes it refuses: exit 2, one line, nothing run', async () => {
    const out = await dr(['deploy', '--terraform-bin', ws.bin]);
    assert.equal(out.code, 2, out.stderr);
    assert.equal(out.stderr.trim().split('\n').length, 1);
    assert.match(out.stderr, /refusing to apply without a terminal.*--auto-approve \(or --yes\)/);
    assert.deepEqual(readCalls(ws.record), []);
    assert.equal(existsSync(join(ws.cwd, 'cdktf.out')), false);
  });

  it('an unknown --stack: exit 2 listing the stacks, nothing run', async () => {
    const out = await dr(['deploy', '--plan-only', '--stack', 'tertiary', '--terraform-bin', ws.bin]);
    assert.equal(out.code, 2, out.stderr);
    assert.match(out.stderr, new RegExp(`unknown stack "tertiary": the stacks are ${P}, ${S}, ${Z}, ${G}`));
    assert.deepEqual(readCalls(ws.record), []);
  });
});
