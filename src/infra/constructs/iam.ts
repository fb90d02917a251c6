/**
 * What the global (./global/policy.ts) and regional (./regional/policy.ts) policy
 * modules share: the condition type, the trust policy of a service role and the ARNs
 * of things no resource attribute names. Each module re-exports them for its constructs.
 */

export type Condition = Readonly<
  Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>
>;

/**
 * A trust policy letting `service` assume the role: with `opts`, only on behalf of
 * `sourceAccount` and, when given, of `sourceArns`; without, from any caller of the
 * service (RDS Enhanced Monitoring's role, whose service sends no source account).
 */
export function serviceTrustPolicy(
  service: string,
  opts?: { readonly sourceAccount: string; readonly sourceArns?: readonly string[] },
): string {
  let condition: Record<string, Record<string, string | string[]>> | undefined;
  if (opts) {
    condition = { StringEquals: { 'aws:SourceAccount': opts.sourceAccount } };
    if (opts.sourceArns && opts.sourceArns.length > 0) {
      condition.ArnLike = { 'aws:SourceArn': [...opts.sourceArns] };
    }
  }
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        ...(condition ? { Condition: condition } : {}),
      },
    ],
  });
}

/** Pieces to build the ARNs of things no resource attribute in a stack names. */
export interface ArnContext {
  readonly partition: string;
  readonly accountId: string;
}

export function arn(ctx: ArnContext, service: string, region: string, resource: string): string {
  return `arn:${ctx.partition}:${service}:${region}:${ctx.accountId}:${resource}`;
}
