/**
 * IAM policy documents for the global constructs, as plain JSON strings (cdktf
 * string tokens resolve inside them; checkov and the tests can read them). Every
 * document is checked here: an action that is `*` or `service:*` throws, so a
 * least-privilege slip fails at synthesis, not in a review.
 */

import type { Condition } from '../iam.js';

export { arn, serviceTrustPolicy, type ArnContext, type Condition } from '../iam.js';

export interface PolicyStatement {
  readonly sid?: string;
  /** @default - `Allow` */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: Condition;
}

const WILDCARD_ACTION = /^(\*|[a-z0-9-]+:\*)$/i;

/** Throws when an Allow's action is `*` or `service:*`, or a statement has no action or resource. */
export function assertLeastPrivilege(statements: readonly PolicyStatement[], what: string): void {
  if (statements.length === 0) throw new Error(`${what}: a policy needs at least one statement`);
  for (const s of statements) {
    if (s.actions.length === 0) throw new Error(`${what}: statement ${s.sid ?? '(no sid)'} has no actions`);
    if (s.resources.length === 0)
      throw new Error(`${what}: statement ${s.sid ?? '(no sid)'} has no resources`);
    // A Deny may be broad (it only takes away); an Allow must name its actions.
    const wild = s.effect === 'Deny' ? [] : s.actions.filter((a) => WILDCARD_ACTION.test(a));
    if (wild.length > 0) {
      throw new Error(
        `${what}: action(s) ${wild.join(', ')} grant a whole service; name the actions the platform calls`,
      );
    }
  }
}

/** A permissions policy document, validated by `assertLeastPrivilege`. */
export function policyDocument(statements: readonly PolicyStatement[], what: string): string {
  assertLeastPrivilege(statements, what);
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? 'Allow',
      Action: [...s.actions],
      Resource: [...s.resources],
      ...(s.condition ? { Condition: s.condition } : {}),
    })),
  });
}
