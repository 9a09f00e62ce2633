import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, removeProject, runCli, startCli } from './fixtures/cli-harness.js';
import { clicksProject } from './fixtures/projects.js';
import { putClicks, summaryOf } from './fixtures/put-clicks.js';

// Runs the real bin on the data dir of a real `shardflow dev` run (kinesalite on disk, the SQS
// on-failure destination kept as a local directory, as `dev` does for services without an emulator).
// beforeAll makes one run whose processor fails on purpose (maxRetries 0: one invocation, then the batch
// is discarded); each test works on its own copy of that project.
let golden: string;
let copies: string;
const CLICKS = [0, 1, 2].map((n) => ({ user: 'u-1', n }));

beforeAll(async () => {
  golden = await makeProject({ ...clicksProject(), 'fail.flag': '' });
  copies = await mkdtemp(join(tmpdir(), 'shardflow-cli-copies-'));
  const dev = startCli(['dev', '--data-dir', 'data', '--duration', '3'], golden);
  const [, endpoint] = await dev.waitForOutput(/^ {2}kinesis +(http:\S+)$/m);
  await dev.waitForOutput(/^ready: /m);
  await putClicks(endpoint!, CLICKS);
  const result = await dev.exited;
  expect(result.code).toBe(0);
  expect(summaryOf(result.stdout, 'clicks')).toMatchObject({ read: 3, discarded: 3, invocations: 1 });
}, 60_000);

afterAll(async () => {
  await removeProject(golden);
  await rm(copies, { recursive: true, force: true });
});

/** A copy of the failed run's project, with the processor working again (no fail.flag). */
async function repairedCopy(name: string): Promise<string> {
  const dir = join(copies, name);
  await cp(golden, dir, { recursive: true });
  await rm(join(dir, 'fail.flag'));
  return dir;
}

async function onlyKey(project: string): Promise<string> {
  const list = await runCli(['destinations', 'list', 'clicks', '--data-dir', 'data'], project);
  const keys = list.stdout.split('\n').filter((line) => line.startsWith('aws/lambda/'));
  expect(keys).toHaveLength(1);
  return keys[0]!.split(/\s+/)[0]!;
}

describe('shardflow destinations', () => {
  it('lists and shows the on-failure record, then redrives it through the handler', { timeout: 40_000 }, async () => {
    // Arrange
    const project = await repairedCopy('list-show-redrive');

    // Act
    const list = await runCli(['destinations', 'list', 'clicks', '--data-dir', 'data'], project);
    const key = list.stdout.split('\n')[2]!.split(/\s+/)[0]!;
    const show = await runCli(['destinations', 'show', 'clicks', key, '--data-dir', 'data'], project);
    const redrive = await runCli(['destinations', 'redrive', 'clicks', '--all', '--data-dir', 'data'], project);

    // Assert
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(
      /^key +condition +shard +sequence \(start–end\) +batch size +timestamp$/,
    );
    expect(list.stdout.split('\n')[2]).toMatch(
      /^aws\/lambda\/[0-9a-f-]{36}\/shardId-000000000000\/\S+ +RetryAttemptsExhausted +shardId-000000000000 +\d+–\d+ +3 +\d{4}-\d\d-\d\dT/,
    );
    expect(show.code).toBe(0);
    const record = JSON.parse(show.stdout);
    expect(record).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 1 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: null },
      version: '1.0',
      KinesisBatchInfo: { shardId: 'shardId-000000000000', batchSize: 3 },
    });
    const payloads = record.payload.Records.map((r: { kinesis: { data: string } }) =>
      JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')),
    );
    expect(payloads).toEqual(CLICKS);
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toContain(`redrive ${key}: 3 record(s) from the payload`);
    expect(redrive.stdout).toContain('batch 1/1 (3 record(s)): response {"batchItemFailures":[]}');
    expect(redrive.stdout.match(/\bu-1 +clicks +processed$/gm)).toHaveLength(3);
    expect(redrive.stdout).toContain('redrive done: 1/1 on-failure record(s) fully handled · 3 records: 3 processed');
  });

  it('redrives a record stored without payload by reading its sequence range from the stream', {
    timeout: 40_000,
  }, async () => {
    // Arrange
    const project = await repairedCopy('from-stream');
    const key = await onlyKey(project);
    const file = join(project, 'data', 'on-failure', 'clicks', `${key}.json`);
    const { payload: _payload, ...withoutPayload } = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(file, JSON.stringify(withoutPayload));
    const info = withoutPayload.KinesisBatchInfo;

    // Act
    const redrive = await runCli(['destinations', 'redrive', 'clicks', '--key', key, '--data-dir', 'data'], project);

    // Assert
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toContain(
      `redrive ${key}: 3 record(s) from the stream (${info.startSequenceNumber}–${info.endSequenceNumber})`,
    );
    expect(redrive.stdout.match(/\bu-1 +clicks +processed$/gm)).toHaveLength(3);
  });

  it('puts the records back onto the stream with --mode put, and the next dev run processes them', {
    timeout: 40_000,
  }, async () => {
    // Arrange
    const project = await repairedCopy('put');

    // Act
    const redrive = await runCli(
      ['destinations', 'redrive', 'clicks', '--all', '--mode', 'put', '--data-dir', 'data'],
      project,
    );
    const dev = await runCli(['dev', '--data-dir', 'data', '--duration', '3'], project);

    // Assert
    expect(redrive.code).toBe(0);
    expect(redrive.stdout).toMatch(/^ {2}put 3 record\(s\) onto Kinesis stream clicks: sequence numbers \d+…\d+$/m);
    expect(dev.code).toBe(0);
    // Only the records put back: the discarded originals stay behind the checkpoint.
    expect(summaryOf(dev.stdout, 'clicks')).toMatchObject({ read: 3, done: 3, discarded: 0 });
    const log = (await readFile(join(project, 'data', 'dev.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(log.filter((line) => line.msg === 'click processed').map((line) => line.n)).toEqual([0, 1, 2]);
  });

  it.each([
    { name: 'neither --key nor --all', args: ['redrive', 'clicks'], code: 2, line: /^CliUsageError: pass --key/m },
    {
      name: 'an unknown key',
      args: ['redrive', 'clicks', '--key', 'aws/lambda/nope'],
      code: 1,
      line: /^OnFailureRecordNotFoundError: stream 'clicks' has no on-failure record with key aws\/lambda\/nope/m,
    },
    {
      name: 'a data dir that does not exist',
      args: ['list', 'clicks', '--data-dir', 'elsewhere'],
      code: 1,
      line: /^DataDirNotFoundError: no data dir at \S+elsewhere: run `shardflow dev --data-dir/m,
    },
    {
      name: 'an unsupported --mode',
      args: ['redrive', 'clicks', '--all', '--mode', 'sideways'],
      code: 2,
      line: /argument 'sideways' is invalid/,
    },
  ])('prints one clear line and exits $code for $name', { timeout: 20_000 }, async ({ args, code, line }) => {
    // Arrange
    const project = golden;

    // Act
    const result = await runCli(['destinations', ...args.slice(0, 2), '--data-dir', 'data', ...args.slice(2)], project);

    // Assert
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(line);
  });

  it('refuses --mode put for a DynamoDB stream and exits 2', async () => {
    // Arrange
    const project = await makeProject(clicksProject({ withOrders: true }));

    // Act
    const result = await runCli(['destinations', 'redrive', 'orders', '--all', '--mode', 'put'], project);

    // Assert
    await removeProject(project);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^RedriveNotSupportedError: cannot redrive stream 'orders' with --mode put: a DynamoDB stream is written only by changes to its table/m,
    );
  });
});

describe('shardflow destinations with an S3 on-failure destination (s3rver on the data dir)', () => {
  it('lists and shows the record dev stored in the bucket', { timeout: 40_000 }, async () => {
    // Arrange
    const project = await makeProject({ ...clicksProject({ onFailure: 's3' }), 'fail.flag': '' });
    try {
      const dev = startCli(['dev', '--data-dir', 'data', '--duration', '3'], project);
      const [, endpoint] = await dev.waitForOutput(/^ {2}kinesis +(http:\S+)$/m);
      await dev.waitForOutput(/^ready: /m);
      await putClicks(endpoint!, CLICKS);
      expect(summaryOf((await dev.exited).stdout, 'clicks')).toMatchObject({ discarded: 3 });

      // Act
      const list = await runCli(['destinations', 'list', 'clicks', '--data-dir', 'data'], project);
      const key = list.stdout.split('\n')[2]?.split(/\s+/)[0] ?? '';
      const show = await runCli(['destinations', 'show', 'clicks', key, '--data-dir', 'data'], project);

      // Assert
      expect(list.code).toBe(0);
      expect(key).toMatch(/^aws\/lambda\/[0-9a-f-]{36}\/shardId-000000000000\/\d{4}\/\d\d\/\d\d\/\S+-[0-9a-f-]{36}$/);
      expect(show.code).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({
        requestContext: { condition: 'RetryAttemptsExhausted' },
        KinesisBatchInfo: { batchSize: 3 },
        payload: { Records: [{ kinesis: { partitionKey: 'u-1' } }, {}, {}] },
      });
    } finally {
      await removeProject(project);
    }
  });
});
