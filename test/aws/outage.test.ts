/**
 * The client factory against the emulator's region outage switch: a region that is
 * down (refused or held) is a RegionUnreachableError within the timeout bound, and the
 * other region still answers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegionUnreachableError } from '../../src/contract/errors.js';
import { setOutage } from '../../src/sandbox/emulator.js';
import { useEmulator } from '../emulator/client.js';
import { useEmulatorClients } from '../emulator/use-clients.js';

const endpoint = useEmulator();
const clients = useEmulatorClients(endpoint, 500, 2);

for (const mode of ['refuse', 'hang'] as const) {
  describe(`a region down (${mode})`, () => {
    it('fails as unreachable within timeout × attempts while the other region answers', async () => {
      // Given us-east-1 down
      await setOutage(endpoint, 'us-east-1', mode);
      // When both regions are asked at once
      const started = Date.now();
      const [east1, east2] = await Promise.allSettled([
        clients.sqs('us-east-1').createQueue({ QueueName: 'probe' }),
        clients.sqs('us-east-2').createQueue({ QueueName: 'probe' }),
      ]);
      const elapsed = Date.now() - started;
      // Then us-east-1 is unreachable, us-east-2 answered, and it took seconds at most
      assert.equal(east1.status, 'rejected');
      assert.ok(east1.reason instanceof RegionUnreachableError, String(east1.reason));
      assert.equal(east1.reason.region, 'us-east-1');
      assert.equal(east2.status, 'fulfilled');
      assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    });
  });
}
