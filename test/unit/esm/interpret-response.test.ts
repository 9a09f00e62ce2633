import { describe, expect, it } from 'vitest';
import { interpretResponse } from '../../../src/local/esm/interpret-response.js';
import { sourceRecords } from './esm-fixtures.js';

const batch = sourceRecords(4); // sequence numbers 1000..1003
const returned = (value: unknown) => ({ kind: 'returned' as const, value });

describe('interpretResponse (ReportBatchItemFailures on)', () => {
  it.each([
    ['empty string', ''],
    ['empty list', []],
    ['null', null],
    ['empty object', {}],
    ['empty batchItemFailures', { batchItemFailures: [] }],
    ['null batchItemFailures', { batchItemFailures: null }],
  ])('treats %s as full success', (_label, value) => {
    // Act
    const verdict = interpretResponse(returned(value), batch, true, false);

    // Assert
    expect(verdict).toEqual({ kind: 'success' });
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a wrong key', { batchItemFailures: [{ itemId: '1001' }] }],
    ['an identifier matching no record', { batchItemFailures: [{ itemIdentifier: '999' }] }],
    ['a non-list batchItemFailures', { batchItemFailures: '1001' }],
  ])('fails the whole batch for %s, with functionError null', (_label, value) => {
    // Act
    const verdict = interpretResponse(returned(value), batch, true, false);

    // Assert
    expect(verdict).toMatchObject({ kind: 'failure', functionError: null });
  });

  it('retries from the lowest of several reported records', () => {
    // Act
    const verdict = interpretResponse(
      returned({ batchItemFailures: [{ itemIdentifier: '1003' }, { itemIdentifier: '1001' }] }),
      batch,
      true,
      false,
    );

    // Assert
    expect(verdict).toEqual({ kind: 'partial', failedIndex: 1 });
  });

  it('treats a thrown error and a timeout as function errors (Unhandled)', () => {
    // Act
    const threw = interpretResponse({ kind: 'threw', error: new Error('boom') }, batch, true, false);
    const timeout = interpretResponse({ kind: 'timeout', timeoutMs: 3000 }, batch, true, false);

    // Assert
    expect(threw).toMatchObject({ kind: 'failure', functionError: 'Unhandled' });
    expect(timeout).toMatchObject({
      kind: 'failure',
      functionError: 'Unhandled',
      reason: 'Task timed out after 3000 ms',
    });
  });
});

describe('interpretResponse (ReportBatchItemFailures off)', () => {
  it('ignores batchItemFailures: any response is a success', () => {
    // Act
    const verdict = interpretResponse(
      returned({ batchItemFailures: [{ itemIdentifier: '1001' }] }),
      batch,
      false,
      false,
    );

    // Assert
    expect(verdict).toEqual({ kind: 'success' });
  });
});

describe('interpretResponse (tumbling windows)', () => {
  it('fails an invocation whose response has no state', () => {
    // Act
    const verdict = interpretResponse(returned({ batchItemFailures: [] }), batch, true, true);

    // Assert
    expect(verdict).toMatchObject({ kind: 'failure', functionError: null });
  });

  it('carries the returned state with success and partial verdicts', () => {
    // Act
    const ok = interpretResponse(returned({ state: { n: 1 }, batchItemFailures: [] }), batch, true, true);
    const partial = interpretResponse(
      returned({ state: { n: 2 }, batchItemFailures: [{ itemIdentifier: '1002' }] }),
      batch,
      true,
      true,
    );

    // Assert
    expect(ok).toEqual({ kind: 'success', state: { n: 1 } });
    expect(partial).toEqual({ kind: 'partial', failedIndex: 2, state: { n: 2 } });
  });
});
