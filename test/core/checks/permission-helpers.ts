/**
 * For the permission-readiness tests: takes one statement out of a deployed role's inline
 * policy in the emulator (GetRolePolicy, then PutRolePolicy without it), the way a drifted
 * or hand-edited policy would look on a real account.
 */
import { GetRolePolicyCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { testClient } from '../../emulator/client.js';

/** Removes statement `sid` from `role`'s inline policy `policy`; throws when it is not there. */
export async function removeGrant(
  endpoint: string,
  role: string,
  policy: string,
  sid: string,
): Promise<void> {
  const iam = testClient(IAMClient, 'us-east-1', { endpoint });
  const current = await iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName: policy }));
  const document = JSON.parse(decodeURIComponent(current.PolicyDocument ?? '{}')) as {
    Statement: Array<{ Sid?: string }>;
  };
  const kept = document.Statement.filter((s) => s.Sid !== sid);
  if (kept.length === document.Statement.length) throw new Error(`${role}/${policy} has no statement ${sid}`);
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: role,
      PolicyName: policy,
      PolicyDocument: JSON.stringify({ ...document, Statement: kept }),
    }),
  );
}
