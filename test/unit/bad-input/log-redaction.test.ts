import { describe, expect, it } from 'vitest';
import { PermanentError, TransientError } from '../../../src/runtime/errors.js';
import { REDACTED } from '../../../src/runtime/observability/logger.js';
import { toNdjson } from '../../../src/runtime/processing/quarantine/index.js';
import { factories, leaksIn, runBatch, SECRET_CARD, SECRET_EMAIL, SECRETS, secretPayload } from './harness.js';

/**
 * Log redaction: values at the configured `logging.redact` paths never appear in any line the handler
 * writes — processor lines through `ctx.logger`, the engine's error and quarantine lines, the batch
 * summary. And quarantine entries: they keep the full raw record (redrive needs it); the issue asks
 * that they keep redacted values only when the user opts in.
 */

/** The paths the issue names, plus their one-level-down forms for objects logged under a key. */
const PATHS = ['email', 'card.*', '*.email', '*.card.*'];

function kinesisEvent() {
  const { kinesis } = factories();
  return kinesis.event([
    { json: secretPayload({ userId: 'u-1' }), partitionKey: 'u-1' },
    { json: secretPayload({ userId: 'u-2' }), partitionKey: 'u-2' },
  ]);
}

describe('log redaction of configured paths', () => {
  it('hides them in every line a processor writes through ctx.logger, which still names the record', async () => {
    // Arrange
    const event = kinesisEvent();

    // Act
    const run = await runBatch({
      source: 'kinesis',
      event,
      redact: PATHS,
      onRecord: (payload, ctx) => {
        ctx.logger.info(payload as object, 'payload at top level');
        ctx.logger.info({ order: payload }, 'payload under a key');
        ctx.logger.warn({ err: Object.assign(new Error('lookup failed'), { email: SECRET_EMAIL }) }, 'with an error');
      },
    });

    // Assert
    const processorLines = run.logs.filter((line) => line.processor === 'clicks');
    expect(processorLines).toHaveLength(6);
    for (const line of processorLines) {
      expect(line.sequenceNumber).toEqual(expect.any(String));
      expect(line.shardId).toBe('shardId-000000000006');
    }
    expect(processorLines[0]).toMatchObject({ email: REDACTED, card: { number: REDACTED } });
    expect(processorLines[1]).toMatchObject({ order: { email: REDACTED, card: { number: REDACTED } } });
    expect(processorLines[2]).toMatchObject({ err: { email: REDACTED } });
    expect(leaksIn(run.logText)).toEqual([]);
  });

  it('hides them in the engine’s error lines for retried and quarantined records', async () => {
    // Arrange
    const event = kinesisEvent();

    // Act
    const run = await runBatch({
      source: 'kinesis',
      event,
      redact: PATHS,
      onRecord: (payload) => {
        const { userId } = payload as { userId: string };
        if (userId === 'u-1') throw Object.assign(new TransientError('downstream refused'), { email: SECRET_EMAIL });
        throw Object.assign(new PermanentError('card declined'), { card: { number: SECRET_CARD } });
      },
    });

    // Assert
    expect(run.result?.outcomes.map((o) => o.fate)).toEqual(['failed', 'quarantined']);
    const retried = run.logs.find((line) => String(line.msg).startsWith('record failed'));
    const quarantined = run.logs.find((line) => String(line.msg).startsWith('quarantined'));
    expect(retried).toMatchObject({ err: { email: REDACTED } });
    expect(quarantined).toMatchObject({ err: { card: { number: REDACTED } } });
    expect(leaksIn(run.logText)).toEqual([]);
  });

  it('keeps schema-violation lines free of payload values (zod issues carry paths, not inputs)', async () => {
    // Arrange
    const { kinesis } = factories();
    const event = kinesis.event([{ json: secretPayload({ n: SECRET_CARD, email: { nested: SECRET_EMAIL } }) }]);

    // Act
    const run = await runBatch({ source: 'kinesis', event, redact: PATHS });

    // Assert
    expect(run.result?.outcomes.map((o) => o.error?.name)).toEqual(['SchemaValidationError']);
    expect(leaksIn(run.logText)).toEqual([]);
  });

  // Regression: V8's SyntaxError message quotes the input (all of it up to 20 characters, else ~10 around the
  // bad token); chained as `cause`, pino's err serializer would print it. InvalidJsonError keeps the offset only.
  it('never lets payload text into error lines through a decode error’s cause', async () => {
    // Arrange
    const { kinesis } = factories();
    const event = kinesis.event([
      { text: `{"card":{"number":"${SECRET_CARD}"},"email":${SECRET_EMAIL}}`, partitionKey: 'a' },
      { text: `pan ${SECRET_CARD}`, partitionKey: 'b' },
    ]);

    // Act
    const run = await runBatch({ source: 'kinesis', event, redact: PATHS });

    // Assert
    expect(run.result?.outcomes.map((o) => o.error?.name)).toEqual(['InvalidJsonError', 'InvalidJsonError']);
    expect(leaksIn(run.logText)).toEqual([]);
  });
});

describe('quarantine entries and redaction', () => {
  it('keep the full raw record, secrets included, when the stream opts in (keepRedactedInQuarantine)', async () => {
    // Arrange
    const { kinesis, dynamodb } = factories();
    const kinesisRecord = kinesis.record({ json: secretPayload({ n: 'seven' }), partitionKey: 'a' });
    const ddbRecord = dynamodb.insert(
      { id: 'o-1' },
      { id: 'o-1', status: 7, email: SECRET_EMAIL, card: { number: SECRET_CARD } },
    );

    // Act
    const keep = { keepRedactedInQuarantine: true };
    const kinesisRun = await runBatch({
      source: 'kinesis',
      event: { Records: [kinesisRecord] },
      redact: PATHS,
      stream: keep,
    });
    const ddbRun = await runBatch({ source: 'dynamodb', event: { Records: [ddbRecord] }, redact: PATHS, stream: keep });

    // Assert
    const [kinesisEntry] = kinesisRun.sink.entries;
    const [ddbEntry] = ddbRun.sink.entries;
    expect(kinesisEntry?.record).toEqual(kinesisRecord);
    expect(ddbEntry?.record).toEqual(ddbRecord);
    const data = Buffer.from(kinesisRecord.kinesis.data, 'base64').toString('utf8');
    for (const secret of SECRETS) expect(data).toContain(secret);
    expect(toNdjson(ddbRun.sink.entries)).toContain(SECRET_EMAIL);
    expect(leaksIn([...kinesisRun.logText, ...ddbRun.logText])).toEqual([]);
  });

  // Without the opt-in, the configured paths are redacted in the stored payload too.
  it('hold no value at a configured redaction path unless the user opts in', async () => {
    // Arrange
    const { kinesis, dynamodb } = factories();
    const kinesisRecord = kinesis.record({ json: secretPayload({ n: 'seven' }), partitionKey: 'a' });
    const ddbRecord = dynamodb.insert(
      { id: 'o-1' },
      { id: 'o-1', status: 7, email: SECRET_EMAIL, card: { number: SECRET_CARD } },
    );

    // Act
    const kinesisRun = await runBatch({ source: 'kinesis', event: { Records: [kinesisRecord] }, redact: PATHS });
    const ddbRun = await runBatch({ source: 'dynamodb', event: { Records: [ddbRecord] }, redact: PATHS });

    // Assert
    expect(kinesisRun.sink.entries).toHaveLength(1);
    expect(ddbRun.sink.entries).toHaveLength(1);
    const stored = [toNdjson(kinesisRun.sink.entries), toNdjson(ddbRun.sink.entries)];
    const kinesisRaw = (kinesisRun.sink.entries[0]?.record ?? {}) as { kinesis?: { data?: string } };
    const kinesisData = kinesisRaw.kinesis?.data ?? '';
    stored.push(Buffer.from(kinesisData, 'base64').toString('utf8'));
    expect(leaksIn(stored)).toEqual([]);
  });
});

describe('one redaction engine for log lines and quarantine entries', () => {
  const API_KEY = 'key-5f0c1d';
  const CONTACT = 'contact@example.org';
  const CUSTOMER = 'customer-8812';
  const PATHS = [
    'headers["x-api-key"]',
    'contacts[*].email',
    'customerId',
    '*.headers["x-api-key"]',
    '*.contacts[*].email',
    '*.customerId',
  ];
  const needles = [API_KEY, CONTACT, CUSTOMER];
  const found = (texts: readonly string[]) => needles.filter((needle) => texts.some((text) => text.includes(needle)));

  it('hides bracket and array paths of Kinesis JSON in log lines and in the quarantine entry', async () => {
    // Arrange
    const { kinesis } = factories();
    const payload = {
      userId: 'u-1',
      n: 'not a number',
      headers: { 'x-api-key': API_KEY, accept: 'json' },
      contacts: [{ email: CONTACT }, { email: CONTACT, name: 'B' }],
    };
    const event = kinesis.event([
      { json: { ...payload, n: 1 }, partitionKey: 'a' },
      { json: payload, partitionKey: 'b' },
    ]);

    // Act
    const run = await runBatch({
      source: 'kinesis',
      event,
      processor: 'loose',
      redact: PATHS,
      onRecord: (value, ctx) => {
        ctx.logger.info({ payload: value }, 'received');
        throw new PermanentError('refused');
      },
    });

    // Assert
    expect(run.sink.entries).toHaveLength(2);
    const stored = toNdjson(run.sink.entries);
    const data = run.sink.entries.map((entry) =>
      Buffer.from((entry.record as { kinesis: { data: string } }).kinesis.data, 'base64').toString('utf8'),
    );
    expect(found([...run.logText, stored, ...data])).toEqual([]);
    expect(JSON.parse(data[0]!)).toMatchObject({
      headers: { 'x-api-key': REDACTED, accept: 'json' },
      contacts: [{ email: REDACTED }, { email: REDACTED, name: 'B' }],
    });
  });

  it('hides paths through DynamoDB lists of maps, and key attributes in Keys and in every partitionKey', async () => {
    // Arrange
    const { dynamodb } = factories();
    const item = {
      id: 'o-1',
      customerId: CUSTOMER,
      status: 7,
      contacts: [{ email: CONTACT }, { email: CONTACT }],
      headers: { 'x-api-key': API_KEY },
    };
    const record = dynamodb.insert({ id: 'o-1', customerId: CUSTOMER }, item);

    // Act
    const run = await runBatch({ source: 'dynamodb', event: { Records: [record] }, redact: PATHS });

    // Assert
    const [entry] = run.sink.entries;
    expect(entry?.error.name).toBe('SchemaValidationError');
    expect(entry?.partitionKey).toBe(`{"customerId":"${REDACTED}","id":"o-1"}`);
    const image = (entry!.record as { dynamodb: { NewImage: Record<string, unknown> } }).dynamodb.NewImage;
    expect(image.contacts).toEqual({ L: [{ M: { email: { S: REDACTED } } }, { M: { email: { S: REDACTED } } }] });
    expect(found([...run.logText, toNdjson(run.sink.entries)])).toEqual([]);
    const quarantinedLine = run.logs.find((line) => String(line.msg).startsWith('quarantined'));
    expect(quarantinedLine?.partitionKey).toBe(`{"customerId":"${REDACTED}","id":"o-1"}`);
  });
});
