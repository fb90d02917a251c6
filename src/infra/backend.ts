/**
 * Where Terraform keeps each stack's state. Local by default (a laptop, the sandbox);
 * S3 with native locking for real deployments. The config schema refuses an S3 bucket
 * in the primary region unless it replicates elsewhere: the state that describes how to
 * recover us-east-1 must not be lost together with us-east-1.
 */
import { LocalBackend, S3Backend, type TerraformStack } from './cdktf.js';
import { join } from 'node:path';
import type { StateBackendConfig } from '../config/schema.js';

export function configureBackend(
  stack: TerraformStack,
  stackName: string,
  backend: StateBackendConfig,
): void {
  if (backend.type === 'local') {
    // Relative to the stack's working directory (`<out>/stacks/<stack>`), so the state
    // survives a re-synthesis that wipes the out directory.
    new LocalBackend(stack, { path: join('..', '..', '..', backend.path, `${stackName}.tfstate`) });
    return;
  }
  const s3 = new S3Backend(stack, {
    bucket: backend.bucket,
    key: `${backend.keyPrefix}/${stackName}.tfstate`,
    region: backend.region,
    encrypt: true,
    ...(backend.kmsKeyId ? { kmsKeyId: backend.kmsKeyId } : {}),
  });
  if (backend.useLockfile) s3.addOverride('use_lockfile', true);
}
