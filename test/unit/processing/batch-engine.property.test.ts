import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PermanentError } from '../../../src/runtime/errors.js';
import { createHandler } from '../../../src/runtime/handler.js';
import { Fate } from '../../../src/runtime/processing/fates.js';
import { compareSequenceNumbers } from '../../../src/runtime/processing/sequence-number.js';
import { clickConfig, kinesisEvent, MemorySink, seq, silentLogger } from './engine-fixtures.js';

type Behaviour = 'ok' | 'transient' | 'permanent';

const batchArbitrary = fc.array(
  fc.record({
    key: fc.constantFrom('a', 'b', 'c', 'd'),
    behaviour: fc.constantFrom<Behaviour>('ok', 'ok', 'ok', 'transient', 'permanent'),
  }),
  { minLength: 1, maxLength: 40 },
);

describe('BatchEngine properties (fast-check)', () => {
  it('for any assignment of failures: checkpoint = lowest failed-or-skipped, no record ran after its key failed, every record has exactly one fate', async () => {
    await fc.assert(
      fc.asyncProperty(batchArbitrary, fc.integer({ min: 1, max: 8 }), async (plan, concurrency) => {
        // Arrange
        const ran: number[] = [];
        const { config } = clickConfig(
          async (payload) => {
            ran.push(payload.n);
            await Promise.resolve();
            const behaviour = plan[payload.n]!.behaviour;
            if (behaviour === 'transient') throw new Error('transient');
            if (behaviour === 'permanent') throw new PermanentError('poison');
          },
          { concurrency },
        );
        const sink = new MemorySink();
        const handler = createHandler(config, 'clicks', { logger: silentLogger, quarantine: sink, metrics: false });
        const event = kinesisEvent(plan.map((p, n) => ({ pk: p.key, data: { userId: p.key, n } })));

        // Act
        const result = await handler.run(event);

        // Assert — reference model: per key, everything after the first transient failure is skipped.
        const failedKeys = new Set<string>();
        const expected: string[] = [];
        for (const [n, p] of plan.entries()) {
          if (failedKeys.has(p.key)) expected[n] = Fate.blocked;
          else if (p.behaviour === 'transient') {
            expected[n] = Fate.failed;
            failedKeys.add(p.key);
          } else expected[n] = p.behaviour === 'permanent' ? Fate.quarantined : Fate.processed;
        }
        expect(result.outcomes.map((o) => o.fate)).toEqual(expected);

        const retry = expected.flatMap((fate, n) => (fate === Fate.failed || fate === Fate.blocked ? [seq(n)] : []));
        const lowest = retry.sort(compareSequenceNumbers)[0];
        expect(result.response.batchItemFailures).toEqual(lowest === undefined ? [] : [{ itemIdentifier: lowest }]);

        for (const n of ran) expect(expected[n]).not.toBe(Fate.blocked);
        expect(new Set(ran).size).toBe(ran.length);
        expect(sink.entries.length).toBe(expected.filter((f) => f === Fate.quarantined).length);
        const total = Object.values(result.counts).reduce((a, b) => a + b, 0);
        expect(total).toBe(plan.length);
      }),
      { numRuns: 200 },
    );
  });

  it('compareSequenceNumbers orders like BigInt', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n }), fc.bigInt({ min: 0n, max: 2n ** 128n }), (a, b) => {
        // Arrange / Act
        const actual = compareSequenceNumbers(a.toString(), b.toString());

        // Assert
        expect(actual).toBe(a < b ? -1 : a > b ? 1 : 0);
      }),
    );
  });
});
