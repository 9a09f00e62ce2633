import { describe, expect, it } from 'vitest';
import {
  countOutcomes,
  isRedriveStateKey,
  parseRedriveState,
  type RedriveAttempt,
  type RedrivenRecord,
  redriveStateKey,
  redriveStatusOf,
  withRedriveAttempt,
} from '../../../src/local/esm/destinations/redrive-state.js';

const KEY = 'aws/lambda/14e0db71-5d35-4eb5-b481-8945cf9d10c2/shardId-000000000000/2024/01/01/2024-01-01T00.00.00-0b5e';

function attempt(records: readonly RedrivenRecord[], at = '2024-01-02T00:00:00.000Z'): RedriveAttempt {
  return {
    at,
    by: 'alice@laptop',
    command: 'shardflow destinations redrive clicks --all --mode invoke',
    mode: 'invoke',
    status: redriveStatusOf(records),
    described: records.length,
    missing: 0,
    counts: countOutcomes(records),
    records,
  };
}

describe('redrive state', () => {
  it('is redriven when every record ended handled, failed as soon as one did not', () => {
    // Arrange
    const handled: RedrivenRecord[] = [
      { sequenceNumber: '1', outcome: 'already-applied' },
      { sequenceNumber: '2', outcome: 'processed' },
      { sequenceNumber: '3', outcome: 'quarantined' },
      { sequenceNumber: '4', outcome: 'put', newSequenceNumber: '9' },
    ];
    const withFailure: RedrivenRecord[] = [...handled, { sequenceNumber: '5', outcome: 'not-redriven' }];

    // Act
    const statuses = [redriveStatusOf(handled), redriveStatusOf(withFailure)];

    // Assert
    expect(statuses).toEqual(['redriven', 'failed']);
    expect(countOutcomes(withFailure)).toEqual({
      'already-applied': 1,
      processed: 1,
      quarantined: 1,
      put: 1,
      'not-redriven': 1,
    });
  });

  it('keeps every attempt, oldest first, and takes the status of the latest', () => {
    // Arrange
    const failed = attempt([{ sequenceNumber: '1', outcome: 'failed', error: 'TransientError: down' }]);
    const redriven = attempt([{ sequenceNumber: '1', outcome: 'processed' }], '2024-01-03T00:00:00.000Z');

    // Act
    const state = withRedriveAttempt(withRedriveAttempt(undefined, KEY, failed), KEY, redriven);

    // Assert
    expect(state).toEqual({ version: 1, key: KEY, status: 'redriven', attempts: [failed, redriven] });
    expect(parseRedriveState(JSON.stringify(state))).toEqual(state);
  });

  it.each([
    { text: 'nope', reason: /^is not JSON/ },
    { text: '[]', reason: /^is not a JSON object$/ },
    { text: '{"version":2}', reason: /^has no version 1$/ },
    { text: `{"version":1,"key":"k","status":"done","attempts":[{}]}`, reason: /^has no status/ },
    { text: `{"version":1,"key":"k","status":"failed","attempts":[]}`, reason: /^has no attempts$/ },
  ])('says why $text is not a redrive state', ({ text, reason }) => {
    // Act
    const parsed = parseRedriveState(text);

    // Assert
    expect(parsed).toMatch(reason);
  });

  it('is stored under <key>.redrive.json, which is never an on-failure record key', () => {
    // Act
    const stateKey = redriveStateKey(KEY);

    // Assert
    expect(stateKey).toBe(`${KEY}.redrive.json`);
    expect(isRedriveStateKey(stateKey)).toBe(true);
    expect(isRedriveStateKey(KEY)).toBe(false);
  });
});
