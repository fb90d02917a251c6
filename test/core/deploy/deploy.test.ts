/**
 * dr deploy's core, directly: binary discovery, plan parsing, stack selection, and the
 * wave runner driving the fake-terraform STAND-IN (a recording node script, never a real
 * terraform) over three synthetic stacks. The gate and the database step are injected.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { deploy, type DeployOptions, type StackResult } from '../../../src/core/deploy/deploy.js';
import type { MigrationOutcome } from '../../../src/core/deploy/migrate.js';
import { logDirFor, selectStacks } from '../../../src/core/deploy/select.js';
import { findTerraform, INSTALL_HINT } from '../../../src/core/deploy/terraform-bin.js';
import { parsePlanSummary, terraformEnv } from '../../../src/core/deploy/terraform.js';
import { UsageError } from '../../../src/contract/errors.js';
import type { VerifySyncResult } from '../../../src/core/verify-sync.js';
import { installFakeTerraform, readCalls, span, subcommandsByStack } from '../../fixtures/fake-terraform.js';

const [P, S, G] = ['app-prod-primary', 'app-prod-secondary', 'app-prod-global'];
const synthStacks = (root: string) => [
  { name: P, workingDirectory: join(root, 'stacks', P), dependencies: [] },
  { name: S, workingDirectory: join(root, 'stacks', S), dependencies: [] },
  { name: G, workingDirectory: join(root, 'stacks', G), dependencies: [P, S] },
];
const ORDER = [[P, S], [G]];

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'dr-deploy-core-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('findTerraform: --terraform-bin > DR_TERRAFORM_BIN > terraform > tofu on the PATH', () => {
  const bins = (name: string, ...files: string[]) => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    return Object.fromEntries(files.map((f) => [f, installFakeTerraform(dir, f)]));
  };

  it('takes the flag over everything, then the env var, then terraform, then tofu', () => {
    // Given a PATH with terraform and tofu, and an env var and a flag naming other files
    const both = bins('path-both', 'terraform', 'tofu');
    const onlyTofu = bins('path-tofu', 'tofu');
    const named = bins('named', 'tf-flag', 'tf-env');
    const pathBoth = join(root, 'path-both');
    // When / Then each rule wins over the ones after it
    assert.deepEqual(
      findTerraform({ flag: named['tf-flag'], env: { DR_TERRAFORM_BIN: named['tf-env'], PATH: pathBoth } }),
      { path: named['tf-flag'], source: 'flag' },
    );
    assert.deepEqual(findTerraform({ env: { DR_TERRAFORM_BIN: named['tf-env'], PATH: pathBoth } }), {
      path: named['tf-env'],
      source: 'env',
    });
    assert.deepEqual(findTerraform({ env: { PATH: pathBoth } }), { path: both.terraform, source: 'path' });
    assert.deepEqual(findTerraform({ env: { PATH: join(root, 'path-tofu') } }), {
      path: onlyTofu.tofu,
      source: 'path',
    });
    // And a bare name in the flag is looked up on the PATH
    assert.equal(findTerraform({ flag: 'tofu', env: { PATH: pathBoth } }).path, both.tofu);
  });

  it('nothing found: a UsageError (exit 2) saying how to install Terraform or OpenTofu', () => {
    // Given an empty PATH and no flag or env var
    const empty = join(root, 'empty');
    mkdirSync(empty, { recursive: true });
    // When / Then
    assert.throws(
      () => findTerraform({ env: { PATH: empty } }),
      (e: Error) => e instanceof UsageError && e.message === INSTALL_HINT && /OpenTofu/.test(e.message),
    );
  });

  it('a named file that is not executable is refused, not silently replaced by the PATH', () => {
    // Given a plain file as --terraform-bin and terraform on the PATH
    const plain = join(root, 'not-executable');
    writeFileSync(plain, 'echo');
    bins('path-tf', 'terraform');
    // When / Then the flag's problem is reported
    assert.throws(
      () => findTerraform({ flag: plain, env: { PATH: join(root, 'path-tf') } }),
      (e: Error) => e instanceof UsageError && /--terraform-bin .*not an executable file/.test(e.message),
    );
  });
});

describe('parsePlanSummary', () => {
  it('reads the Plan: line, with or without imports, and "No changes."', () => {
    assert.deepEqual(parsePlanSummary('…\nPlan: 3 to add, 1 to change, 2 to destroy.\n'), {
      import: 0,
      add: 3,
      change: 1,
      destroy: 2,
      line: 'Plan: 3 to add, 1 to change, 2 to destroy.',
    });
    assert.equal(parsePlanSummary('Plan: 4 to import, 0 to add, 0 to change, 0 to destroy.')?.import, 4);
    assert.deepEqual(
      parsePlanSummary('\u001b[1mNo changes.\u001b[0m Your infrastructure matches the configuration.'),
      { import: 0, add: 0, change: 0, destroy: 0, line: 'No changes.' },
    );
    assert.equal(parsePlanSummary('Error: something else'), undefined);
  });
});

describe('selectStacks (--stack)', () => {
  const stacks = synthStacks('/x');

  it('no names: every stack in the synthesized waves', () => {
    assert.deepEqual(selectStacks(stacks, ORDER), {
      waves: ORDER,
      selected: [P, S, G],
      dependenciesNotSelected: [],
    });
  });

  it('runs only the named stacks (short or full names) and lists the dependencies it leaves out', () => {
    // When the global stack alone is asked for, by its short name
    const global = selectStacks(stacks, ORDER, ['global']);
    // Then only it runs, and the regional stacks it depends on are named, not added
    assert.deepEqual(global, { waves: [[G]], selected: [G], dependenciesNotSelected: [P, S] });
    assert.deepEqual(selectStacks(stacks, ORDER, [G, 'secondary']).waves, [[S], [G]]);
  });

  it('an unknown name is a UsageError listing the valid ones', () => {
    assert.throws(
      () => selectStacks(stacks, ORDER, ['tertiary']),
      (e: Error) =>
        e instanceof UsageError &&
        e.message.includes('unknown stack "tertiary"') &&
        [P, S, G, 'primary, secondary, global'].every((n) => e.message.includes(n)),
    );
  });

  it('logs go to one folder per run named by its UTC time', () => {
    assert.equal(
      logDirFor('.dr/deploy', new Date('2030-01-02T03:04:05.678Z')),
      '.dr/deploy/2030-01-02T03-04-05-678Z',
    );
  });
});

describe('deploy() with the fake-terraform stand-in', () => {
  let run = 0;
  let dir = '';
  let record = '';
  let bin = '';
  const gateResult = (ok: boolean) =>
    ({
      ok,
      passed: ok ? 1 : 0,
      failed: ok ? 0 : 1,
      checks: [{ name: 'ssm-parameters-equal', ok, detail: ok ? 'equal' : 'x differs' }],
    }) as unknown as VerifySyncResult;
  const skipped: MigrationOutcome = {
    status: 'skipped',
    reason: 'test',
    applied: [],
    alreadyApplied: [],
    ms: 0,
  };
  let events: string[] = [];

  beforeEach(() => {
    run += 1;
    dir = join(root, `run-${run}`);
    for (const s of synthStacks(dir)) {
      mkdirSync(s.workingDirectory, { recursive: true });
      writeFileSync(
        join(s.workingDirectory, 'cdk.tf.json'),
        JSON.stringify({ resource: { t: { a: {}, b: {} } } }),
      );
    }
    record = join(dir, 'calls.jsonl');
    bin = installFakeTerraform(dir);
    events = [];
  });

  const options = (env: Record<string, string> = {}, more: Partial<DeployOptions> = {}): DeployOptions => ({
    synth: {
      stacks: synthStacks(dir).map((s) => ({ ...s, file: '', resourceCount: 2 })),
      deployOrder: ORDER,
    },
    terraform: { path: bin, source: 'flag' },
    logDir: join(dir, 'logs'),
    approve: 'auto',
    migrate: async () => (events.push('migrate'), skipped),
    gate: async () => (events.push('gate'), gateResult(true)),
    env: terraformEnv({ ...process.env, FAKE_TERRAFORM_RECORD: record, ...env }),
    ...more,
  });

  it('runs init, plan -out, apply of the saved plan per stack in its directory; regional stacks overlap, global after both', async () => {
    // Given three stacks and a stand-in that takes 150 ms per call
    // When deployed with auto-approve
    const result = await deploy(options({ FAKE_TERRAFORM_SLEEP_MS: '150' }));

    // Then each stack ran the three calls, in its own working directory, with these arguments
    const calls = readCalls(record);
    assert.deepEqual(subcommandsByStack(calls), {
      [P]: ['init', 'plan', 'apply'],
      [S]: ['init', 'plan', 'apply'],
      [G]: ['init', 'plan', 'apply'],
    });
    for (const c of calls) assert.equal(c.cwd, join(dir, 'stacks', c.stack));
    const argsOf = (sub: string) => calls.find((c) => c.stack === P && c.subcommand === sub)?.argv;
    assert.deepEqual(argsOf('init'), ['init', '-input=false', '-no-color']);
    assert.deepEqual(argsOf('plan'), ['plan', '-input=false', '-no-color', '-out=dr.tfplan']);
    assert.deepEqual(argsOf('apply'), ['apply', '-input=false', '-no-color', 'dr.tfplan']);

    // And the regional stacks overlapped in time (recorded timestamps), the global one started after both ended
    const [p, s, g] = [span(calls, P), span(calls, S), span(calls, G)];
    assert.ok(p[0] < s[1] && s[0] < p[1], `regional stacks did not overlap: ${JSON.stringify({ p, s })}`);
    assert.ok(g[0] >= Math.max(p[1], s[1]), `global started before the regional stacks ended`);

    // And the result: all applied with their plans, then the database step, then the gate: deployed
    assert.equal(result.outcome, 'deployed');
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.stacks.map((r) => [r.name, r.wave, r.status, r.plan?.add]),
      [
        [P, 1, 'applied', 2],
        [S, 1, 'applied', 2],
        [G, 2, 'applied', 2],
      ],
    );
    assert.deepEqual(events, ['migrate', 'gate']);
    assert.ok(result.stacks.every((r) => r.durations.init !== undefined && r.durations.apply !== undefined));

    // And each stack's log holds the full output of its calls
    const log = readFileSync(join(dir, 'logs', `${P}.log`), 'utf8');
    for (const text of [
      'init -input=false',
      'Plan: 2 to add, 1 to change, 0 to destroy.',
      'Apply complete!',
      '# exit 0',
    ]) {
      assert.ok(log.includes(text), `log lacks ${text}`);
    }
  });

  it('a parallelism (the sandbox’s) goes to plan and apply as -parallelism, and to nothing else', async () => {
    // Given the stand-in / When deployed with a parallelism, as the sandbox deploys
    await deploy(options({}, { parallelism: 32 }));
    // Then plan and apply carry it; init takes no such flag
    const calls = readCalls(record);
    const argsOf = (sub: string) => calls.find((c) => c.stack === G && c.subcommand === sub)?.argv;
    assert.deepEqual(argsOf('init'), ['init', '-input=false', '-no-color']);
    assert.deepEqual(argsOf('plan'), [
      'plan',
      '-input=false',
      '-no-color',
      '-parallelism=32',
      '-out=dr.tfplan',
    ]);
    assert.deepEqual(argsOf('apply'), ['apply', '-input=false', '-no-color', '-parallelism=32', 'dr.tfplan']);
  });

  it('applies nothing for a stack whose plan has no changes, and still deploys', async () => {
    // Given the secondary's plan finds nothing to change / When deployed
    const result = await deploy(options({ FAKE_TERRAFORM_NO_CHANGES: S }));
    // Then the other stacks are applied, the secondary only planned, and the run is deployed
    assert.deepEqual(subcommandsByStack(readCalls(record)), {
      [P]: ['init', 'plan', 'apply'],
      [S]: ['init', 'plan'],
      [G]: ['init', 'plan', 'apply'],
    });
    assert.equal(result.outcome, 'deployed');
    assert.equal(result.stacks.find((r) => r.name === S)?.status, 'applied');
  });

  it('plan only: init and plan per stack, no apply, no database step, no gate; the plan summary per stack', async () => {
    // Given one stack without changes / When planning only
    const result = await deploy(options({ FAKE_TERRAFORM_NO_CHANGES: S }, { planOnly: true }));
    // Then no apply ran and nothing after the plans
    const calls = readCalls(record);
    assert.equal(calls.filter((c) => c.subcommand === 'apply').length, 0);
    assert.equal(calls.length, 6);
    assert.deepEqual(events, []);
    assert.equal(result.outcome, 'planned');
    assert.deepEqual(
      result.stacks.map((r) => [r.name, r.status, r.plan?.line]),
      [
        [P, 'planned', 'Plan: 2 to add, 1 to change, 0 to destroy.'],
        [S, 'planned', 'No changes.'],
        [G, 'planned', 'Plan: 2 to add, 1 to change, 0 to destroy.'],
      ],
    );
  });

  it('a failing stack stops the run: the sibling in flight finishes its call and goes no further, later waves never run', async () => {
    // Given the secondary fails at plan while the primary's plan takes longer
    const result = await deploy(
      options({ FAKE_TERRAFORM_FAIL: `${S}:plan`, FAKE_TERRAFORM_SLEEP_MS: `${P}:plan=400` }),
    );
    // Then: failed, naming the stack, the call and its log
    assert.equal(result.outcome, 'stack-failed');
    assert.equal(result.ok, false);
    assert.deepEqual(result.failure, {
      stack: S,
      subcommand: 'plan',
      // (the stand-in's error names no resource)
      resources: [],
      exitCode: 1,
      log: join(dir, 'logs', `${S}.log`),
      finishedInFlight: [P],
      notRun: [G],
    });
    assert.match(readFileSync(result.failure?.log ?? '', 'utf8'), /told to fail app-prod-secondary at plan/);
    // And nothing ran after the failure: no apply anywhere, nothing of the global stack, no gate
    assert.deepEqual(subcommandsByStack(readCalls(record)), { [P]: ['init', 'plan'], [S]: ['init', 'plan'] });
    assert.deepEqual(events, []);
    assert.deepEqual(
      result.stacks.map((r) => r.status),
      ['planned', 'failed', 'not-run'],
    );
  });

  it('a failed gate after apply is "gate-failed", never deployed', async () => {
    const result = await deploy(options({}, { gate: async () => gateResult(false) }));
    assert.equal(result.outcome, 'gate-failed');
    assert.equal(result.ok, false);
    assert.equal(result.gate?.ok, false);
    assert.ok(result.stacks.every((r) => r.status === 'applied'));
  });

  it('a failed database step stops before the gate', async () => {
    const failed: MigrationOutcome = {
      status: 'failed',
      reason: 'no route to host',
      applied: [],
      alreadyApplied: [],
      ms: 1,
    };
    const result = await deploy(options({}, { migrate: async () => failed }));
    assert.equal(result.outcome, 'migrations-failed');
    assert.deepEqual(events, []);
  });

  it('asks once per wave with that wave\'s plans; a "no" applies nothing of that wave', async () => {
    // Given an operator who approves the first wave and declines the second
    const asked: string[][] = [];
    const approve = async (plans: readonly StackResult[]) => {
      asked.push(plans.map((p) => `${p.name}:${p.status}:${p.plan?.add}`));
      return asked.length === 1;
    };
    // When deployed
    const result = await deploy(options({}, { approve }));
    // Then the regional plans were shown together, then the global plan; global was planned, not applied
    assert.deepEqual(asked, [[`${P}:planned:2`, `${S}:planned:2`], [`${G}:planned:2`]]);
    assert.equal(result.outcome, 'cancelled');
    assert.deepEqual(subcommandsByStack(readCalls(record))[G], ['init', 'plan']);
    assert.deepEqual(
      result.stacks.map((r) => r.status),
      ['applied', 'applied', 'planned'],
    );
    assert.deepEqual(events, []);
  });

  it('--stack global runs only that stack and reports the dependencies it left out', async () => {
    const result = await deploy(options({}, { stacks: ['global'] }));
    assert.deepEqual(Object.keys(subcommandsByStack(readCalls(record))), [G]);
    assert.deepEqual(result.dependenciesNotSelected, [P, S]);
    assert.equal(result.outcome, 'deployed');
    assert.equal(relative(dir, result.stacks[0]?.log ?? ''), join('logs', `${G}.log`));
    assert.ok(!existsSync(join(dir, 'logs', `${P}.log`)));
  });
});
