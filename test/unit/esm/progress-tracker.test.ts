import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../../../src/local/esm/progress-tracker.js';

describe('ProgressTracker', () => {
  it('moves the checkpoint only over a contiguous handled prefix, whatever the completion order', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 300 })
          .chain((n) => fc.tuple(fc.constant(n), fc.shuffledSubarray([...Array(n).keys()], { minLength: n }))),
        ([n, order]) => {
          // Arrange
          const tracker = new ProgressTracker('0');
          const indexes = Array.from({ length: n }, (_, i) => tracker.add(String(i + 1)));
          const done = new Set<number>();

          // Act / Assert
          for (const i of order) {
            tracker.markDone(indexes[i]!);
            done.add(i);
            let prefix = 0;
            while (done.has(prefix)) prefix++;
            expect(tracker.checkpoint()).toBe(String(prefix));
          }
          expect(tracker.pending).toBe(0);
        },
      ),
    );
  });
});
