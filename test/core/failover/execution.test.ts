/**
 * Following an execution is read-only, and the execution runs on server-side: a poll of
 * its history that times out once (a slow emulator, a dropped packet) must not turn a
 * failover that succeeds into exit 5. The SfnApi here is a stand-in: the emulator cannot
 * drop one chosen poll on demand; the history it answers is what Step Functions returns
 * for a finished execution.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GetExecutionHistoryCommandOutput, HistoryEvent } from '@aws-sdk/client-sfn';
import type { SfnApi } from '../../../src/aws/clients.js';
import { RegionUnreachableError } from '../../../src/contract/errors.js';
import { followExecution } from '../../../src/core/failover/execution.js';
import { silentReporter } from '../../../src/core/reporter.js';

const t0 = new Date('2026-12-03T12:00:00Z').getTime();
const at = (ms: number) => new Date(t0 + ms);
const finished: HistoryEvent[] = [
  { id: 1, type: 'ExecutionStarted', timestamp: at(0) },
  {
    id: 2,
    type: 'PassStateEntered',
    timestamp: at(1),
    stateEnteredEventDetails: { name: 'verify/Evaluate' },
  },
  { id: 3, type: 'ExecutionSucceeded', timestamp: at(5) },
];

/** Fails the first `failures` history polls as a timed-out region would, then answers. */
function flakySfn(failures: number): SfnApi & { polls: number } {
  const api = {
    polls: 0,
    async getExecutionHistory(): Promise<GetExecutionHistoryCommandOutput> {
      api.polls += 1;
      if (api.polls <= failures) {
        throw new RegionUnreachableError(
          'us-east-2 did not answer (sfn getExecutionHistory: TimeoutError)',
          'us-east-2',
        );
      }
      return { events: finished, $metadata: {} };
    },
  };
  return api as unknown as SfnApi & { polls: number };
}

const follow = (sfn: SfnApi) =>
  followExecution({ sfn, executionArn: 'arn:x', region: 'us-east-2', reporter: silentReporter, pollMs: 1 });

describe('followExecution through polls that fail', () => {
  it('rides out a few timed-out polls and reports the execution as it ended', async () => {
    const sfn = flakySfn(4);
    const outcome = await follow(sfn);
    assert.equal(outcome.status, 'SUCCEEDED');
    assert.equal(sfn.polls, 5);
  });

  it('gives up with the region error once the region stays silent (5 polls in a row)', async () => {
    await assert.rejects(follow(flakySfn(5)), RegionUnreachableError);
  });
});
