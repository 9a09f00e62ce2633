import { describe, expect, it, vi } from 'vitest';
import { compileRecordFilter, InvalidPatternError, type RecordFilter } from '../../../src/runtime/routing/index.js';
import { dynamodbRecord, kinesisRecord } from './record-factories.js';

describe('compileRecordFilter on Kinesis records', () => {
  const json = kinesisRecord({ data: { type: 'purchase', amount: 25 }, partitionKey: 'user-1' });
  const text = kinesisRecord({ data: 'purchase,25', partitionKey: 'user-1' });

  it.each([
    ['a data pattern on JSON data', { data: { type: ['purchase'] } }, json, true],
    ['a data pattern that does not hold', { data: { type: ['refund'] } }, json, false],
    ['a data pattern on non-JSON data drops the record', { data: { type: ['purchase'] } }, text, false],
    ['even data exists:false drops a non-JSON record', { data: { type: [{ exists: false }] } }, text, false],
    ['a metadata-only pattern still applies to non-JSON data', { partitionKey: ['user-1'] }, text, true],
    ['a metadata-only pattern that does not hold', { partitionKey: ['user-2'] }, text, false],
    [
      'a $or branch on data makes the pattern a data pattern',
      { $or: [{ data: { type: ['purchase'] } }, { partitionKey: ['user-1'] }] },
      text,
      false,
    ],
    [
      'several patterns are ORed: the metadata pattern passes a non-JSON record',
      [{ data: { type: ['purchase'] } }, { partitionKey: [{ prefix: 'user-' }] }],
      text,
      true,
    ],
    [
      'several patterns are ORed: the second data pattern passes',
      [{ data: { type: ['refund'] } }, { data: { amount: [{ numeric: ['>=', 25] }] } }],
      json,
      true,
    ],
    ['a pattern given as JSON text', '{ "data": { "type": ["purchase"] } }', json, true],
  ] as const)('%s', (_description, filter, record, expected) => {
    // Arrange
    const passes = compileRecordFilter(filter as RecordFilter);

    // Act
    const result = passes(record);

    // Assert
    expect(result).toBe(expected);
  });

  it('does not parse the data when no pattern constrains it', () => {
    // Arrange
    const record = kinesisRecord({ data: { type: 'purchase' }, partitionKey: 'user-1' });
    const parse = vi.spyOn(record, 'json');
    const passes = compileRecordFilter({ partitionKey: ['user-1'] });

    // Act
    const result = passes(record);

    // Assert
    expect(result).toBe(true);
    expect(parse).not.toHaveBeenCalled();
  });

  it('gives independent answers for consecutive records (the reused view is refilled)', () => {
    // Arrange
    const passes = compileRecordFilter({ data: { type: [{ exists: false }] }, partitionKey: ['user-1'] });
    const records = [
      kinesisRecord({ data: { type: 'purchase' }, partitionKey: 'user-1' }),
      kinesisRecord({ data: { amount: 1 }, partitionKey: 'user-1' }),
      kinesisRecord({ data: { amount: 1 }, partitionKey: 'user-2' }),
    ];

    // Act
    const results = records.map((record) => passes(record));

    // Assert
    expect(results).toEqual([false, true, false]);
  });
});

describe('compileRecordFilter on DynamoDB records', () => {
  it.each([
    ['eventName INSERT', { eventName: ['INSERT'] }, 'INSERT', true],
    ['eventName INSERT on a REMOVE', { eventName: ['INSERT'] }, 'REMOVE', false],
    ['OldImage status on a REMOVE', { dynamodb: { OldImage: { status: { S: ['PAID'] } } } }, 'REMOVE', true],
    [
      'NewImage is absent on a REMOVE',
      { dynamodb: { NewImage: { status: { S: [{ exists: true }] } } } },
      'REMOVE',
      false,
    ],
    [
      'TTL deletes by the DynamoDB service principal',
      { userIdentity: { type: ['Service'], principalId: ['dynamodb.amazonaws.com'] } },
      'REMOVE',
      true,
    ],
  ] as const)('%s', (_description, filter, eventName, expected) => {
    // Arrange
    const record = dynamodbRecord({ eventName, ttlDelete: eventName === 'REMOVE' });
    const passes = compileRecordFilter(filter as RecordFilter);

    // Act
    const result = passes(record);

    // Assert
    expect(result).toBe(expected);
  });
});

describe('compileRecordFilter validation', () => {
  it.each([
    ['more than 5 patterns', Array.from({ length: 6 }, () => ({ eventName: ['INSERT'] })), 'match.filter'],
    ['an empty list', [], 'match.filter'],
    ['an invalid single pattern', { eventName: 'INSERT' }, 'match.filter.eventName'],
    ['an invalid pattern in a list', [{ eventName: ['INSERT'] }, { dynamodb: [] }], 'match.filter[1].dynamodb'],
  ])('%s → InvalidPatternError at %s', (_description, filter, path) => {
    // Arrange
    const compile = () => compileRecordFilter(filter as unknown as RecordFilter, 'match.filter');

    // Act / Assert
    expect(compile).toThrow(InvalidPatternError);
    expect(compile).toThrow(expect.objectContaining({ path }));
  });
});
