import { DrBaseCommand, type Finished } from '../../cli/base-command.js';
import type { SandboxEnv } from '../../sandbox/env.js';

export default class SandboxEnvCommand extends DrBaseCommand<SandboxEnv> {
  static override summary = 'Print `export` lines that point the AWS CLI and SDKs at the running sandbox.';
  static override description =
    "For an administrator of the sandbox account: AWS_ENDPOINT_URL (the emulator), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_REGION and AWS_DEFAULT_REGION (the primary region). While the live runtime runs, also DR_ORDER_API_URL (the DNS-following order endpoint: POST $DR_ORDER_API_URL/orders, SigV4-signed for execute-api in either platform region) and DR_DATABASE_URL (the writer region's PostgreSQL, superuser). Reads ./.dr/sandbox.json; no sandbox running is exit 2. --json prints them as an object.";
  static override examples = [
    'eval "$(<%= config.bin %> sandbox env)"; aws rds describe-global-clusters',
    'eval "$(<%= config.bin %> sandbox env)"; curl --aws-sigv4 "aws:amz:$AWS_REGION:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY" -H "content-type: application/json" -d @order.json "$DR_ORDER_API_URL/orders"',
    '<%= config.bin %> sandbox env --json',
  ];

  protected async execute(): Promise<Finished<SandboxEnv>> {
    await this.parse(SandboxEnvCommand);
    const { sandboxEnv, exportLines } = await import('../../sandbox/env.js');
    const env = await sandboxEnv();
    if (!this.jsonEnabled()) this.log(exportLines(env));
    return { result: env };
  }
}
