import { describe, expect, it } from 'vitest';
import { compilePattern, type EventPattern, toFilterView } from '../../../src/runtime/routing/index.js';
import { dynamodbRecord, KINESIS_SEQUENCE_NUMBER, kinesisRecord } from './record-factories.js';

describe('toFilterView for Kinesis records', () => {
  it('is the kinesis payload with data parsed from JSON', () => {
    // Arrange
    const record = kinesisRecord({
      data: { record: 12345, order: { type: 'buy', stock: 'ANYCO', quantity: 1000 } },
      partitionKey: '1',
      approximateArrivalTimestamp: 1545084650.987,
    });

    // Act
    const view = toFilterView(record);

    // Assert
    expect(view).toEqual({
      kinesisSchemaVersion: '1.0',
      partitionKey: '1',
      sequenceNumber: KINESIS_SEQUENCE_NUMBER,
      approximateArrivalTimestamp: 1545084650.987,
      data: { record: 12345, order: { type: 'buy', stock: 'ANYCO', quantity: 1000 } },
    });
  });

  it.each([
    ['plain text', 'user clicked the button'],
    ['truncated JSON', '{"type":"cli'],
    ['invalid UTF-8', Buffer.from([0xc3, 0x28, 0xff])],
  ])('leaves data out when the data is %s', (_description, data) => {
    // Arrange
    const record = kinesisRecord({ data, partitionKey: 'user-7' });

    // Act
    const view = toFilterView(record);

    // Assert
    expect(view).not.toHaveProperty('data');
    expect(view).toMatchObject({ kinesisSchemaVersion: '1.0', partitionKey: 'user-7' });
  });

  it('keeps a JSON scalar as data', () => {
    // Arrange
    const record = kinesisRecord({ data: '42' });

    // Act
    const view = toFilterView(record);

    // Assert
    expect(view).toHaveProperty('data', 42);
  });
});

describe('toFilterView for DynamoDB records', () => {
  it('is the Lambda record itself', () => {
    // Arrange
    const record = dynamodbRecord({ eventName: 'MODIFY' });

    // Act
    const view = toFilterView(record);

    // Assert
    expect(view).toBe(record.raw);
  });
});

// Filter patterns from the Lambda developer guide (Kinesis and DynamoDB filtering pages), applied to the view.
describe('AWS documentation filter patterns on the filter view', () => {
  const kinesisBuy = kinesisRecord({
    data: { record: 12345, order: { type: 'buy', stock: 'ANYCO', quantity: 1000 } },
    partitionKey: '1',
  });
  const kinesisWeather = kinesisRecord({
    data: { City: 'Los Angeles', Location: 'Los Angeles', Temperature: 55, Month: 'December' },
    partitionKey: '1',
  });
  const customer = dynamodbRecord({
    eventName: 'INSERT',
    keys: { CustomerName: { S: 'AnyCompany Industries' } },
    newImage: {
      AccountManager: { S: 'Pat Candella' },
      PaymentTerms: { S: '60 days' },
      CustomerName: { S: 'AnyCompany Industries' },
    },
  });
  const item101 = dynamodbRecord({
    eventName: 'INSERT',
    keys: { Id: { N: '101' } },
    newImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
  });
  const paidOrder = dynamodbRecord({
    eventName: 'INSERT',
    newImage: { orderId: { S: 'o-1001' }, status: { S: 'PAID' }, express: { BOOL: true } },
  });
  const paidOrderModified = dynamodbRecord({ eventName: 'MODIFY' });

  it.each([
    ['Kinesis: order type is buy', { data: { order: { type: ['buy'] } } }, kinesisBuy, true],
    ['Kinesis: order type is sell', { data: { order: { type: ['sell'] } } }, kinesisBuy, false],
    [
      'Kinesis: partitionKey and Location',
      { partitionKey: ['1'], data: { Location: ['Los Angeles'] } },
      kinesisWeather,
      true,
    ],
    [
      'Kinesis: 50 < Temperature <= 60',
      { data: { Temperature: [{ numeric: ['>', 50, '<=', 60] }] } },
      kinesisWeather,
      true,
    ],
    [
      'DynamoDB: Keys.CustomerName.S is AnyCompany Industries',
      { dynamodb: { Keys: { CustomerName: { S: ['AnyCompany Industries'] } } } },
      customer,
      true,
    ],
    [
      'DynamoDB: NewImage.AccountManager.S is another manager',
      { dynamodb: { NewImage: { AccountManager: { S: ['Jane Doe'] } } } },
      customer,
      false,
    ],
    [
      'DynamoDB: Keys.Id.N is "101" (numbers are strings in DynamoDB JSON)',
      { dynamodb: { Keys: { Id: { N: ['101'] } } } },
      item101,
      true,
    ],
    [
      'DynamoDB: Keys.Id.N as the number 101 does not match',
      { dynamodb: { Keys: { Id: { N: [101] } } } },
      item101,
      false,
    ],
    [
      'DynamoDB: INSERT with NewImage.status.S PAID',
      { eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PAID'] } } } },
      paidOrder,
      true,
    ],
    [
      'DynamoDB: a MODIFY is not an INSERT',
      { eventName: ['INSERT'], dynamodb: { NewImage: { status: { S: ['PAID'] } } } },
      paidOrderModified,
      false,
    ],
    [
      'DynamoDB: BOOL attribute is true',
      { eventName: ['INSERT'], dynamodb: { NewImage: { express: { BOOL: [true] } } } },
      paidOrder,
      true,
    ],
    [
      'DynamoDB: exists on the typed leaf of an attribute',
      { dynamodb: { NewImage: { express: { BOOL: [{ exists: true }] } } } },
      customer,
      false,
    ],
  ] as const)('%s', (_description, pattern, record, expected) => {
    // Arrange
    const matches = compilePattern(pattern as EventPattern);

    // Act
    const result = matches(toFilterView(record));

    // Assert
    expect(result).toBe(expected);
  });
});
