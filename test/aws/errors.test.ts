import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isUnreachable, toRegionError } from '../../src/aws/errors.js';
import { RegionUnreachableError } from '../../src/contract/errors.js';

const sdkError = (name: string, status?: number) =>
  Object.assign(new Error('whatever the text says'), { name, $metadata: { httpStatusCode: status } });

describe('isUnreachable', () => {
  it('recognises transport failures by code and name, not message', () => {
    // Given errors as the HTTP handler raises them / Then each counts as unreachable
    assert.equal(isUnreachable(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isUnreachable(Object.assign(new Error('x'), { name: 'TimeoutError' })), true);
    assert.equal(
      isUnreachable(new Error('x', { cause: Object.assign(new Error(), { code: 'ENOTFOUND' }) })),
      true,
    );
    assert.equal(isUnreachable(sdkError('Unknown', 503)), true);
  });

  it('leaves service answers alone, whatever their text', () => {
    // Given errors the service itself answered with / Then none is unreachable
    assert.equal(isUnreachable(sdkError('ParameterNotFound', 400)), false);
    assert.equal(isUnreachable(sdkError('ThrottlingException', 400)), false);
    assert.equal(isUnreachable(sdkError('InternalFailure', 500)), false);
    assert.equal(isUnreachable(new Error('connect ECONNREFUSED 127.0.0.1:1')), false);
  });

  it('wraps only unreachable errors, naming region, service and call', () => {
    // Given a refused connection and a service error
    const refused = Object.assign(new Error('x'), { code: 'ECONNREFUSED' });
    const wrapped = toRegionError(refused, 'us-east-1', 'rds', 'describeGlobalClusters');
    // Then the first becomes RegionUnreachableError with a cause, the second is unchanged
    assert.ok(wrapped instanceof RegionUnreachableError);
    assert.equal(wrapped.region, 'us-east-1');
    assert.equal(wrapped.cause, refused);
    assert.match(wrapped.message, /rds describeGlobalClusters/);
    const notFound = sdkError('DBClusterNotFoundFault', 404);
    assert.equal(toRegionError(notFound, 'us-east-1', 'rds', 'describeDBClusters'), notFound);
  });
});
