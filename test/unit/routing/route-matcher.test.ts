import { describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import type { StreamRecord } from '../../../src/runtime/records/stream-record.js';
import {
  compileRouteMatch,
  InvalidPatternError,
  InvalidRouteMatchError,
  type RouteMatch,
} from '../../../src/runtime/routing/index.js';
import { dynamodbRecord, kinesisRecord } from './record-factories.js';

const click = kinesisRecord({ data: { type: 'click', page: '/checkout', durationMs: 1200 }, partitionKey: 'user-42' });
const notJson = kinesisRecord({ data: 'GET /checkout 200', partitionKey: 'user-42' });
const otherStream = kinesisRecord({
  data: { type: 'view' },
  streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/pageviews',
});
const insert = dynamodbRecord({ eventName: 'INSERT' });
const modify = dynamodbRecord({
  eventName: 'MODIFY',
  newImage: { orderId: { S: 'o-1001' }, status: { S: 'SHIPPED' }, totalCents: { N: '4599' } },
});
const remove = dynamodbRecord({ eventName: 'REMOVE' });
const keysOnly = dynamodbRecord({ eventName: 'MODIFY', newImage: undefined, oldImage: undefined });
const compositeKey = dynamodbRecord({
  keys: { customerId: { S: 'c-7' }, orderDate: { N: '20240115' } },
  tableStreamArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/customer-orders/stream/2024-01-01T00:00:00.000',
});

type Row = readonly [description: string, match: RouteMatch | undefined, record: StreamRecord, expected: boolean];

function runRows(rows: readonly Row[]): void {
  it.each(rows)('%s', (_description, match, record, expected) => {
    // Arrange
    const matches = compileRouteMatch(match);

    // Act
    const result = matches(record);

    // Assert
    expect(result).toBe(expected);
  });
}

describe('compileRouteMatch: no match block', () => {
  runRows([
    ['undefined matches a Kinesis record', undefined, click, true],
    ['undefined matches a DynamoDB record', undefined, remove, true],
    ['an empty match block matches everything', {}, insert, true],
  ]);
});

describe('compileRouteMatch: source', () => {
  runRows([
    ['kinesis matches a Kinesis record', { source: 'kinesis' }, click, true],
    ['kinesis does not match a DynamoDB record', { source: 'kinesis' }, insert, false],
    ['dynamodb matches a DynamoDB record', { source: 'dynamodb' }, insert, true],
    ['dynamodb does not match a Kinesis record', { source: 'dynamodb' }, click, false],
  ]);
});

describe('compileRouteMatch: stream', () => {
  runRows([
    ['a Kinesis stream name', { stream: 'clicks' }, click, true],
    ['another Kinesis stream name', { stream: 'clicks' }, otherStream, false],
    ['a list of stream names', { stream: ['pageviews', 'clicks'] }, otherStream, true],
    ['a DynamoDB table name', { stream: 'orders' }, insert, true],
    ['another DynamoDB table name', { stream: 'orders' }, compositeKey, false],
    ['a list with the table name', { stream: ['orders', 'customer-orders'] }, compositeKey, true],
  ]);
});

describe('compileRouteMatch: eventName', () => {
  runRows([
    ['INSERT', { eventName: 'INSERT' }, insert, true],
    ['INSERT on a MODIFY', { eventName: 'INSERT' }, modify, false],
    ['INSERT or MODIFY on a MODIFY', { eventName: ['INSERT', 'MODIFY'] }, modify, true],
    ['INSERT or MODIFY on a REMOVE', { eventName: ['INSERT', 'MODIFY'] }, remove, false],
    ['REMOVE', { eventName: ['REMOVE'] }, remove, true],
    ['aws:kinesis:record on a Kinesis record', { eventName: 'aws:kinesis:record' }, click, true],
    ['aws:kinesis:record on a DynamoDB record', { eventName: 'aws:kinesis:record' }, insert, false],
  ]);
});

describe('compileRouteMatch: keys', () => {
  runRows([
    ['DynamoDB unmarshalled key', { keys: { orderId: ['o-1001'] } }, insert, true],
    ['DynamoDB unmarshalled key that differs', { keys: { orderId: ['o-2002'] } }, insert, false],
    [
      'DynamoDB composite key with a numeric sort key',
      { keys: { customerId: ['c-7'], orderDate: [{ numeric: ['>=', 20240101, '<', 20240201] }] } },
      compositeKey,
      true,
    ],
    [
      'DynamoDB numeric key is a number after unmarshalling',
      { keys: { orderDate: ['20240115'] } },
      compositeKey,
      false,
    ],
    ['Kinesis partition key prefix', { keys: { partitionKey: [{ prefix: 'user-' }] } }, click, true],
    ['Kinesis partition key exact', { keys: { partitionKey: ['user-7'] } }, click, false],
    [
      'Kinesis partition key on non-JSON data (keys need no payload)',
      { keys: { partitionKey: ['user-42'] } },
      notJson,
      true,
    ],
  ]);
});

describe('compileRouteMatch: payload', () => {
  runRows([
    ['Kinesis JSON data', { payload: { type: ['click'], durationMs: [{ numeric: ['>', 1000] }] } }, click, true],
    ['Kinesis JSON data that differs', { payload: { type: ['view'] } }, click, false],
    ['Kinesis non-JSON data does not match', { payload: { type: ['click'] } }, notJson, false],
    [
      'Kinesis non-JSON data does not match even exists:false',
      { payload: { type: [{ exists: false }] } },
      notJson,
      false,
    ],
    [
      'DynamoDB NewImage on an INSERT',
      { payload: { status: ['PAID'], totalCents: [{ numeric: ['>', 0] }] } },
      insert,
      true,
    ],
    ['DynamoDB NewImage on a MODIFY', { payload: { status: ['SHIPPED'] } }, modify, true],
    ['DynamoDB OldImage on a REMOVE', { payload: { status: ['PAID'] } }, remove, true],
    ['DynamoDB payload numbers are numbers', { payload: { totalCents: [4599] } }, insert, true],
    ['DynamoDB without images (KEYS_ONLY)', { payload: { status: ['PAID'] } }, keysOnly, false],
    ['a payload given as JSON text', { payload: '{ "status": ["PAID"] }' }, insert, true],
  ]);
});

describe('compileRouteMatch: filter (raw AWS FilterCriteria syntax)', () => {
  runRows([
    [
      'DynamoDB record pattern',
      { filter: { eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PAID'] } } } } },
      insert,
      true,
    ],
    [
      'DynamoDB record pattern on a MODIFY',
      { filter: { eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PAID'] } } } } },
      modify,
      false,
    ],
    [
      'several patterns are ORed',
      { filter: [{ eventName: ['INSERT'] }, { dynamodb: { NewImage: { status: { S: ['SHIPPED'] } } } }] },
      modify,
      true,
    ],
    ['Kinesis data pattern', { filter: { data: { page: [{ suffix: 'checkout' }] } } }, click, true],
    ['Kinesis data pattern on non-JSON data', { filter: { data: { page: [{ suffix: 'checkout' }] } } }, notJson, false],
    ['Kinesis metadata pattern on non-JSON data', { filter: { partitionKey: ['user-42'] } }, notJson, true],
  ]);
});

describe('compileRouteMatch: all given fields are ANDed', () => {
  const paidInserts: RouteMatch = {
    source: 'dynamodb',
    stream: 'orders',
    eventName: ['INSERT', 'MODIFY'],
    keys: { orderId: [{ prefix: 'o-' }] },
    payload: { status: ['PAID'] },
    filter: { dynamodb: { StreamViewType: ['NEW_AND_OLD_IMAGES'] } },
    predicate: (record) => record.sizeBytes < 1024,
  };
  runRows([
    ['every field holds', paidInserts, insert, true],
    ['the payload fails', paidInserts, modify, false],
    ['the event name fails', paidInserts, remove, false],
    ['the source fails', paidInserts, click, false],
    ['the predicate fails', { ...paidInserts, predicate: () => false }, insert, false],
  ]);
});

describe('compileRouteMatch: predicate', () => {
  it('is evaluated last, only when every other field holds', () => {
    // Arrange
    const predicate = vi.fn((record: StreamRecord) => record.source === 'dynamodb');
    const matches = compileRouteMatch({ eventName: 'INSERT', predicate });

    // Act
    const results = [matches(remove), matches(insert)];

    // Assert
    expect(results).toEqual([false, true]);
    expect(predicate).toHaveBeenCalledTimes(1);
    expect(predicate).toHaveBeenCalledWith(insert);
  });

  it('lets an exception from the predicate propagate', () => {
    // Arrange
    const matches = compileRouteMatch({
      predicate: () => {
        throw new TypeError('predicate bug');
      },
    });

    // Act
    const run = () => matches(insert);

    // Assert
    expect(run).toThrow('predicate bug');
  });
});

describe('compileRouteMatch validation', () => {
  it.each([
    ['an unknown field', { eventNames: ['INSERT'] }, 'match.eventNames', InvalidRouteMatchError],
    ['an unknown source', { source: 'sqs' }, 'match.source', InvalidRouteMatchError],
    ['an empty stream list', { stream: [] }, 'match.stream', InvalidRouteMatchError],
    ['an empty stream name', { stream: ['orders', ''] }, 'match.stream[1]', InvalidRouteMatchError],
    ['a stream that is not a string', { stream: 42 }, 'match.stream', InvalidRouteMatchError],
    ['an unknown event name', { eventName: 'Insert' }, 'match.eventName', InvalidRouteMatchError],
    [
      'a DynamoDB event name on a Kinesis route',
      { source: 'kinesis', eventName: 'INSERT' },
      'match.eventName',
      InvalidRouteMatchError,
    ],
    [
      'a Kinesis event name on a DynamoDB route',
      { source: 'dynamodb', eventName: ['aws:kinesis:record'] },
      'match.eventName',
      InvalidRouteMatchError,
    ],
    ['a predicate that is not a function', { predicate: 'isPaid' }, 'match.predicate', InvalidRouteMatchError],
    ['a malformed keys pattern', { keys: { orderId: 'o-1' } }, 'match.keys.orderId', InvalidPatternError],
    [
      'a malformed payload pattern',
      { payload: { status: [{ equals: 'PAID' }] } },
      'match.payload.status[0].equals',
      InvalidPatternError,
    ],
    ['a malformed filter pattern', { filter: [{ eventName: [] }] }, 'match.filter[0].eventName', InvalidPatternError],
    ['a match that is not an object', 'INSERT', 'match', InvalidRouteMatchError],
  ])('%s → %s', (_description, match, path, errorClass) => {
    // Arrange
    const compile = () => compileRouteMatch(match as unknown as RouteMatch);

    // Act
    let error: unknown;
    try {
      compile();
    } catch (caught) {
      error = caught;
    }

    // Assert
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ path });
  });
});
