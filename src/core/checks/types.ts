/**
 * The shared sync checks: what `dr verify-sync` gates a deploy on and what the hourly
 * readiness-check Lambda publishes. Each check is a named result with what was
 * observed and the limit it was held against.
 */

/** Stable identifiers: runbooks, dashboards and the readiness metrics key on them. */
export const CHECK_NAMES = [
  'aurora-replication-lag',
  'aurora-members-available',
  'dynamodb-replicas-active',
  'dynamodb-pitr-enabled',
  'dynamodb-canary',
  's3-replication-enabled',
  's3-pending-operations',
  's3-canary',
  'lambda-code-equal',
  'ssm-parameters-equal',
  'alarm-definitions-equal',
  'event-source-mapping-guard',
  'iam-permissions',
] as const;

export type CheckName = (typeof CHECK_NAMES)[number];

export type CheckValue = string | number | boolean | null;

/**
 * `pass` and `fail` are verdicts on what was observed; `unknown`: the check could not be
 * evaluated (a read failed: access denied, a region unreachable), so nothing is claimed.
 */
export type CheckStatus = 'pass' | 'fail' | 'unknown';

export interface CheckResult {
  readonly name: CheckName;
  /** True only when the check passed (`status` is `pass`): an unknown check proves nothing. */
  readonly ok: boolean;
  readonly status: CheckStatus;
  /** What was seen: a number (with `unit`), a short text, or null when nothing could be seen. */
  readonly observed: CheckValue;
  /** What it was held against. */
  readonly limit: CheckValue;
  readonly unit?: 'ms' | 'operations';
  /** One line: why it passed or, when it failed, what differs and where. */
  readonly detail: string;
  /** The region the observation comes from, when it is one region's. */
  readonly region?: string;
}

/** The limits the checks hold observations against (config `objectives`). */
export interface SyncLimits {
  readonly maxReplicationLagMs: number;
  readonly maxS3PendingOperations: number;
  readonly canaryTimeoutSeconds: number;
}

/** The config schema's defaults (src/config/schema.ts). */
export const DEFAULT_LIMITS: SyncLimits = Object.freeze({
  maxReplicationLagMs: 1000,
  maxS3PendingOperations: 100,
  canaryTimeoutSeconds: 10,
});

/** Shared SSM keys (`<prefix>/shared/<key>`) the stacks write the objectives under. */
export const LIMIT_PARAMETERS: Readonly<Record<keyof SyncLimits, string>> = {
  maxReplicationLagMs: 'max-replication-lag-ms',
  maxS3PendingOperations: 'max-s3-pending-operations',
  canaryTimeoutSeconds: 'canary-timeout-seconds',
};

/**
 * The limits as the stacks wrote them into the shared parameters (what the Lambda,
 * which has no config file, holds the checks against); a missing or malformed value
 * keeps its default.
 */
export function limitsFromParameters(
  shared: Readonly<Record<string, string>>,
  defaults: SyncLimits = DEFAULT_LIMITS,
): SyncLimits {
  const pick = (key: keyof SyncLimits) => {
    const value = Number(shared[LIMIT_PARAMETERS[key]]);
    return Number.isFinite(value) && value >= 0 ? value : defaults[key];
  };
  return {
    maxReplicationLagMs: pick('maxReplicationLagMs'),
    maxS3PendingOperations: pick('maxS3PendingOperations'),
    canaryTimeoutSeconds: pick('canaryTimeoutSeconds') || defaults.canaryTimeoutSeconds,
  };
}
