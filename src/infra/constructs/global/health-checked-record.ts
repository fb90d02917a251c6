/**
 * One side of the order API's failover pair: an HTTPS Route 53 health check on the
 * region's own name, and the PRIMARY or SECONDARY failover record for the shared
 * name, guarded by that check.
 *
 * Why CNAME and not alias: Route 53 ignores `ttl` on alias records (resolvers get
 * the target's TTL), so `dns.ttlSeconds` could not bound how long clients keep a
 * dead region. A CNAME failover record carries our TTL, and the shared name is not
 * the zone apex, so a CNAME is allowed. It points at the region's API Gateway
 * regional domain name for the shared name (the custom domain that holds the
 * certificate for it), so TLS and the base path mapping work unchanged.
 */
import { Token } from '../../cdktf.js';
import { Construct } from 'constructs';
import type * as Route53HealthCheckModule from '@cdktf/provider-aws/lib/route53-health-check/index.js';
import type * as Route53RecordModule from '@cdktf/provider-aws/lib/route53-record/index.js';
import { requireCjs } from '../../cjs.js';

const { Route53HealthCheck } = requireCjs(
  '@cdktf/provider-aws/lib/route53-health-check/index.js',
) as typeof Route53HealthCheckModule;
type Route53HealthCheck = Route53HealthCheckModule.Route53HealthCheck;
const { Route53Record } = requireCjs(
  '@cdktf/provider-aws/lib/route53-record/index.js',
) as typeof Route53RecordModule;
type Route53Record = Route53RecordModule.Route53Record;

export type FailoverRole = 'PRIMARY' | 'SECONDARY';

export interface HealthCheckedRecordProps {
  readonly zoneId: string;
  /** The shared name, e.g. `api.trading.example.com`. */
  readonly recordName: string;
  readonly failover: FailoverRole;
  /** The host name the CNAME points at (the region's API Gateway regional domain name). */
  readonly target: string;
  /** The host name the health check probes (the region's own name). */
  readonly probeFqdn: string;
  /**
   * Path the checkers request.
   * @default - `/health`
   */
  readonly path?: string;
  /**
   * Seconds between checks: 10 (fast) or 30.
   * @default - 10
   */
  readonly intervalSeconds?: number;
  /**
   * Consecutive failures before the endpoint counts as unhealthy, 1–10.
   * @default - 3
   */
  readonly failureThreshold?: number;
  /**
   * TTL of the failover record, seconds.
   * @default - 60
   */
  readonly ttlSeconds?: number;
  /**
   * Route 53 checker regions (at least three).
   * @default - every checker region Route 53 offers
   */
  readonly checkerRegions?: readonly string[];
}

function validate(props: HealthCheckedRecordProps): void {
  const where = `HealthCheckedRecord ${props.failover}`;
  if (props.failover !== 'PRIMARY' && props.failover !== 'SECONDARY') {
    throw new Error(
      `HealthCheckedRecord: failover must be PRIMARY or SECONDARY, got "${String(props.failover)}"`,
    );
  }
  const interval = props.intervalSeconds;
  if (interval !== undefined && interval !== 10 && interval !== 30) {
    throw new Error(`${where}: intervalSeconds must be 10 or 30 (what Route 53 supports), got ${interval}`);
  }
  const threshold = props.failureThreshold;
  if (threshold !== undefined && (!Number.isInteger(threshold) || threshold < 1 || threshold > 10)) {
    throw new Error(`${where}: failureThreshold must be an integer from 1 to 10, got ${threshold}`);
  }
  const ttl = props.ttlSeconds;
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 1 || ttl > 300)) {
    throw new Error(`${where}: ttlSeconds must be an integer from 1 to 300 on a failover record, got ${ttl}`);
  }
  if (props.path !== undefined && !props.path.startsWith('/')) {
    throw new Error(`${where}: path must start with /, got "${props.path}"`);
  }
  if (props.checkerRegions !== undefined && props.checkerRegions.length < 3) {
    throw new Error(
      `${where}: checkerRegions needs at least 3 regions (Route 53's minimum), got ${props.checkerRegions.length}`,
    );
  }
  if (!Token.isUnresolved(props.recordName) && props.recordName === props.probeFqdn) {
    throw new Error(
      `${where}: probeFqdn must be the region's own name, not the shared name ${props.recordName}`,
    );
  }
}

export class HealthCheckedRecord extends Construct {
  public readonly healthCheck: Route53HealthCheck;
  public readonly record: Route53Record;

  constructor(scope: Construct, id: string, props: HealthCheckedRecordProps) {
    super(scope, id);
    validate(props);

    this.healthCheck = new Route53HealthCheck(this, 'health-check', {
      type: 'HTTPS',
      fqdn: props.probeFqdn,
      port: 443,
      enableSni: true,
      resourcePath: props.path ?? '/health',
      requestInterval: props.intervalSeconds ?? 10,
      failureThreshold: props.failureThreshold ?? 3,
      measureLatency: true,
      ...(props.checkerRegions ? { regions: [...props.checkerRegions] } : {}),
    });

    this.record = new Route53Record(this, 'record', {
      zoneId: props.zoneId,
      name: props.recordName,
      type: 'CNAME',
      ttl: props.ttlSeconds ?? 60,
      records: [props.target],
      setIdentifier: props.failover.toLowerCase(),
      failoverRoutingPolicy: { type: props.failover },
      healthCheckId: this.healthCheck.id,
    });
  }
}
