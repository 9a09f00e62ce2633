import { describe, expect, it } from 'vitest';
import { ShardflowError } from '../../../src/runtime/errors.js';
import { EVENT_CASES } from './corpus.js';
import { leaksIn, linesIdentifying, objectPrototypeSnapshot, runBatch } from './harness.js';

/**
 * Event-level bad inputs. An event that is not a (single-source) stream event, or that holds a record
 * without a sequence number, must fail the whole batch with a named error — thrown before any processor
 * runs, so Lambda retries or bisects it and nothing is half-applied or dropped. An empty batch is a
 * full success.
 */
describe.each(EVENT_CASES.map((c) => [c.name, c] as const))('bad event — %s', (_title, testCase) => {
  it(`${testCase.expectedFate === 'whole-batch-failure' ? `throws ${testCase.expectedError}` : 'succeeds'} before any processor runs, logging no secret`, async () => {
    // Arrange
    const { event, culpritEventID } = testCase.build();
    const prototypeBefore = objectPrototypeSnapshot();

    // Act
    const run = await runBatch({ source: testCase.source, event });

    // Assert
    if (testCase.expectedFate === 'whole-batch-failure') {
      expect(run.thrown).toBeInstanceOf(ShardflowError);
      expect((run.thrown as Error).name).toBe(testCase.expectedError);
      expect(run.result).toBeUndefined();
    } else {
      expect(run.thrown).toBeUndefined();
      expect(run.result?.response).toEqual({ batchItemFailures: [] });
    }
    expect(run.calls).toEqual([]);
    expect(run.sink.entries).toEqual([]);
    if (culpritEventID !== undefined) {
      expect(
        linesIdentifying(run.logs, { eventID: culpritEventID, sequenceNumber: undefined, data: undefined }),
      ).not.toEqual([]);
    }
    expect(leaksIn(run.logText)).toEqual([]);
    expect(objectPrototypeSnapshot()).toEqual(prototypeBefore);
  });
});
