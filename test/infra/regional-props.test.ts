/**
 * The regional constructs refuse bad props with a message naming the construct, the
 * prop, what was given and what is allowed; the placeholder state-machine definitions
 * are valid ASL; cidrSubnet matches Terraform's cidrsubnet.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Testing } from 'cdktf';
import { createRequire } from 'node:module';
import { cidrSubnet, RegionalNetwork } from '../../src/infra/constructs/regional/network.js';
import { SecureBucket } from '../../src/infra/constructs/regional/secure-bucket.js';
import { OrderQueue } from '../../src/infra/constructs/regional/order-queue.js';
import { QueueTrigger } from '../../src/infra/constructs/regional/queue-trigger.js';
import { policyDocument } from '../../src/infra/constructs/regional/policy.js';
import {
  placeholderDefinition,
  renderDefinition,
} from '../../src/infra/constructs/regional/state-machine-definition.js';

// asl-validator ships no type declarations.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const networkProps = {
  region: 'us-east-1',
  vpcName: 'x-vpc',
  cidrBlock: '10.10.0.0/16',
  peerCidrBlock: '10.20.0.0/16',
  securityGroupNames: { lambda: 'l', db: 'd', endpoints: 'e' },
  dbSubnetGroupName: 'db',
  flowLogGroupName: '/flow',
  flowLogRoleName: 'flow',
  kmsKeyArn: 'arn:aws:kms:us-east-1:111122223333:key/k',
  accountId: '111122223333',
};

describe('regional constructs: bad props throw with a clear message', () => {
  it('names the construct, the prop, the given value and what is allowed', () => {
    // Given a fresh scope for each construct
    const scope = () => Testing.app().node.root as never;
    // When props break a rule, Then construction throws saying which and why
    assert.throws(
      () => new RegionalNetwork(scope(), 'n', { ...networkProps, availabilityZones: ['us-east-1a'] }),
      /RegionalNetwork: availabilityZones must be at least two distinct AZs of us-east-1, got \["us-east-1a"\]/,
    );
    assert.throws(
      () => new RegionalNetwork(scope(), 'n', { ...networkProps, cidrBlock: '10.10.0.0/8' }),
      /RegionalNetwork: cidrBlock must be an IPv4 CIDR block from \/16 to \/24/,
    );
    assert.throws(
      () =>
        new SecureBucket(scope(), 'b', {
          bucketName: 'audit',
          kmsKeyArn: 'k',
          lifecycle: { minimumRetentionDays: 365, expireAfterDays: 30 },
        }),
      /SecureBucket: lifecycle.expireAfterDays must be at least minimumRetentionDays \(365\), got 30/,
    );
    assert.throws(
      () => new SecureBucket(scope(), 'b', { bucketName: 'Not_A_Bucket', kmsKeyArn: 'k' }),
      /SecureBucket: bucketName must be a DNS-compatible S3 bucket name/,
    );
    assert.throws(
      () =>
        new OrderQueue(scope(), 'q', { queueName: 'q', dlqName: 'd', kmsKeyArn: 'k', maxReceiveCount: 0 }),
      /OrderQueue: maxReceiveCount must be an integer from 1 to 1000, got 0/,
    );
    assert.throws(
      () =>
        new QueueTrigger(scope(), 't', {
          queueArn: 'a',
          functionName: 'f',
          enabled: true,
          batchSize: 100,
          batchingWindowSeconds: 0,
        }),
      /QueueTrigger: batchingWindowSeconds must be an integer from 1 to 300, got 0/,
    );
    assert.throws(
      () => policyDocument([{ actions: ['sqs:*'], resources: ['arn:aws:sqs:us-east-1:1:q'] }], 'test policy'),
      /test policy: statement \(no sid\) allows sqs:\*, a whole service/,
    );
  });
});

describe('regional constructs: helpers', () => {
  it('computes subnets like Terraform cidrsubnet', () => {
    assert.equal(cidrSubnet('10.10.0.0/16', 4, 0), '10.10.0.0/20');
    assert.equal(cidrSubnet('10.10.0.0/16', 4, 1), '10.10.16.0/20');
    assert.equal(cidrSubnet('192.168.4.0/24', 4, 15), '192.168.4.240/28');
  });

  it('renders placeholder definitions that are valid ASL and say PLACEHOLDER', () => {
    for (const kind of ['failover', 'failback'] as const) {
      // Given the placeholder of each kind
      const json = renderDefinition(
        placeholderDefinition({
          kind,
          region: 'us-east-2',
          role: 'secondary',
          primaryRegion: 'us-east-1',
          secondaryRegion: 'us-east-2',
          parametersKeyId: 'arn:aws:kms:us-east-2:123456789012:key/test',
        }),
      );
      // Then it validates as ASL and is clearly marked
      const { isValid, errors } = aslValidator(JSON.parse(json));
      assert.ok(isValid, JSON.stringify(errors));
      assert.match(json, /PLACEHOLDER/);
    }
  });
});
