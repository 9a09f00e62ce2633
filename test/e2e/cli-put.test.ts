import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type RunningCli, removeProject, runCli, startCli } from './fixtures/cli-harness.js';
import { clicksProject } from './fixtures/projects.js';
import { summaryOf } from './fixtures/put-clicks.js';

// One `shardflow dev` (clicks on Kinesis, orders on a DynamoDB table) that every `shardflow put` here writes into.
let project: string;
let dev: RunningCli;
beforeAll(async () => {
  project = await makeProject(clicksProject({ withOrders: true }));
  dev = startCli(['dev'], project);
  await dev.waitForOutput(/^ready: 2 stream\(s\) running/m);
}, 60_000);
afterAll(async () => {
  if (dev.child.exitCode === null) {
    dev.child.kill('SIGINT');
    await dev.exited;
  }
  await removeProject(project);
});

/** Waits until the dev log has `count` lines with this message (polled: no fixed wait). */
async function logged(msg: string, count: number): Promise<Record<string, unknown>[]> {
  const file = join(project, '.shardflow', 'data', 'dev.log');
  for (;;) {
    const text = existsSync(file) ? await readFile(file, 'utf8') : '';
    const lines = text
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === msg);
    if (lines.length >= count) return lines;
    await sleep(100);
  }
}

describe('shardflow put', () => {
  it('puts Kinesis records from arguments with a partition key', async () => {
    // Act
    const result = await runCli(
      ['put', 'clicks', '{"user":"u1","n":1}', '{"user":"u1","n":2}', '--partition-key', 'u1'],
      project,
    );

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^put 2 record\(s\) onto Kinesis stream clicks$/m);
    expect(result.stdout).toMatch(/^ {2}#0 {2}u1 {2}shardId-000000000000 {2}\d+$/m);
    const processed = (await logged('click processed', 2)).map((line) => line.n);
    expect(processed).toEqual(expect.arrayContaining([1, 2]));
  }, 30_000);

  it('packs NDJSON from stdin into one KPL aggregate with --kpl, each user record processed', async () => {
    // Act
    const input = '{"user":"u2","n":3}\n{"user":"u3","n":4}\n{"user":"u2","n":5}\n';
    const result = await runCli(
      ['put', 'clicks', '--kpl', '--partition-key-field', 'user'],
      project,
      {},
      undefined,
      input,
    );

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^put 3 record\(s\) onto Kinesis stream clicks in 1 KPL aggregate\(s\)$/m);
    const processed = (await logged('click processed', 5)).map((line) => line.n);
    expect(processed).toEqual(expect.arrayContaining([3, 4, 5]));
  }, 30_000);

  it.each([
    {
      name: 'no shardflow dev running on the data dir',
      args: ['put', 'clicks', '{"n":1}', '--data-dir', 'elsewhere'],
      code: 1,
      line: /^NoRunningDevError: no shardflow dev runs on elsewhere: start `npx shardflow dev` first/m,
    },
    {
      name: 'a record that is not JSON',
      args: ['put', 'clicks', '{nope'],
      code: 2,
      line: /^CliUsageError: record 1 is not JSON \(/m,
    },
    {
      name: '--delete on a Kinesis stream',
      args: ['put', 'clicks', '--delete', '{"n":1}'],
      code: 2,
      line: /^CliUsageError: stream 'clicks' is a Kinesis stream: --delete is for DynamoDB tables$/m,
    },
    {
      name: 'a stream dev does not run',
      args: ['put', 'nope', '{"n":1}'],
      code: 2,
      line: /^CliUsageError: shardflow dev \(pid \d+\) runs no stream 'nope' \(it runs: clicks, orders\)$/m,
    },
  ])('prints one clear line and exits $code for $name', async ({ args, code, line }) => {
    // Act
    const result = await runCli(args, project);

    // Assert
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(line);
  });
  it('puts items into the table behind a DynamoDB stream from a file, and deletes them with --delete', async () => {
    // Arrange
    await writeFile(join(project, 'orders.json'), JSON.stringify([{ id: 'o1', total: 3 }, { id: 'o2' }]));

    // Act
    const put = await runCli(['put', 'orders', '--file', 'orders.json'], project);
    const deleted = await runCli(['put', 'orders', '--delete', '{"id":"o1"}'], project);
    const changes = (await logged('order processed', 3)).map((line) => `${line.eventName} ${line.id}`);
    dev.child.kill('SIGINT');
    const stopped = await dev.exited;

    // Assert
    expect(put.stdout).toMatch(/^put 2 item\(s\) into DynamoDB table orders$/m);
    expect(deleted.stdout).toMatch(/^deleted 1 item\(s\) from DynamoDB table orders$/m);
    expect(changes).toEqual(['INSERT o1', 'INSERT o2', 'REMOVE o1']);
    expect(summaryOf(stopped.stdout, 'orders')).toMatchObject({ read: 3, done: 3, discarded: 0 });
  }, 30_000);
});
