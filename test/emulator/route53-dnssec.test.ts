/**
 * Route 53 DNSSEC signing and query logging in the emulator: moto has no route for the
 * key-signing-key and enable/disable-DNSSEC calls, and found a query log's log group only
 * by an ARN ending in ":*".
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateHostedZoneCommand,
  CreateKeySigningKeyCommand,
  CreateQueryLoggingConfigCommand,
  DeactivateKeySigningKeyCommand,
  DeleteKeySigningKeyCommand,
  DisableHostedZoneDNSSECCommand,
  EnableHostedZoneDNSSECCommand,
  GetDNSSECCommand,
  GetQueryLoggingConfigCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { signedFetch, testClient, useEmulator } from './client.js';

useEmulator();
const ZONE = 'trading.example.com';

async function givenZoneAndKey(keySpec: 'ECC_NIST_P256' | 'RSA_2048' = 'ECC_NIST_P256') {
  const route53 = testClient(Route53Client, 'us-east-1');
  const kms = testClient(KMSClient, 'us-east-1');
  const zone = await route53.send(new CreateHostedZoneCommand({ Name: ZONE, CallerReference: 'zone' }));
  const key = await kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY' }));
  return { route53, kms, zoneId: zone.HostedZone!.Id!.split('/').pop()!, keyArn: key.KeyMetadata!.Arn! };
}

function createKsk(route53: Route53Client, zoneId: string, keyArn: string) {
  return route53.send(
    new CreateKeySigningKeyCommand({
      CallerReference: `ksk-${keyArn}`,
      HostedZoneId: zoneId,
      KeyManagementServiceArn: keyArn,
      Name: 'dr_ksk',
      Status: 'ACTIVE',
    }),
  );
}

/** RFC 4034 appendix B. */
function keyTag(rdata: Buffer): number {
  let total = 0;
  for (let i = 0; i < rdata.length; i++) total += i & 1 ? rdata[i]! : rdata[i]! << 8;
  total += (total >> 16) & 0xffff;
  return total & 0xffff;
}

function wireName(name: string): Buffer {
  const labels = name.toLowerCase().split('.').filter(Boolean);
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)])),
    Buffer.from([0]),
  ]);
}

describe('emulator: Route 53 DNSSEC', () => {
  it("CreateKeySigningKey answers the DNSKEY and DS records of the KMS key's public key", async () => {
    // Given a zone and an ECC_NIST_P256 signing key
    const { route53, kms, zoneId, keyArn } = await givenZoneAndKey();

    // When a key-signing key is made from it
    const ksk = (await createKsk(route53, zoneId, keyArn)).KeySigningKey!;

    // Then its DNSKEY holds the key's P-256 point, and its DS digests that DNSKEY
    const der = Buffer.from((await kms.send(new GetPublicKeyCommand({ KeyId: keyArn }))).PublicKey!);
    const point = der.subarray(der.length - 64);
    const rdata = Buffer.concat([Buffer.from([1, 1, 3, 13]), point]);
    const digest = createHash('sha256')
      .update(Buffer.concat([wireName(ZONE), rdata]))
      .digest('hex')
      .toUpperCase();
    assert.equal(ksk.PublicKey, point.toString('base64'));
    assert.equal(ksk.DNSKEYRecord, `257 3 13 ${point.toString('base64')}`);
    assert.equal(ksk.KeyTag, keyTag(rdata));
    assert.equal(ksk.DSRecord, `${keyTag(rdata)} 13 2 ${digest}`);
    assert.deepEqual(
      [ksk.Flag, ksk.SigningAlgorithmType, ksk.DigestAlgorithmType, ksk.Status],
      [257, 13, 2, 'ACTIVE'],
    );
  });

  it('CreateKeySigningKey refuses a KMS key that is not ECC_NIST_P256 / SIGN_VERIFY', async () => {
    // Given an RSA signing key
    const { route53, zoneId, keyArn } = await givenZoneAndKey('RSA_2048');

    // When a key-signing key is made from it, then Route 53 refuses the key
    await assert.rejects(createKsk(route53, zoneId, keyArn), { name: 'InvalidKMSArn' });
  });

  it('signs the zone with an active key; its last active key is in use until signing stops', async () => {
    // Given a zone with an active key-signing key
    const { route53, zoneId, keyArn } = await givenZoneAndKey();
    await createKsk(route53, zoneId, keyArn);

    // When DNSSEC signing is enabled
    await route53.send(new EnableHostedZoneDNSSECCommand({ HostedZoneId: zoneId }));
    const signing = await route53.send(new GetDNSSECCommand({ HostedZoneId: zoneId }));

    // Then the zone signs, and its only active key can neither be deactivated nor deleted
    assert.equal(signing.Status?.ServeSignature, 'SIGNING');
    assert.deepEqual(
      signing.KeySigningKeys?.map((k) => [k.Name, k.Status]),
      [['dr_ksk', 'ACTIVE']],
    );
    const key = { HostedZoneId: zoneId, Name: 'dr_ksk' };
    await assert.rejects(route53.send(new DeactivateKeySigningKeyCommand(key)), {
      name: 'KeySigningKeyInUse',
    });
    await assert.rejects(route53.send(new DeleteKeySigningKeyCommand(key)), {
      name: 'InvalidKeySigningKeyStatus',
    });

    // And once signing is disabled, the key is deactivated and deleted
    await route53.send(new DisableHostedZoneDNSSECCommand({ HostedZoneId: zoneId }));
    await route53.send(new DeactivateKeySigningKeyCommand(key));
    await route53.send(new DeleteKeySigningKeyCommand(key));
    const after = await route53.send(new GetDNSSECCommand({ HostedZoneId: zoneId }));
    assert.equal(after.Status?.ServeSignature, 'NOT_SIGNING');
    assert.deepEqual(after.KeySigningKeys, []);
  });

  it('EnableHostedZoneDNSSEC needs an active key-signing key', async () => {
    // Given a zone without key-signing keys
    const { route53, zoneId } = await givenZoneAndKey();

    // When signing is enabled, then Route 53 refuses
    await assert.rejects(route53.send(new EnableHostedZoneDNSSECCommand({ HostedZoneId: zoneId })), {
      name: 'KeySigningKeyWithActiveStatusNotFound',
    });
  });
});

describe('emulator: Route 53 query logging', () => {
  it("CreateQueryLoggingConfig accepts the log group's ARN without ':*', and keeps it as given", async () => {
    // Given a zone and its query log group
    const { route53, zoneId } = await givenZoneAndKey();
    const created = await signedFetch('logs', 'us-east-1', {
      method: 'POST',
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Logs_20140328.CreateLogGroup',
      },
      body: JSON.stringify({ logGroupName: `/aws/route53/${ZONE}` }),
    });
    assert.equal(created.status, 200, created.text);
    const arn = `arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/${ZONE}`;

    // When query logging is configured with the ARN as aws_cloudwatch_log_group exports it
    const config = await route53.send(
      new CreateQueryLoggingConfigCommand({ HostedZoneId: zoneId, CloudWatchLogsLogGroupArn: arn }),
    );

    // Then the config exists and reads back that ARN
    const read = await route53.send(new GetQueryLoggingConfigCommand({ Id: config.QueryLoggingConfig!.Id! }));
    assert.equal(read.QueryLoggingConfig?.CloudWatchLogsLogGroupArn, arn);
  });
});
