import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3ClientConfig, type S3Local, startS3Local } from '../../src/local/emulators/s3-local.js';
import { createQuarantineSink } from '../../src/runtime/processing/quarantine/create-quarantine-sink.js';
import { QuarantineWriteError } from '../../src/runtime/processing/quarantine/quarantine-write-error.js';
import { S3QuarantineSink } from '../../src/runtime/processing/quarantine/s3-quarantine-sink.js';
import { kinesisEntries, kinesisEntry } from '../unit/quarantine/fixtures.js';

const BUCKET = 'shop-quarantine';

/** An S3 client that also records the headers of every request it sends (to check SSE). */
function recordingClient(config: S3ClientConfig): { client: S3Client; headers: Record<string, string>[] } {
  const client = new S3Client(config);
  const headers: Record<string, string>[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) headers.push({ ...request.headers });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordHeaders' },
  );
  return { client, headers };
}

async function listKeys(client: S3Client, prefix: string): Promise<string[]> {
  const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (listed.Contents ?? []).map((object) => object.Key ?? '');
}

async function readObject(client: S3Client, key: string): Promise<{ body: string; contentType: string | undefined }> {
  const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return { body: (await object.Body?.transformToString()) ?? '', contentType: object.ContentType };
}

describe('S3QuarantineSink against s3rver', () => {
  let s3: S3Local;
  let client: S3Client;
  let headers: Record<string, string>[];

  beforeAll(async () => {
    s3 = await startS3Local({ buckets: [BUCKET] });
    ({ client, headers } = recordingClient(localS3ClientConfig(s3.endpoint)));
  });

  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  it('listens on loopback and has created the configured bucket', async () => {
    // Arrange
    const endpoint = new URL(s3.endpoint);

    // Act
    const head = await client.send(new HeadBucketCommand({ Bucket: BUCKET }));

    // Assert
    expect(endpoint.hostname).toBe('127.0.0.1');
    expect(Number(endpoint.port)).toBe(s3.port);
    expect(head.$metadata.httpStatusCode).toBe(200);
  });

  it('writes one NDJSON object per write under <prefix><stream>/YYYY/MM/DD/HH/, SSE-S3 encrypted', async () => {
    // Arrange
    const at = new Date('2024-05-01T12:34:56.789Z');
    const sink = new S3QuarantineSink({ client, bucket: BUCKET, prefix: 'poison/', now: () => at });
    const entries = kinesisEntries(3);
    headers.length = 0;

    // Act
    await sink.write(entries);

    // Assert
    const keys = await listKeys(client, 'poison/');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(
      new RegExp(
        `^poison/clicks/2024/05/01/12/2024-05-01T12\\.34\\.56\\.789Z-shardId-000000000006-${entries[0]?.sequenceNumber}-[0-9a-f]{12}\\.ndjson$`,
      ),
    );
    const { body, contentType } = await readObject(client, keys[0]!);
    expect(contentType).toBe('application/x-ndjson');
    expect(body.endsWith('\n')).toBe(true);
    expect(
      body
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(JSON.parse(JSON.stringify(entries)));
    const put = headers.find((h) => h['content-type'] === 'application/x-ndjson');
    expect(put?.['x-amz-server-side-encryption']).toBe('AES256');
  });

  it('uses the default quarantine/ prefix and never overwrites: two writes make two objects', async () => {
    // Arrange
    const sink = new S3QuarantineSink({ client, bucket: BUCKET });

    // Act
    await sink.write([kinesisEntry(10)]);
    await sink.write([kinesisEntry(10)]);

    // Assert
    const keys = await listKeys(client, 'quarantine/clicks/');
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
  });

  it('works through createQuarantineSink with an injected client', async () => {
    // Arrange
    const sink = createQuarantineSink({ type: 's3', bucket: BUCKET, prefix: 'via-spec/' }, { s3: client });

    // Act
    await sink.write([kinesisEntry(20, { stream: 'orders' })]);

    // Assert
    const keys = await listKeys(client, 'via-spec/orders/');
    expect(keys).toHaveLength(1);
    const { body } = await readObject(client, keys[0]!);
    expect(JSON.parse(body).sequenceNumber).toBe(kinesisEntry(20).sequenceNumber);
  });

  it('rejects with a QuarantineWriteError (cause: the S3 error) when the bucket does not exist', async () => {
    // Arrange
    const sink = new S3QuarantineSink({ client, bucket: 'no-such-bucket' });
    const entries = kinesisEntries(2);

    // Act
    const error = await sink.write(entries).catch((caught: unknown) => caught);

    // Assert
    expect(error).toBeInstanceOf(QuarantineWriteError);
    expect((error as QuarantineWriteError).entries).toEqual(entries);
    expect((error as QuarantineWriteError).cause).toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('startS3Local', () => {
  it('removes the temporary directory it created on stop, and stop() is idempotent', async () => {
    // Arrange
    const s3 = await startS3Local({ buckets: ['scratch'] });
    const client = new S3Client(localS3ClientConfig(s3.endpoint));
    await client.send(new HeadBucketCommand({ Bucket: 'scratch' }));
    client.destroy();
    const existedWhileRunning = (await stat(s3.directory)).isDirectory();

    // Act
    await s3.stop();
    await s3.stop();

    // Assert
    expect(existedWhileRunning).toBe(true);
    await expect(stat(s3.directory)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(fetch(`${s3.endpoint}/`)).rejects.toThrow();
  });

  it('leaves a directory it was given in place', async () => {
    // Arrange
    const directory = await mkdtemp(join(tmpdir(), 'shardflow-s3-given-'));
    const s3 = await startS3Local({ directory, buckets: ['kept'] });

    // Act
    await s3.stop();

    // Assert
    expect((await stat(directory)).isDirectory()).toBe(true);
    await rm(directory, { recursive: true, force: true });
  });
});
