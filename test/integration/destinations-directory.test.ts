import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryOnFailureDestination } from '../../src/local/esm/destinations/directory-destination.js';
import { OnFailureDeliveryError, OnFailureReadError } from '../../src/local/esm/destinations/errors.js';
import { buildOnFailureRecord } from '../../src/local/esm/destinations/on-failure-record.js';
import type { OnFailureDelivery } from '../../src/local/esm/ports.js';
import {
  DYNAMODB_SHARD,
  DYNAMODB_STREAM_ARN,
  dynamodbRecord,
  ESM_UUID,
  FUNCTION_ARN,
  KINESIS_SHARD,
  KINESIS_STREAM_ARN,
  kinesisRecord,
  REQUEST_ID,
} from '../unit/esm-destinations/fixtures.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

function kinesisDelivery(now: string): OnFailureDelivery {
  const records = [kinesisRecord('300', 1_704_067_200_250), kinesisRecord('301', 1_704_067_200_500)];
  const record = buildOnFailureRecord({
    source: 'kinesis',
    condition: 'RetryAttemptsExhausted',
    functionError: null,
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 3,
    shardId: KINESIS_SHARD,
    streamArn: KINESIS_STREAM_ARN,
    records,
    now: new Date(now),
  });
  return { record, records, shardId: KINESIS_SHARD, esmUuid: ESM_UUID };
}

function dynamodbDelivery(now: string): OnFailureDelivery {
  const records = [dynamodbRecord('111100000000000000000042', 1_704_067_100_000)];
  const record = buildOnFailureRecord({
    source: 'dynamodb',
    condition: 'RecordAgeExceeded',
    functionError: null,
    requestId: REQUEST_ID,
    functionArn: FUNCTION_ARN,
    approximateInvokeCount: 0,
    shardId: DYNAMODB_SHARD,
    streamArn: DYNAMODB_STREAM_ARN,
    records,
    now: new Date(now),
  });
  return { record, records, shardId: DYNAMODB_SHARD, esmUuid: ESM_UUID };
}

/** Every file under `root`, relative, `/`-separated, sorted. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) =>
      join(entry.parentPath, entry.name)
        .slice(root.length + 1)
        .split('\\')
        .join('/'),
    )
    .sort();
}

describe('DirectoryOnFailureDestination on a temporary directory', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'shardflow-on-failure-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes the S3 key layout as a .json file holding the record and its payload', async () => {
    // Arrange
    const destination = new DirectoryOnFailureDestination({ path: root });
    const delivery = kinesisDelivery('2024-07-04T09:08:07.006Z');

    // Act
    await destination.send(delivery);

    // Assert
    const files = await filesUnder(root);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      new RegExp(`^aws/lambda/${ESM_UUID}/${KINESIS_SHARD}/2024/07/04/2024-07-04T09\\.08\\.07-${UUID}\\.json$`),
    );
    const content = JSON.parse(await readFile(join(root, files[0] ?? ''), 'utf8'));
    expect(content).toEqual({ ...delivery.record, payload: { Records: JSON.parse(JSON.stringify(delivery.records)) } });
    expect(content.KinesisBatchInfo.approximateArrivalOfFirstRecord).toBe('2024-01-01T00:00:00.250Z');
  });

  it('reads records back sorted by key, with their keys', async () => {
    // Arrange
    const destination = new DirectoryOnFailureDestination({ path: root });
    await destination.send(kinesisDelivery('2024-01-02T00:00:00.000Z'));
    await destination.send(dynamodbDelivery('2024-01-01T00:00:00.000Z'));
    await destination.send(kinesisDelivery('2024-01-01T12:00:00.000Z'));

    // Act
    const stored = await destination.listStored();

    // Assert
    const keys = stored.map((entry) => entry.key);
    expect(keys).toEqual([...keys].sort());
    expect(keys.map((key) => `${key}.json`)).toEqual(await filesUnder(root));
    expect(stored.map((entry) => entry.record.timestamp)).toEqual([
      '2024-01-01T12:00:00.000Z',
      '2024-01-02T00:00:00.000Z',
      '2024-01-01T00:00:00.000Z',
    ]);
    const ddb = stored[2]?.record;
    expect(ddb).not.toHaveProperty('responseContext');
    expect(ddb?.DDBStreamBatchInfo?.approximateArrivalOfFirstRecord).toBe('2023-12-31T23:58:20Z');
    expect(await destination.list()).toEqual(stored.map((entry) => entry.record));
  });

  it('ignores the temporary file of an interrupted write', async () => {
    // Arrange
    const destination = new DirectoryOnFailureDestination({ path: root });
    await destination.send(kinesisDelivery('2024-01-01T00:00:00.000Z'));
    const folder = join(root, 'aws', 'lambda', ESM_UUID, KINESIS_SHARD, '2024', '01', '01');
    await writeFile(join(folder, '2024-01-01T00.00.01-x.json.123-abc.tmp'), '{"requestCon');

    // Act
    const records = await destination.list();

    // Assert
    expect(records).toHaveLength(1);
  });

  it('lists nothing when the directory does not exist yet', async () => {
    // Arrange
    const destination = new DirectoryOnFailureDestination({ path: join(root, 'missing') });

    // Act
    const records = await destination.list();

    // Assert
    expect(records).toEqual([]);
  });

  it('fails a delivery it cannot write with OnFailureDeliveryError', async () => {
    // Arrange: the root is a regular file, so no directory can be created under it
    const path = join(root, 'not-a-directory');
    await writeFile(path, 'x');
    const destination = new DirectoryOnFailureDestination({ path });

    // Act
    const sent = destination.send(kinesisDelivery('2024-01-01T00:00:00.000Z'));

    // Assert
    await expect(sent).rejects.toThrow(OnFailureDeliveryError);
    await expect(sent).rejects.toMatchObject({ destinationKind: 'directory', shardId: KINESIS_SHARD });
  });

  it('refuses to list a file that is not an on-failure record', async () => {
    // Arrange
    const destination = new DirectoryOnFailureDestination({ path: root });
    await mkdir(join(root, 'aws', 'lambda', 'x'), { recursive: true });
    await writeFile(join(root, 'aws', 'lambda', 'x', 'broken.json'), '{"version":"1.0"}');

    // Act
    const listed = destination.list();

    // Assert
    await expect(listed).rejects.toThrow(OnFailureReadError);
    await expect(listed).rejects.toThrow(/broken\.json: the file has no requestContext/);
  });
});
