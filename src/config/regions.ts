/**
 * The AWS regions a config may name, by partition: the `regions` of the AWS SDK's
 * endpoint partition data (`@aws-sdk/core` 3.981, util-endpoints `partitions`) for the
 * partitions this platform can run in. A region not listed here is refused with the
 * list's partition: add a new region here when AWS opens it (and the SDK knows it).
 */
export const AWS_PARTITIONS: Readonly<Record<string, readonly string[]>> = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'sa-west-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
};

/** The partition a region belongs to, or undefined when AWS has no such region. */
export function partitionOf(region: string): string | undefined {
  return Object.keys(AWS_PARTITIONS).find((p) => AWS_PARTITIONS[p]?.includes(region));
}
