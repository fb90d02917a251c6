/**
 * IAM and resource-policy documents for the regional constructs, as plain JSON strings:
 * cdktf string tokens resolve inside them, and checkov and the tests can parse them.
 * Every permissions document is checked here: an action that is `*` or `service:*`
 * throws, so a least-privilege slip fails at synthesis rather than in review. The one
 * exception AWS itself requires (the account root's `kms:*` in a key policy) is built by
 * `keyPolicy` and nowhere else.
 */

import { serviceTrustPolicy as trustPolicy, type Condition } from '../iam.js';

export { arn, type ArnContext, type Condition } from '../iam.js';

export type Principal =
  { readonly AWS: string | readonly string[] } | { readonly Service: string | readonly string[] };

export interface Statement {
  readonly sid?: string;
  /** @default - `Allow` */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  /** `*` only where the action has no resource-level permissions (say so beside it). */
  readonly resources: readonly string[];
  /** Resource policies only (key, queue, bucket, topic policies). */
  readonly principal?: Principal | '*';
  readonly condition?: Condition;
}

const WILDCARD_ACTION = /^(\*|[a-z0-9-]+:\*)$/i;

/** Throws when an action is `*` or `service:*`, or a statement has no action or resource. */
export function assertLeastPrivilege(statements: readonly Statement[], what: string): void {
  if (statements.length === 0) throw new Error(`${what}: a policy needs at least one statement`);
  for (const s of statements) {
    const label = s.sid ?? '(no sid)';
    if (s.actions.length === 0) throw new Error(`${what}: statement ${label} has no actions`);
    if (s.resources.length === 0) throw new Error(`${what}: statement ${label} has no resources`);
    const wild = s.actions.filter((a) => WILDCARD_ACTION.test(a));
    if (wild.length > 0 && (s.effect ?? 'Allow') === 'Allow') {
      throw new Error(
        `${what}: statement ${label} allows ${wild.join(', ')}, a whole service; name the actions the platform calls`,
      );
    }
  }
}

function render(s: Statement): Record<string, unknown> {
  return {
    ...(s.sid ? { Sid: s.sid } : {}),
    Effect: s.effect ?? 'Allow',
    ...(s.principal ? { Principal: s.principal } : {}),
    Action: [...s.actions],
    Resource: s.resources.length === 1 ? s.resources[0] : [...s.resources],
    ...(s.condition ? { Condition: s.condition } : {}),
  };
}

/** A policy document (identity or resource policy), validated by `assertLeastPrivilege`. */
export function policyDocument(statements: readonly Statement[], what: string): string {
  assertLeastPrivilege(statements, what);
  return JSON.stringify({ Version: '2012-10-17', Statement: statements.map(render) });
}

/**
 * A KMS key policy: the account root statement AWS requires (without it the key becomes
 * unmanageable; it delegates to IAM, so roles still need their own grants), then the
 * service statements, which are validated like any other policy.
 */
export function keyPolicy(rootArn: string, services: readonly Statement[], what: string): string {
  if (services.length > 0) assertLeastPrivilege(services, what);
  const root: Statement = {
    sid: 'EnableIamPoliciesForTheAccount',
    principal: { AWS: rootArn },
    actions: ['kms:*'],
    // In a key policy `*` means "this key".
    resources: ['*'],
  };
  return JSON.stringify({ Version: '2012-10-17', Statement: [root, ...services].map(render) });
}

/** Denies every request that does not use TLS (queue, topic and bucket policies). */
export function denyInsecureTransport(actions: readonly string[], resources: readonly string[]): Statement {
  return {
    sid: 'DenyInsecureTransport',
    effect: 'Deny',
    principal: '*',
    actions,
    resources,
    condition: { Bool: { 'aws:SecureTransport': 'false' } },
  };
}

/** A trust policy letting `service` assume the role, only on behalf of this account. */
export function serviceTrustPolicy(service: string, sourceAccount: string): string {
  return trustPolicy(service, { sourceAccount });
}
