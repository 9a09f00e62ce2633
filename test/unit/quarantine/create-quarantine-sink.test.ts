import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendMessageBatchCommand, type SendMessageBatchCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/runtime/errors.js';
import {
  createQuarantineSink,
  type QuarantineSinkSpec,
} from '../../../src/runtime/processing/quarantine/create-quarantine-sink.js';
import type { QuarantineEntry } from '../../../src/runtime/processing/quarantine/quarantine-entry.js';
import { QuarantineWriteError } from '../../../src/runtime/processing/quarantine/quarantine-write-error.js';
import { kinesisEntries } from './fixtures.js';

describe('createQuarantineSink', () => {
  const dirs: string[] = [];

  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('builds a file sink from { type: "file" }', async () => {
    // Arrange
    const dir = await mkdtemp(join(tmpdir(), 'shardflow-create-sink-'));
    dirs.push(dir);
    const path = join(dir, 'q', 'clicks.ndjson');

    // Act
    const sink = createQuarantineSink({ type: 'file', path });
    await sink.write(kinesisEntries(2));

    // Assert
    expect(sink.kind).toBe('file');
    expect((await readFile(path, 'utf8')).trimEnd().split('\n')).toHaveLength(2);
  });

  it('builds a function sink from { type: "function" }', async () => {
    // Arrange
    const seen: QuarantineEntry[] = [];

    // Act
    const sink = createQuarantineSink({ type: 'function', write: (entries) => void seen.push(...entries) });
    await sink.write(kinesisEntries(3));

    // Assert
    expect(sink.kind).toBe('function');
    expect(seen).toHaveLength(3);
  });

  it.each([
    [{ type: 's3', bucket: 'b' }, 's3'],
    [{ type: 'sqs', queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' }, 'sqs'],
    [{ type: 'kinesis', stream: 'q' }, 'kinesis'],
    [{ type: 'dynamodb', table: 'q' }, 'dynamodb'],
  ] as const)('names an AWS sink by its kind without loading it (%o)', (spec, kind) => {
    // Arrange
    const typed: QuarantineSinkSpec = spec;

    // Act
    const sink = createQuarantineSink(typed);

    // Assert
    expect(sink.kind).toBe(kind);
  });

  it('uses an injected SQS client, loaded on the first write (mocked: no SQS emulator here)', async () => {
    // Arrange
    const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const sqs = mockClient(client);
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: (input.Entries ?? []).map((entry) => ({ Id: entry.Id!, MessageId: 'm', MD5OfMessageBody: 'x' })),
      Failed: [],
    }));
    const queueUrl = 'https://sqs.us-east-1.amazonaws.com/123456789012/clicks-quarantine';
    const sink = createQuarantineSink({ type: 'sqs', queueUrl }, { sqs: client });

    // Act
    await sink.write([]);
    const callsAfterEmptyWrite = sqs.commandCalls(SendMessageBatchCommand).length;
    await sink.write(kinesisEntries(12));

    // Assert
    expect(callsAfterEmptyWrite).toBe(0);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((call) => call.args[0].input.QueueUrl)).toEqual([queueUrl, queueUrl]);
    sqs.restore();
  });

  it('surfaces the sink’s QuarantineWriteError through the lazy wrapper (mocked: no SQS emulator here)', async () => {
    // Arrange
    const client = new SQSClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const sqs = mockClient(client);
    const failure = Object.assign(new Error('queue does not exist'), { name: 'QueueDoesNotExist' });
    sqs.on(SendMessageBatchCommand).rejects(failure);
    const sink = createQuarantineSink(
      { type: 'sqs', queueUrl: 'https://sqs.us-east-1.amazonaws.com/1/missing' },
      { sqs: client },
    );

    // Act
    const error = await sink.write(kinesisEntries(1)).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect((error as QuarantineWriteError).cause).toBe(failure);
    sqs.restore();
  });

  it('rejects an unknown sink type with a ConfigError', () => {
    // Arrange
    const spec = { type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:t' } as unknown as QuarantineSinkSpec;

    // Act
    const create = () => createQuarantineSink(spec);

    // Assert
    expect(create).toThrow(ConfigError);
    expect(create).toThrow(/quarantine\.type: unknown quarantine sink type "sns"/);
  });
});
