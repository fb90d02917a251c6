/**
 * Route 53 TestDNSAnswer in the emulator (moto has no route for it): the answer Route
 * 53's authoritative servers give, from the zone's record sets and the health checks'
 * statuses as forced through the control endpoint.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ChangeResourceRecordSetsCommand,
  CreateHealthCheckCommand,
  CreateHostedZoneCommand,
  Route53Client,
  TestDNSAnswerCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import { setHealthCheckStatus, setOutage } from '../../src/sandbox/emulator.js';
import { testClient, useEmulator } from './client.js';

const endpoint = useEmulator();
const RECORD = 'api.trading.example.com';
const PRIMARY_TARGET = 'abc123.execute-api.us-east-1.amazonaws.com';
const SECONDARY_TARGET = 'def456.execute-api.us-east-2.amazonaws.com';

async function givenZone() {
  // A us-east-2 client, as the drill's from the surviving region would be.
  const route53 = testClient(Route53Client, 'us-east-2');
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: 'trading.example.com', CallerReference: 'trading-zone' }),
  );
  return { route53, zoneId: zone.HostedZone!.Id! };
}

async function healthCheck(route53: Route53Client, region: string, options: { inverted?: boolean } = {}) {
  const out = await route53.send(
    new CreateHealthCheckCommand({
      CallerReference: `health-${region}`,
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: `api-${region}.trading.example.com`,
        ResourcePath: '/health',
        Port: 443,
        ...(options.inverted ? { Inverted: true } : {}),
      },
    }),
  );
  return out.HealthCheck!.Id!;
}

async function upsert(route53: Route53Client, zoneId: string, records: ResourceRecordSet[]) {
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: { Changes: records.map((ResourceRecordSet) => ({ Action: 'UPSERT', ResourceRecordSet })) },
    }),
  );
}

/** A failover CNAME pair, as the sandbox seeds it: each with its region's health check. */
async function givenFailoverPair(options: { primaryInverted?: boolean } = {}) {
  const { route53, zoneId } = await givenZone();
  const primaryCheck = await healthCheck(route53, 'us-east-1', { inverted: options.primaryInverted });
  const secondaryCheck = await healthCheck(route53, 'us-east-2');
  const record = (failover: 'PRIMARY' | 'SECONDARY', target: string, check: string): ResourceRecordSet => ({
    Name: RECORD,
    Type: 'CNAME',
    TTL: 60,
    SetIdentifier: failover.toLowerCase(),
    Failover: failover,
    HealthCheckId: check,
    ResourceRecords: [{ Value: target }],
  });
  await upsert(route53, zoneId, [
    record('PRIMARY', PRIMARY_TARGET, primaryCheck),
    record('SECONDARY', SECONDARY_TARGET, secondaryCheck),
  ]);
  return { route53, zoneId, primaryCheck, secondaryCheck };
}

async function ask(
  route53: Route53Client,
  zoneId: string,
  name: string,
  type: 'A' | 'AAAA' | 'CNAME' = 'CNAME',
) {
  return route53.send(new TestDNSAnswerCommand({ HostedZoneId: zoneId, RecordName: name, RecordType: type }));
}

describe('emulator: Route 53 TestDNSAnswer', () => {
  it('a failover pair answers the primary while its health check is healthy, the secondary once it fails, and back', async () => {
    // Given a failover pair with both health checks healthy
    const { route53, zoneId, primaryCheck } = await givenFailoverPair();

    // When the name is asked, then the primary's health check fails, then recovers
    const healthy = await ask(route53, zoneId, RECORD);
    await setHealthCheckStatus(endpoint, primaryCheck, 'Failure');
    const failing = await ask(route53, zoneId, RECORD);
    await setHealthCheckStatus(endpoint, primaryCheck, 'Success');
    const recovered = await ask(route53, zoneId, RECORD);

    // Then the answer follows the primary's health, in the response shape of Route 53
    assert.deepEqual(healthy.RecordData, [PRIMARY_TARGET]);
    assert.deepEqual(failing.RecordData, [SECONDARY_TARGET]);
    assert.deepEqual(recovered.RecordData, [PRIMARY_TARGET]);
    assert.equal(healthy.ResponseCode, 'NOERROR');
    assert.equal(healthy.RecordName, RECORD);
    assert.equal(healthy.RecordType, 'CNAME');
    assert.equal(healthy.Protocol, 'UDP');
    assert.match(healthy.Nameserver ?? '', /\./);
  });

  it('answers the primary when both health checks fail (Route 53 then treats all as healthy)', async () => {
    const { route53, zoneId, primaryCheck, secondaryCheck } = await givenFailoverPair();
    await setHealthCheckStatus(endpoint, primaryCheck, 'Failure');
    await setHealthCheckStatus(endpoint, secondaryCheck, 'Failure');
    assert.deepEqual((await ask(route53, zoneId, RECORD)).RecordData, [PRIMARY_TARGET]);
  });

  it('honours an inverted health check', async () => {
    // Given a primary whose health check is inverted: healthy when the check fails
    const { route53, zoneId, primaryCheck } = await givenFailoverPair({ primaryInverted: true });

    // When the check succeeds, then fails
    const succeeding = await ask(route53, zoneId, RECORD);
    await setHealthCheckStatus(endpoint, primaryCheck, 'Failure');
    const failing = await ask(route53, zoneId, RECORD);

    // Then the answers are the other way round
    assert.deepEqual(succeeding.RecordData, [SECONDARY_TARGET]);
    assert.deepEqual(failing.RecordData, [PRIMARY_TARGET]);
  });

  it('matches names case-insensitively, with or without the trailing dot; a CNAME answers an A query', async () => {
    const { route53, zoneId } = await givenFailoverPair();
    const dotted = await ask(route53, zoneId, 'API.Trading.Example.COM.');
    const asA = await ask(route53, zoneId, RECORD, 'A');
    assert.deepEqual(dotted.RecordData, [PRIMARY_TARGET]);
    assert.equal(dotted.RecordName, 'API.Trading.Example.COM.');
    assert.deepEqual(asA.RecordData, [PRIMARY_TARGET]);
  });

  it('a simple record answers its values', async () => {
    // Given a plain A record with two values
    const { route53, zoneId } = await givenZone();
    await upsert(route53, zoneId, [
      {
        Name: 'www.trading.example.com',
        Type: 'A',
        TTL: 300,
        ResourceRecords: [{ Value: '192.0.2.10' }, { Value: '192.0.2.11' }],
      },
    ]);

    // When it is asked, then both values come back
    const out = await ask(route53, zoneId, 'www.trading.example.com', 'A');
    assert.equal(out.ResponseCode, 'NOERROR');
    assert.deepEqual(out.RecordData, ['192.0.2.10', '192.0.2.11']);

    // And a type the name does not have is NOERROR with no data
    const aaaa = await ask(route53, zoneId, 'www.trading.example.com', 'AAAA');
    assert.equal(aaaa.ResponseCode, 'NOERROR');
    assert.deepEqual(aaaa.RecordData ?? [], []);
  });

  it('a name without any record is NXDOMAIN', async () => {
    const { route53, zoneId } = await givenFailoverPair();
    const out = await ask(route53, zoneId, 'nothing-here.trading.example.com', 'A');
    assert.equal(out.ResponseCode, 'NXDOMAIN');
    assert.deepEqual(out.RecordData ?? [], []);
  });

  it('an unknown hosted zone is NoSuchHostedZone', async () => {
    const route53 = testClient(Route53Client, 'us-east-1');
    await assert.rejects(ask(route53, 'ZNOSUCHZONE', RECORD), { name: 'NoSuchHostedZone' });
  });

  it("is cut with us-east-1, where Route 53's control plane lives", async () => {
    const { route53, zoneId } = await givenFailoverPair();
    await setOutage(endpoint, 'us-east-1', 'refuse');
    await assert.rejects(
      ask(route53, zoneId, RECORD),
      (error: { $metadata?: { httpStatusCode?: number } }) => {
        assert.equal(error.$metadata?.httpStatusCode, undefined);
        return true;
      },
    );
  });
});
