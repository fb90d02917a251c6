/**
 * Issue 14 part 3: one table maps how a command ended to its exit code, and errors are
 * classified by class (their outcome), never by name. The deliberate change: a missing
 * emulator is a missing prerequisite, exit 2 like a missing Terraform binary.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInThisContext } from 'node:vm';
import { Errors } from '@oclif/core';
import { classifyError } from '../../src/cli/base-command.js';
import { EXIT_CODES, EXIT_CODE_TABLE, ExitCode } from '../../src/cli/exit-codes.js';
import { ConfigError } from '../../src/config/load.js';
import {
  CheckFailedError,
  CredentialsError,
  DrError,
  FailedError,
  InterruptedError,
  LockHeldError,
  RegionUnreachableError,
  UsageError,
} from '../../src/contract/errors.js';
import { EmulatorNotInstalledError, EmulatorStartError } from '../../src/sandbox/emulator.js';

describe('the outcome → exit-code table', () => {
  it('maps every outcome to the documented code, and --help lists each code once', () => {
    // Given the table / Then each outcome has the code the contract documents
    assert.deepEqual(EXIT_CODES, {
      ok: 0,
      failed: 1,
      usage: 2,
      'check-failed': 3,
      'lock-held': 4,
      'region-unreachable': 5,
      credentials: 6,
      interrupted: 130,
    });
    assert.deepEqual(
      EXIT_CODE_TABLE.map(([code]) => code),
      [...new Set(Object.values(EXIT_CODES))],
    );
  });
});

describe('classifyError', () => {
  it('maps each typed error to its exit code, JSON code and details', () => {
    // Given one error of each class / When classified / Then code, exit and details as before
    const cases: Array<[Error, number, string, Record<string, unknown> | undefined]> = [
      [new UsageError('bad\nmore'), ExitCode.Usage, 'BAD_USAGE', undefined],
      [new CheckFailedError('not in sync'), ExitCode.CheckFailed, 'CHECK_FAILED', undefined],
      [new LockHeldError('held', 'alice'), ExitCode.LockHeld, 'LOCK_HELD', { holder: 'alice' }],
      [new CredentialsError('no creds', undefined), ExitCode.Credentials, 'CREDENTIALS', { profile: null }],
      [new CredentialsError('no creds', 'ops'), ExitCode.Credentials, 'CREDENTIALS', { profile: 'ops' }],
      [new InterruptedError('stopped'), ExitCode.Interrupted, 'INTERRUPTED', undefined],
      [
        new InterruptedError('stopped', { details: { at: 'x' } }),
        ExitCode.Interrupted,
        'INTERRUPTED',
        { at: 'x' },
      ],
      [
        new RegionUnreachableError('down', 'us-east-1'),
        ExitCode.RegionUnreachable,
        'REGION_UNREACHABLE',
        { region: 'us-east-1' },
      ],
      [
        new ConfigError('dr.json', ['a: bad', 'b: bad']),
        ExitCode.Usage,
        'BAD_CONFIG',
        { problems: ['a: bad', 'b: bad'] },
      ],
      [new EmulatorStartError('exited', ''), ExitCode.Failed, 'FAILED', undefined],
      [new Error('boom\nstack'), ExitCode.Failed, 'FAILED', undefined],
    ];
    for (const [error, exitCode, code, details] of cases) {
      const classified = classifyError(error);
      assert.equal(classified.exitCode, exitCode, error.name);
      assert.equal(classified.code, code, error.name);
      assert.deepEqual(classified.details, details, error.name);
    }
    assert.equal(classifyError(new UsageError('bad\nmore')).message, 'bad');
    assert.equal(classifyError(new ConfigError('dr.json', ['a: bad'])).message, 'dr.json: a: bad');
  });

  it('a missing emulator is a missing prerequisite: exit 2 (it was 1)', () => {
    // Given the emulator is not installed / When classified / Then bad usage, nothing changed
    const classified = classifyError(
      new EmulatorNotInstalledError('the AWS emulator is not installed: run x'),
    );
    assert.equal(classified.exitCode, ExitCode.Usage);
    assert.equal(classified.code, 'BAD_USAGE');
    assert.equal(classified.message, 'the AWS emulator is not installed: run x');
  });

  it('matches by class, not by name: a plain Error named UsageError fails (exit 1)', () => {
    // Given an error that only borrows a name / When classified / Then it is not a usage error
    const impostor = Object.assign(new Error('looks like usage'), { name: 'UsageError' });
    assert.equal(classifyError(impostor).exitCode, ExitCode.Failed);
  });

  it('a DrError from another copy of the contract (the synth bundle) is still one', () => {
    // Given an error made by a second copy of the DrError class (as the synth bundle has)
    const foreign = runInThisContext(
      `class Copy extends Error { constructor() { super('x.json: bad'); this[Symbol.for('dr.contract.DrError')] = true;
         this.outcome = 'usage'; this.code = 'BAD_CONFIG'; this.summary = this.message; this.jsonDetails = { problems: ['bad'] }; } }
       new Copy()`,
    ) as Error;
    // When classified / Then by its outcome, as one of ours
    assert.ok(foreign instanceof DrError);
    assert.equal(foreign instanceof UsageError, false);
    assert.deepEqual(classifyError(foreign), {
      exitCode: ExitCode.Usage,
      code: 'BAD_CONFIG',
      message: 'x.json: bad',
      details: { problems: ['bad'] },
    });
  });

  it('subclasses keep the usual instanceof', () => {
    // Given errors of different classes / Then instanceof tells them apart
    assert.equal(new FailedError('x') instanceof CheckFailedError, false);
    assert.equal(new CheckFailedError('x') instanceof DrError, true);
    assert.equal(new CheckFailedError('x') instanceof UsageError, false);
  });

  it("oclif's errors keep their exit code", () => {
    // Given this.error(…, { exit }) / When classified / Then its exit code and FAILED
    const classified = classifyError(new Errors.CLIError('went wrong', { exit: 1 }));
    assert.deepEqual(classified, { exitCode: 1, code: 'FAILED', message: 'went wrong' });
  });
});
