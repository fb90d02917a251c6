/**
 * ACM DNS validation in the emulator: a requested certificate is issued as soon as the
 * validation CNAME of every domain is in a public Route 53 hosted zone (moto alone
 * waited 60 s whatever DNS held). The project has no ACM client package, so ACM is
 * called as the SDK would: a SigV4-signed JSON POST with its X-Amz-Target.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { SignatureV4 } from '@smithy/signature-v4';
import { NodeSha256 } from '../../src/core/drill/aws/signed-intake.js';
import { TEST_CREDENTIALS, testClient, useEmulator } from './client.js';

const endpoint = useEmulator();
const REGION = 'us-east-1';

async function acm<T>(action: string, input: object): Promise<T> {
  const url = new URL(endpoint);
  const body = JSON.stringify(input);
  const signer = new SignatureV4({
    service: 'acm',
    region: REGION,
    credentials: TEST_CREDENTIALS,
    sha256: NodeSha256,
  });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: '/',
    query: {},
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `CertificateManager.${action}`,
    },
    body,
  });
  const headers = Object.fromEntries(Object.entries(signed.headers).filter(([name]) => name !== 'host'));
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
  const text = await response.text();
  assert.ok(response.ok, `${action}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

interface Certificate {
  Status: string;
  DomainValidationOptions: {
    DomainName: string;
    ValidationStatus: string;
    ResourceRecord: { Name: string; Type: string; Value: string };
  }[];
}

async function describeCertificate(arn: string): Promise<Certificate> {
  return (await acm<{ Certificate: Certificate }>('DescribeCertificate', { CertificateArn: arn }))
    .Certificate;
}

async function givenCertificateAndZone() {
  const { CertificateArn: arn } = await acm<{ CertificateArn: string }>('RequestCertificate', {
    DomainName: 'api.trading.example.com',
    SubjectAlternativeNames: ['api.trading.example.com', 'api-use1.trading.example.com'],
    ValidationMethod: 'DNS',
  });
  const route53 = testClient(Route53Client, REGION);
  const zone = await route53.send(
    new CreateHostedZoneCommand({ Name: 'trading.example.com', CallerReference: `zone-${arn}` }),
  );
  return { arn, route53, zoneId: zone.HostedZone!.Id! };
}

async function publish(
  route53: Route53Client,
  zoneId: string,
  records: Certificate['DomainValidationOptions'],
) {
  await route53.send(
    new ChangeResourceRecordSetsCommand({
      HostedZoneId: zoneId,
      ChangeBatch: {
        Changes: records.map(({ ResourceRecord: r }) => ({
          Action: 'UPSERT' as const,
          ResourceRecordSet: {
            Name: r.Name,
            Type: 'CNAME' as const,
            TTL: 60,
            ResourceRecords: [{ Value: r.Value }],
          },
        })),
      },
    }),
  );
}

describe('emulator: ACM DNS validation', () => {
  it('issues the certificate once every validation CNAME is in the hosted zone', async () => {
    // Given a DNS-validated certificate for two names and the public zone they are in
    const { arn, route53, zoneId } = await givenCertificateAndZone();
    const pending = await describeCertificate(arn);
    assert.equal(pending.Status, 'PENDING_VALIDATION');

    // When the validation records ACM asked for are written to the zone
    await publish(route53, zoneId, pending.DomainValidationOptions);

    // Then the certificate is issued, every name validated
    const issued = await describeCertificate(arn);
    assert.equal(issued.Status, 'ISSUED');
    assert.deepEqual(
      issued.DomainValidationOptions.map((o) => o.ValidationStatus),
      ['SUCCESS', 'SUCCESS'],
    );
  });

  it('keeps the certificate pending while one name has no validation record', async () => {
    // Given a DNS-validated certificate for two names and the public zone they are in
    const { arn, route53, zoneId } = await givenCertificateAndZone();
    const pending = await describeCertificate(arn);

    // When only the first name's validation record is written
    await publish(route53, zoneId, pending.DomainValidationOptions.slice(0, 1));

    // Then the certificate still waits for validation
    assert.equal((await describeCertificate(arn)).Status, 'PENDING_VALIDATION');
  });
});
