/**
 * EC2 security group rules in the emulator: DescribeSecurityGroupRules answers the
 * description of a rule that references a security group or a prefix list (moto 5.2.5
 * kept it for CIDR rules only). The project has no EC2 client package, so EC2's query
 * API is called signed, as an SDK would.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signedFetch, useEmulator } from './client.js';

useEmulator();
const REGION = 'us-east-1';

async function ec2(action: string, params: Record<string, string>): Promise<string> {
  const body = new URLSearchParams({ Action: action, Version: '2016-11-15', ...params }).toString();
  const out = await signedFetch('ec2', REGION, {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  assert.equal(out.status, 200, `${action}: ${out.text}`);
  return out.text;
}

const tag = (xml: string, name: string) => xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];

async function givenGroup(name: string): Promise<string> {
  return tag(await ec2('CreateSecurityGroup', { GroupName: name, GroupDescription: name }), 'groupId')!;
}

async function ruleDescriptions(groupId: string): Promise<string[]> {
  const xml = await ec2('DescribeSecurityGroupRules', {
    'Filter.1.Name': 'group-id',
    'Filter.1.Value.1': groupId,
  });
  return [...xml.matchAll(/<description>([^<]*)<\/description>/g)].map((m) => m[1]!).sort();
}

describe('emulator: EC2 security group rules', () => {
  it('DescribeSecurityGroupRules answers the description of group and prefix-list rules', async () => {
    // Given a database group and a Lambda group
    const db = await givenGroup('trading-db');
    const lambda = await givenGroup('trading-lambda');

    // When the database admits the Lambdas and the Lambdas may reach a prefix list, each described
    await ec2('AuthorizeSecurityGroupIngress', {
      GroupId: db,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '5432',
      'IpPermissions.1.ToPort': '5432',
      'IpPermissions.1.Groups.1.GroupId': lambda,
      'IpPermissions.1.Groups.1.Description': 'PostgreSQL from the platform Lambdas',
    });
    await ec2('AuthorizeSecurityGroupEgress', {
      GroupId: lambda,
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '443',
      'IpPermissions.1.ToPort': '443',
      'IpPermissions.1.PrefixListIds.1.PrefixListId': 'pl-63a5400a',
      'IpPermissions.1.PrefixListIds.1.Description': 'HTTPS to S3 through the gateway endpoint',
    });

    // Then the rules read back with their descriptions
    assert.deepEqual(await ruleDescriptions(db), ['PostgreSQL from the platform Lambdas']);
    assert.ok((await ruleDescriptions(lambda)).includes('HTTPS to S3 through the gateway endpoint'));
  });
});
