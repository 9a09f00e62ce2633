import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import { isoTime } from '../../../src/runtime/observability/json-logger.js';
import { createLogger, REDACTED, recordBindings } from '../../../src/runtime/observability/logger.js';
import { dynamodbStreamRecord, kinesisStreamRecord, undecodableKinesisRecord } from '../quarantine/stream-records.js';
import { captureDestination } from './capture.js';

describe('createLogger', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('never writes the values of configured redaction paths (card.number, email)', () => {
    // Arrange
    const destination = captureDestination();
    const logger = createLogger({ redact: ['card.number', 'email'], destination });

    // Act
    logger.info(
      { email: 'ada@example.com', card: { number: '4111111111111111', brand: 'visa' }, orderId: 'o-1' },
      'payment captured',
    );
    logger.child({ email: 'grace@example.com' }).warn('child line');

    // Assert
    const output = destination.raw.join('');
    expect(output).not.toContain('ada@example.com');
    expect(output).not.toContain('grace@example.com');
    expect(output).not.toContain('4111111111111111');
    const [first, second] = destination.lines();
    expect(first).toMatchObject({ email: REDACTED, card: { number: REDACTED, brand: 'visa' }, orderId: 'o-1' });
    expect(second).toMatchObject({ email: REDACTED });
    expect(REDACTED).toBe('[REDACTED]');
  });

  it('writes one JSON object per line with a level label, ISO time, msg and no pid/hostname by default', () => {
    // Arrange
    const destination = captureDestination();
    const logger = createLogger({ level: 'info', destination });

    // Act
    logger.info('batch done');

    // Assert
    const [line] = destination.lines();
    expect(line).toMatchObject({ level: 'info', msg: 'batch done' });
    expect(line?.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(line).not.toHaveProperty('pid');
    expect(line).not.toHaveProperty('hostname');
  });

  it('adds base fields to every line', () => {
    // Arrange
    const destination = captureDestination();
    const logger = createLogger({ base: { service: 'shop-analytics' }, destination });

    // Act
    logger.info('hello');

    // Assert
    expect(destination.lines()[0]).toMatchObject({ service: 'shop-analytics' });
  });

  it('takes the level from LOG_LEVEL, then AWS_LAMBDA_LOG_LEVEL, then defaults to info', () => {
    // Arrange
    vi.stubEnv('LOG_LEVEL', '');
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', '');
    const byDefault = createLogger({ destination: captureDestination() });
    vi.stubEnv('AWS_LAMBDA_LOG_LEVEL', 'WARN');
    const fromLambda = createLogger({ destination: captureDestination() });
    vi.stubEnv('LOG_LEVEL', 'debug');

    // Act
    const fromLogLevel = createLogger({ destination: captureDestination() });

    // Assert
    expect([byDefault.level, fromLambda.level, fromLogLevel.level]).toEqual(['info', 'warn', 'debug']);
  });

  it('drops lines below the level', () => {
    // Arrange
    const destination = captureDestination();
    const logger = createLogger({ level: 'warn', destination });

    // Act
    logger.info('hidden');
    logger.error('shown');

    // Assert
    expect(destination.lines().map((line) => line.msg)).toEqual(['shown']);
  });

  it('rejects an unknown level or an invalid redaction path with a ConfigError', () => {
    // Arrange
    const badLevel = () => createLogger({ level: 'verbose', destination: captureDestination() });
    const badPath = () => createLogger({ redact: ['card..number'], destination: captureDestination() });

    // Act + Assert
    expect(badLevel).toThrow(ConfigError);
    expect(badLevel).toThrow(/logging\.level: unknown log level "verbose"/);
    expect(badPath).toThrow(ConfigError);
  });
});

describe('recordBindings', () => {
  it('carries shard, sequence number, partition key and eventID of a Kinesis record', () => {
    // Arrange
    const record = kinesisStreamRecord(1);

    // Act
    const bindings = recordBindings(record);

    // Assert
    expect(bindings).toEqual({
      shardId: 'shardId-000000000006',
      sequenceNumber: record.sequenceNumber,
      partitionKey: 'customer-1',
      eventID: record.eventID,
    });
    expect(bindings).not.toHaveProperty('subSequenceNumber');
  });

  it('adds the sub-sequence number of a KPL user record', () => {
    // Arrange
    const record = kinesisStreamRecord(2, { subSequenceNumber: 4 });

    // Act
    const bindings = recordBindings(record);

    // Assert
    expect(bindings.subSequenceNumber).toBe(4);
  });

  it('works for DynamoDB and undecodable records', () => {
    // Arrange
    const dynamodb = dynamodbStreamRecord();
    const undecodable = undecodableKinesisRecord();

    // Act
    const bindings = [recordBindings(dynamodb), recordBindings(undecodable)];

    // Assert
    expect(bindings[0]).toEqual({
      shardId: undefined,
      sequenceNumber: '111',
      partitionKey: '{"Id":101}',
      eventID: dynamodb.eventID,
    });
    expect(bindings[1]).toMatchObject({ sequenceNumber: undecodable.sequenceNumber, eventID: undecodable.eventID });
  });

  it('puts the bindings on every line of a child logger', () => {
    // Arrange
    const destination = captureDestination();
    const record = kinesisStreamRecord(3, { subSequenceNumber: 0 });
    const logger = createLogger({ destination }).child({ awsRequestId: 'req-1' }).child(recordBindings(record));

    // Act
    logger.warn('schema violation');

    // Assert
    expect(destination.lines()[0]).toMatchObject({
      awsRequestId: 'req-1',
      shardId: 'shardId-000000000006',
      sequenceNumber: record.sequenceNumber,
      subSequenceNumber: 0,
      partitionKey: 'customer-3',
      eventID: record.eventID,
      msg: 'schema violation',
    });
  });
});

describe('isoTime', () => {
  it('gives the text of Date#toISOString for any instant, in any order of calls', () => {
    // Arrange: instants of years 0000–9999, often within one second of each other
    const base = fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_000 });
    const instants = fc.array(
      fc.oneof(
        base,
        base.chain((t) => fc.integer({ min: 0, max: 999 }).map((ms) => Math.floor(t / 1000) * 1000 + ms)),
      ),
      { minLength: 1, maxLength: 20 },
    );

    // Assert
    fc.assert(
      fc.property(instants, (list) => {
        for (const now of list) expect(isoTime(now)).toBe(`,"time":"${new Date(now).toISOString()}"`);
      }),
    );
  });

  it('stamps every line with the current time in ISO-8601', () => {
    // Arrange
    const destination = captureDestination();
    const logger = createLogger({ destination });
    const before = Date.now();

    // Act
    logger.info('tick');

    // Assert
    const time = Date.parse(String(destination.lines()[0]?.time));
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now());
  });
});
