/**
 * Canaries: write in the active region, poll the other until it shows the write or the
 * timeout passes, and clean up in both regions whatever happened (a failed cleanup is
 * reported, never thrown). Canary keys carry a `dr-canary-` prefix and, for DynamoDB,
 * the table's TTL attribute, so a leftover expires on its own.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDbApi, S3Api } from '../../aws/clients.js';
import { errorName } from '../../aws/errors.js';
import { RegionUnreachableError } from '../../contract/errors.js';
import { Naming } from '../../contract/naming.js';
import type { CanaryView } from './evaluate.js';
import { describeError } from './outcome.js';
import { poll } from '../poll.js';

/** The canary item's key prefix (the DR roles may write only such items: the policies' `dynamodb:LeadingKeys`). */
export const CANARY_PREFIX = Naming.canaryItemPrefix;
/** S3 canaries live under this key prefix (the readiness Lambda may write only there). */
export const CANARY_OBJECT_PREFIX = Naming.canaryObjectPrefix;
const POLL_MS = 100;

interface Poll<T> {
  readonly ms: number | null;
  readonly seen: T | undefined;
}

/** Calls `look` until it returns a value or `timeoutMs` passes; unreachable errors propagate. */
async function pollUntil<T>(look: () => Promise<T | undefined>, timeoutMs: number): Promise<Poll<T>> {
  const polled = await poll(look, (seen) => seen !== undefined, { intervalMs: POLL_MS, timeoutMs });
  return polled.done ? { ms: polled.elapsedMs, seen: polled.value } : { ms: null, seen: undefined };
}

/** Runs every cleanup; returns the failures as one line (undefined when all succeeded). */
async function cleanUp(
  steps: ReadonlyArray<readonly [string, () => Promise<unknown>]>,
): Promise<string | undefined> {
  const settled = await Promise.allSettled(steps.map(([, run]) => run()));
  const failed = settled.flatMap((s, i) =>
    s.status === 'rejected' ? [`${steps[i]?.[0]}: ${describeError(s.reason)}`] : [],
  );
  return failed.length > 0 ? failed.join('; ') : undefined;
}

export interface DynamoCanaryOptions {
  readonly from: { readonly region: string; readonly dynamodb: DynamoDbApi };
  readonly to: { readonly region: string; readonly dynamodb: DynamoDbApi };
  readonly table: string;
  readonly keyAttribute: string;
  readonly ttlAttribute: string;
  readonly timeoutMs: number;
}

export async function dynamoCanary(options: DynamoCanaryOptions): Promise<CanaryView> {
  const { from, to, table, keyAttribute, timeoutMs } = options;
  const key = { [keyAttribute]: { S: `${CANARY_PREFIX}${randomUUID()}` } };
  const now = Date.now();
  let outcome: Poll<unknown> = { ms: null, seen: undefined };
  let failure: unknown;
  try {
    await from.dynamodb.putItem({
      TableName: table,
      Item: {
        ...key,
        canary: { S: 'dr verify-sync' },
        written_at: { S: new Date(now).toISOString() },
        [options.ttlAttribute]: { N: String(Math.floor(now / 1000) + 3600) },
      },
    });
    outcome = await pollUntil(
      async () => (await to.dynamodb.getItem({ TableName: table, Key: key, ConsistentRead: true })).Item,
      timeoutMs,
    );
  } catch (error) {
    failure = error;
  }
  // Both copies, whatever happened: the delete replicates too, but not from a dark region.
  const cleanup = await cleanUp(
    [from, to].map(
      (side) =>
        [`delete in ${side.region}`, () => side.dynamodb.deleteItem({ TableName: table, Key: key })] as const,
    ),
  );
  if (failure) throw failure;
  return { ms: outcome.ms, from: from.region, to: to.region, ...(cleanup ? { cleanup } : {}) };
}

export interface S3CanaryOptions {
  readonly from: { readonly region: string; readonly s3: S3Api; readonly bucket: string };
  readonly to: { readonly region: string; readonly s3: S3Api; readonly bucket: string };
  readonly timeoutMs: number;
}

/** The replica's version id once it is there; undefined while it is not. */
async function replicaVersion(s3: S3Api, bucket: string, key: string): Promise<string | undefined> {
  try {
    const head = await s3.headObject({ Bucket: bucket, Key: key });
    return head.VersionId ?? 'null';
  } catch (error) {
    if (error instanceof RegionUnreachableError) throw error;
    const name = errorName(error);
    if (name === 'NotFound' || name === 'NoSuchKey') return undefined;
    throw error;
  }
}

export async function s3Canary(options: S3CanaryOptions): Promise<CanaryView> {
  const { from, to, timeoutMs } = options;
  const key = `${CANARY_OBJECT_PREFIX}${CANARY_PREFIX}${randomUUID()}`;
  let sourceVersion: string | undefined;
  let outcome: Poll<string> = { ms: null, seen: undefined };
  let failure: unknown;
  try {
    const put = await from.s3.putObject({
      Bucket: from.bucket,
      Key: key,
      Body: `dr verify-sync canary ${new Date().toISOString()}\n`,
      ContentType: 'text/plain',
    });
    sourceVersion = put.VersionId ?? 'null';
    outcome = await pollUntil(() => replicaVersion(to.s3, to.bucket, key), timeoutMs);
  } catch (error) {
    failure = error;
  }
  // Versioned buckets: delete the exact versions, or a delete marker would stay behind.
  const steps: Array<readonly [string, () => Promise<unknown>]> = [];
  if (sourceVersion) {
    steps.push([
      `delete in ${from.bucket}`,
      () => from.s3.deleteObject({ Bucket: from.bucket, Key: key, VersionId: sourceVersion }),
    ]);
    steps.push([
      `delete in ${to.bucket}`,
      async () => {
        const version = outcome.seen ?? (await replicaVersion(to.s3, to.bucket, key));
        if (version) await to.s3.deleteObject({ Bucket: to.bucket, Key: key, VersionId: version });
      },
    ]);
  }
  const cleanup = await cleanUp(steps);
  if (failure) throw failure;
  return { ms: outcome.ms, from: from.region, to: to.region, ...(cleanup ? { cleanup } : {}) };
}
