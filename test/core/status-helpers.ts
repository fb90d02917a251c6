/**
 * Puts the deployed sandbox into the unsafe states `dr status` names, with plain SDK
 * calls (as an operator's slip or a dead process would leave it): shared by the core and
 * CLI status tests.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  LambdaClient,
  ListEventSourceMappingsCommand,
  UpdateEventSourceMappingCommand,
} from '@aws-sdk/client-lambda';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Route53Client, ListHealthChecksCommand } from '@aws-sdk/client-route-53';
import { setHealthCheckStatus } from '../../src/sandbox/emulator.js';
import type { DrConfig } from '../../src/config/schema.js';
import { LEASE_ID } from '../../src/core/failover/plan.js';
import { Naming } from '../../src/contract/naming.js';
import { testClient } from '../emulator/client.js';

export class PlatformState {
  readonly naming: Naming;

  constructor(
    readonly endpoint: string,
    readonly config: DrConfig,
  ) {
    this.naming = new Naming(config);
  }

  /** Enables or disables every trade-processor event source mapping in `region`. */
  async setConsuming(region: string, enabled: boolean): Promise<string[]> {
    const lambda = testClient(LambdaClient, region, { endpoint: this.endpoint });
    const listed = await lambda.send(
      new ListEventSourceMappingsCommand({ FunctionName: this.naming.lambda(region, 'trade-processor') }),
    );
    const uuids = (listed.EventSourceMappings ?? []).map((m) => m.UUID ?? '');
    if (uuids.length === 0) throw new Error(`no trade-processor mapping in ${region}`);
    for (const uuid of uuids) {
      await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, Enabled: enabled }));
    }
    return uuids;
  }

  async putActiveRegion(region: string, value: string): Promise<void> {
    await testClient(SSMClient, region, { endpoint: this.endpoint }).send(
      new PutParameterCommand({ Name: this.naming.ssmActiveRegion(), Value: value, Overwrite: true }),
    );
  }

  /** When `region`'s copy of active-region was last written. */
  async activeRegionWrittenAt(region: string): Promise<Date> {
    const out = await testClient(SSMClient, region, { endpoint: this.endpoint }).send(
      new GetParameterCommand({ Name: this.naming.ssmActiveRegion() }),
    );
    if (!out.Parameter?.LastModifiedDate) throw new Error('no LastModifiedDate on active-region');
    return out.Parameter.LastModifiedDate;
  }

  /** Makes the PRIMARY record's health check fail: Route 53 then answers the secondary. */
  async failPrimaryHealthCheck(): Promise<void> {
    const primary = this.config.regions.primary;
    const route53 = testClient(Route53Client, 'us-east-1', { endpoint: this.endpoint });
    const checks = (await route53.send(new ListHealthChecksCommand({}))).HealthChecks ?? [];
    const fqdn = this.naming.regionalApiDomain(this.config.dns.domain, this.config.dns.apiSubdomain, primary);
    const check = checks.find((c) => c.HealthCheckConfig?.FullyQualifiedDomainName === fqdn);
    if (!check?.Id) throw new Error(`no health check on ${fqdn}`);
    await setHealthCheckStatus(this.endpoint, check.Id, 'Failure');
  }

  /**
   * Writes the DR lease as a failover CLI on this host left it when it died: its session
   * names a pid that no longer exists, its last heartbeat is two minutes old, and it has
   * not expired.
   */
  async putDeadLease(region: string): Promise<{ pid: number }> {
    const pid = spawnSync(process.execPath, ['-e', '0']).pid;
    await this.putLease(region, pid, 120);
    return { pid };
  }

  /** Writes the DR lease as held by this (running) process, heartbeat now. */
  async putLiveLease(region: string): Promise<void> {
    await this.putLease(region, process.pid, 0);
  }

  private async putLease(region: string, pid: number, heartbeatAgeSeconds: number): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const heartbeat = now - heartbeatAgeSeconds;
    await testClient(DynamoDBClient, region, { endpoint: this.endpoint }).send(
      new PutItemCommand({
        TableName: this.naming.leaseTable(),
        Item: {
          [Naming.leaseTableKey]: { S: LEASE_ID },
          holder: { S: 'alice@example.com' },
          operation: { S: 'failover' },
          operation_id: { S: 'failover-dead-1' },
          started_at: { S: new Date((heartbeat - 30) * 1000).toISOString() },
          [Naming.ttlAttribute]: { N: String(now + 3600) },
          session: { S: `${hostname()}:${pid}:deadbeef` },
          heartbeat_at: { N: String(heartbeat) },
          target_region: { S: this.config.regions.secondary },
          mode: { S: 'planned' },
        },
      }),
    );
  }
}
