import { DrCommand, type Finished } from '../cli/base-command.js';
import type { VerifySyncResult } from '../core/verify-sync.js';

export default class VerifySync extends DrCommand<VerifySyncResult> {
  static override summary = 'Prove that both regions are in sync: the deploy gate.';
  static override description = `Runs every sync check against both regions, each a named result with what was observed and its limit: Aurora replication lag and members, DynamoDB replicas, PITR and a canary item, S3 replication rules, pending operations and a canary object, Lambda code hashes, SSM parameters (except the region-specific ones), alarm definitions, and the split-brain guard (only the active region's event source mapping enabled). Canary data is cleaned up. The hourly readiness check runs the same checks.

Exit 0 when every check passes, 3 when any fails (--json still carries every result, with "ok": false), 5 when a region does not answer.`;
  static override examples = [
    '<%= config.bin %> verify-sync',
    "<%= config.bin %> verify-sync --json | jq '.checks[] | select(.ok | not)'",
    '<%= config.bin %> verify-sync --sandbox',
  ];

  protected async execute(): Promise<Finished<VerifySyncResult>> {
    const { flags } = await this.parse(VerifySync);
    const config = await this.loadDrConfig(flags.config);
    const reporter = await this.reporter();
    const clients = await this.operatorClients(flags, config);
    try {
      const { verifySync, concludeVerifySync } = await import('../core/verify-sync.js');
      const result = await verifySync({ clients, config, reporter });
      if (!this.jsonEnabled()) {
        const { renderVerifySync } = await import('../cli/render/verify-sync.js');
        this.log(renderVerifySync(result));
      }
      // Every result is printed (table or JSON); the outcome carries the verdict.
      return concludeVerifySync(result);
    } finally {
      clients.destroy();
    }
  }
}
