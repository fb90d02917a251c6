/**
 * Before `dr deploy` changes anything: API Gateway's CloudWatch role is one setting per
 * region for the whole account (`aws_api_gateway_account`), shared by every REST API
 * there. The stacks point it at a role of their own that may write only the order API's
 * logs, so applying them over a role set outside dr would silently stop the other APIs'
 * execution logs. This reads the setting in each region and names every conflict:
 *
 * - no `apiGateway.accountCloudWatchRoleArn` in the config: the setting must be empty or
 *   already dr's role (`naming.role('api-cloudwatch', region)`);
 * - with it: the setting must name that role (the stacks leave it alone).
 */
import type { AwsClients } from '../../aws/clients.js';
import type { DrConfig } from '../../config/schema.js';
import type { Naming } from '../../contract/naming.js';

/** The role name in a role ARN (`arn:aws:iam::1:role/path/name` → `name`). */
function roleName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** One line per region whose setting the deploy would clobber or that contradicts the config; empty when none. */
export async function apiGatewayAccountConflicts(options: {
  readonly clients: AwsClients;
  readonly naming: Naming;
  readonly config: Pick<DrConfig, 'regions' | 'apiGateway'>;
}): Promise<string[]> {
  const { clients, naming, config } = options;
  const kept = config.apiGateway.accountCloudWatchRoleArn;
  const regions = [config.regions.primary, config.regions.secondary];
  const settings = await Promise.all(
    regions.map(async (region) => (await clients.apiGateway(region).getAccount({})).cloudwatchRoleArn),
  );
  return regions.flatMap((region, i) => {
    const current = settings[i];
    if (kept) {
      return current === kept
        ? []
        : [
            `${region}: apiGateway.accountCloudWatchRoleArn is ${kept}, but API Gateway's account-wide CloudWatch role there is ${current ?? 'not set'}: set it to that role first, or correct the config`,
          ];
    }
    if (!current || roleName(current) === naming.role('api-cloudwatch', region)) return [];
    return [
      `${region}: API Gateway's account-wide CloudWatch role is ${current}, set outside dr; deploying would replace it for every REST API in ${region}. To keep it, set apiGateway.accountCloudWatchRoleArn to it in the config (it must be allowed to write the order API's log groups)`,
    ];
  });
}
