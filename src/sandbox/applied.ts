/**
 * What was last applied into the running sandbox: a fingerprint of the synthesized stacks as
 * Terraform ran them (each stack's `cdk.tf.json` and its sandbox override, the provider
 * version, the Terraform binary) and the emulator it went into.
 *
 * A second `dr sandbox up` that finds the same fingerprint for the same emulator does not
 * plan the stacks again (about 10 s of Terraform and provider CPU per stack here): nothing
 * Terraform would read has changed, as `cdk deploy` skips a stack whose template is
 * unchanged. The verify-sync gate still runs. `dr deploy --sandbox` always plans (drift
 * made by hand shows there). The record lives beside the Terraform state, so whatever
 * removes that state (a new emulator, a redeploy) removes the record with it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

export interface AppliedRecord {
  readonly fingerprint: string;
  /** The emulator the stacks were applied into. */
  readonly endpoint: string;
  /** When the apply finished (ISO 8601). */
  readonly at: string;
}

const FILES = ['cdk.tf.json', 'sandbox_override.tf.json'] as const;

export function appliedRecordPath(stateDir: string): string {
  return join(stateDir, 'applied.json');
}

/** The fingerprint of the stacks in their working directories, as Terraform would read them. */
export async function stacksFingerprint(
  stacks: ReadonlyArray<{ readonly name: string; readonly workingDirectory: string }>,
  tooling: { readonly providerVersion: string; readonly terraform: string },
): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`provider ${tooling.providerVersion}\nterraform ${tooling.terraform}\n`);
  for (const stack of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) {
    for (const file of FILES) {
      hash.update(`${stack.name}/${file}\n`);
      hash.update(await readFile(join(resolve(stack.workingDirectory), file)));
    }
  }
  return hash.digest('hex');
}

export async function readApplied(stateDir: string): Promise<AppliedRecord | undefined> {
  try {
    return JSON.parse(await readFile(appliedRecordPath(stateDir), 'utf8')) as AppliedRecord;
  } catch {
    return undefined;
  }
}

export async function writeApplied(stateDir: string, record: AppliedRecord): Promise<void> {
  const file = appliedRecordPath(stateDir);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
}
