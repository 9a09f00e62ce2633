import { existsSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import type { DevState } from '../../src/cli/dev/dev-state.js';
import { isRunning } from '../integration/fixtures/processes.js';
import { makeProject, REPO, removeProject, runCli, startCli } from './fixtures/cli-harness.js';
import { localOnlyProject } from './fixtures/projects.js';

// The real bin, with a preloaded guard that records (and fails) every connection that leaves loopback and every
// DNS look-up of a non-loopback name, in an environment that looks like a laptop with real AWS credentials.
const GUARD = join(REPO, 'test', 'e2e', 'fixtures', 'loopback-only.cjs');
const projects: string[] = [];

/** A project whose processors import the AWS SDK, installed as a user would: `node_modules/@aws-sdk`. */
async function makeSdkProject(): Promise<string> {
  const project = await makeProject(localOnlyProject());
  await symlink(join(REPO, 'node_modules', '@aws-sdk'), join(project, 'node_modules', '@aws-sdk'), 'dir');
  return project;
}
afterEach(async () => {
  await Promise.all(projects.splice(0).map(removeProject));
});

function laptopEnv(project: string): NodeJS.ProcessEnv {
  return {
    NODE_OPTIONS: `--require ${GUARD}`,
    LOOPBACK_ONLY_LOG: join(project, 'outgoing.log'),
    AWS_PROFILE: 'production',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLE',
  };
}

/** The JSON lines of a log file, once `done` is true of them (polled: no fixed wait). */
async function logLinesWhen(
  file: string,
  done: (lines: Record<string, unknown>[]) => boolean,
): Promise<Record<string, unknown>[]> {
  for (;;) {
    const text = existsSync(file) ? await readFile(file, 'utf8') : '';
    const lines = text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    if (done(lines)) return lines;
    await sleep(100);
  }
}

async function outgoing(project: string): Promise<string> {
  const file = join(project, 'outgoing.log');
  return existsSync(file) ? readFile(file, 'utf8') : '';
}

describe('local runs never reach AWS', () => {
  it("shardflow dev, put and invoke: processors' own SDK clients (new S3Client({}), new DynamoDBClient({})) reach the emulators and nothing leaves loopback", async () => {
    // Arrange
    const project = await makeSdkProject();
    projects.push(project);
    const env = laptopEnv(project);
    const dev = startCli(['dev'], project, env);
    const [, javaPid] = await dev.waitForOutput(/DynamoDB Local pid (\d+)/);
    await dev.waitForOutput(/^ready: 2 stream\(s\) running/m);

    // Act
    const putClicks = await runCli(
      ['put', 'clicks', '{"user":"u1","n":1}', '{"user":"u2","n":2}', '--partition-key-field', 'user'],
      project,
      env,
    );
    const putOrder = await runCli(['put', 'orders', '{"orderId":"o1","total":5}'], project, env);
    const log = join(project, '.shardflow', 'data', 'dev.log');
    const lines = await logLinesWhen(
      log,
      (all) =>
        all.filter((line) => line.msg === 'click stored').length === 2 &&
        all.some((line) => line.msg === 'order stored'),
    );
    const state = JSON.parse(await readFile(join(project, '.shardflow', 'data', 'dev.json'), 'utf8')) as DevState;
    const invoked = await runCli(['invoke', 'clicks', '--event', 'events/clicks.json'], project, env);
    const emulator = { region: state.region, credentials: state.credentials };
    const s3 = new S3Client({ ...emulator, endpoint: state.endpoints.s3!, forcePathStyle: true });
    const dynamodb = new DynamoDBClient({ ...emulator, endpoint: state.endpoints.dynamodb! });
    const lake = await s3.send(new GetObjectCommand({ Bucket: 'local-only-lake', Key: 'clicks/2.json' }));
    const order = await s3.send(new GetObjectCommand({ Bucket: 'local-only-lake', Key: 'orders/o1.json' }));
    const total = await dynamodb.send(
      new GetItemCommand({ TableName: 'local-only-totals', Key: { user: { S: 'u9' } } }),
    );
    s3.destroy();
    dynamodb.destroy();
    dev.child.kill('SIGINT');
    const stopped = await dev.exited;

    // Assert
    expect(await outgoing(project)).toBe('');
    expect(putClicks).toMatchObject({ code: 0 });
    expect(putClicks.stdout).toMatch(/^put 2 record\(s\) onto Kinesis stream clicks$/m);
    expect(putOrder.stdout).toMatch(/^put 1 item\(s\) into DynamoDB table orders$/m);
    expect(JSON.parse(await lake.Body!.transformToString())).toEqual({ user: 'u2', n: 2 });
    expect(JSON.parse(await order.Body!.transformToString())).toEqual({ orderId: 'o1', total: 5 });
    const clicks = lines.filter((line) => line.msg === 'click stored');
    // Kinesis over the SDK's default HTTP/2, SQS with a real-AWS queue URL blocked, SNS refused: never AWS.
    expect(clicks[0]).toMatchObject({
      stream: 'clicks',
      probes: { sqs: 'AwsConnectionBlockedError', sns: 'NoLocalEmulator' },
    });
    expect(invoked.code).toBe(0);
    expect(invoked.stderr).toMatch(/^environment: the emulators of shardflow dev \(pid \d+\)/m);
    expect(total.Item?.clicks).toEqual({ N: '1' });
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toMatch(/^summary clicks: read=2 done=2 /m);
    expect(isRunning(Number(javaPid))).toBe(false);
    expect(existsSync(join(project, '.shardflow', 'data', 'dev.json'))).toBe(false);
  }, 90_000);

  it('shardflow invoke without a running dev starts the emulators the stream needs, and nothing leaves loopback', async () => {
    // Arrange
    const project = await makeSdkProject();
    projects.push(project);

    // Act
    const result = await runCli(['invoke', 'orders', '--event', 'events/orders.json'], project, laptopEnv(project));

    // Assert
    expect(await outgoing(project)).toBe('');
    expect(result.stderr).toMatch(
      /^environment: emulators \(dynamodb, s3\) on \.shardflow\/data, started for this invocation$/m,
    );
    expect(result.stderr).toContain('1 record: 1 processed');
    expect(result.code).toBe(0);
  }, 60_000);
});
