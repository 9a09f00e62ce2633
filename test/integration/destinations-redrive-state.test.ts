import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localS3ClientConfig, type S3Local, startS3Local } from '../../src/local/emulators/s3-local.js';
import { DirectoryOnFailureDestination } from '../../src/local/esm/destinations/directory-destination.js';
import { buildOnFailureRecord } from '../../src/local/esm/destinations/on-failure-record.js';
import {
  countOutcomes,
  type RedriveAttempt,
  type RedrivenRecord,
  redriveStatusOf,
} from '../../src/local/esm/destinations/redrive-state.js';
import { S3OnFailureDestination } from '../../src/local/esm/destinations/s3-destination.js';
import type { OnFailureDelivery } from '../../src/local/esm/ports.js';
import {
  ESM_UUID,
  FUNCTION_ARN,
  KINESIS_SHARD,
  KINESIS_STREAM_ARN,
  kinesisRecord,
  REQUEST_ID,
} from '../unit/esm-destinations/fixtures.js';

function delivery(now: string): OnFailureDelivery {
  const records = [kinesisRecord('500', 1_704_067_200_000), kinesisRecord('501', 1_704_067_200_100)];
  const record = buildOnFailureRecord({
    source: 'kinesis',
    condition: 'RetryAttemptsExhausted',
    functionError: null,
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 1,
    shardId: KINESIS_SHARD,
    streamArn: KINESIS_STREAM_ARN,
    records,
    now: new Date(now),
  });
  return { record, records, shardId: KINESIS_SHARD, esmUuid: ESM_UUID };
}

function attempt(records: readonly RedrivenRecord[], at: string): RedriveAttempt {
  return {
    at,
    by: 'alice@laptop',
    command: 'shardflow destinations redrive clicks --all --mode invoke',
    mode: 'invoke',
    status: redriveStatusOf(records),
    described: 2,
    missing: 0,
    counts: countOutcomes(records),
    records,
  };
}

const FAILED = attempt(
  [
    { sequenceNumber: '500', outcome: 'failed', error: 'TransientError: store down' },
    { sequenceNumber: '501', outcome: 'blocked' },
  ],
  '2024-01-02T00:00:00.000Z',
);
const REDRIVEN = attempt(
  [
    { sequenceNumber: '500', outcome: 'processed' },
    { sequenceNumber: '501', outcome: 'already-applied' },
  ],
  '2024-01-03T00:00:00.000Z',
);

describe('redrive state beside an S3 on-failure record (s3rver)', () => {
  let s3: S3Local;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startS3Local({});
    client = new S3Client(localS3ClientConfig(s3.endpoint));
    await client.send(new CreateBucketCommand({ Bucket: 'clicks-failures' }));
  });

  afterAll(async () => {
    client.destroy();
    await s3.stop();
  });

  it('writes <key>.redrive.json with every attempt; listing shows the state, never the sidecar as a record', async () => {
    // Arrange
    const destination = new S3OnFailureDestination({ client, bucket: 'clicks-failures' });
    await destination.send(delivery('2024-01-01T00:01:00.000Z'));
    await destination.send(delivery('2024-01-01T00:02:00.000Z'));
    const [first, second] = await destination.listStored();

    // Act
    await destination.recordRedrive(first!, FAILED);
    const recorded = await destination.recordRedrive(first!, REDRIVEN);
    const stored = await destination.listStored();

    // Assert
    expect(recorded.where).toBe(`s3://clicks-failures/${first!.key}.redrive.json`);
    expect(stored.map((entry) => entry.key)).toEqual([first!.key, second!.key]);
    expect(stored[0]!.redrive).toEqual({
      version: 1,
      key: first!.key,
      status: 'redriven',
      attempts: [FAILED, REDRIVEN],
    });
    expect(stored[1]!.redrive).toBeUndefined();
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'clicks-failures' }));
    expect((listed.Contents ?? []).map((object) => object.Key).sort()).toEqual(
      [first!.key, `${first!.key}.redrive.json`, second!.key].sort(),
    );
    const sidecar = await client.send(
      new GetObjectCommand({ Bucket: 'clicks-failures', Key: `${first!.key}.redrive.json` }),
    );
    expect(sidecar.ContentType).toBe('application/json');
    expect(JSON.parse((await sidecar.Body?.transformToString()) ?? '').attempts).toHaveLength(2);
  });
});

describe('redrive state beside a directory on-failure record (sidecar file)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shardflow-redrive-state-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes <key>.redrive.json next to <key>.json; listing shows the state, never the sidecar as a record', async () => {
    // Arrange
    const destination = new DirectoryOnFailureDestination({ path: dir });
    await destination.send(delivery('2024-01-01T00:01:00.000Z'));
    const [stored] = await destination.listStored();

    // Act
    const recorded = await destination.recordRedrive(stored!, FAILED);
    const listed = await destination.listStored();

    // Assert
    const file = join(dir, ...`${stored!.key}.redrive.json`.split('/'));
    expect(recorded.where).toBe(file);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.redrive).toMatchObject({ status: 'failed', attempts: [FAILED] });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(recorded.state);
    const files = await readdir(join(dir, ...stored!.key.split('/').slice(0, -1)));
    expect(files.sort()).toEqual(
      [`${stored!.key.split('/').at(-1)}.json`, `${stored!.key.split('/').at(-1)}.redrive.json`].sort(),
    );
  });
});
