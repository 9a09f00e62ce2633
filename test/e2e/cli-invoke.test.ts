import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, removeProject, runCli } from './fixtures/cli-harness.js';
import { clicksProject, kinesisSampleEvent } from './fixtures/projects.js';

// Runs the real bin (`node bin/shardflow.js invoke …`) in a temporary project; no emulator is involved.
let project: string;
beforeAll(async () => {
  project = await makeProject({
    ...clicksProject(),
    'events/kinesis-sample.json': JSON.stringify(kinesisSampleEvent(), null, 2),
    'events/not-a-stream-event.json': JSON.stringify({ hello: 'world' }),
    'events/broken.json': '{ "Records": [',
  });
});
afterAll(async () => {
  await removeProject(project);
});

describe('shardflow invoke', () => {
  it("runs the stream's handler on AWS's sample Kinesis event and reports the quarantined record", async () => {
    // Arrange
    const args = ['invoke', 'clicks', '--event', 'events/kinesis-sample.json'];

    // Act
    const result = await runCli(args, project);

    // Assert
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ batchItemFailures: [] });
    const rows = result.stderr.split('\n').filter((line) => /^\d+ {2}shardId-000000000006/.test(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/49590338271490256608559692538361571095921575989136588898\s+1\s+clicks\s+processed$/);
    expect(rows[1]).toMatch(/\bquarantined\s+InvalidJsonError: /);
    expect(result.stderr).toContain('2 records: 1 processed, 1 quarantined');
    const quarantined = (await readFile(join(project, '.shardflow/quarantine/clicks.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(quarantined.at(-1)).toMatchObject({
      stream: 'clicks',
      sequenceNumber: '49590338271490256608559692540925702759324208523137515618',
      error: { name: 'InvalidJsonError' },
    });
  });

  it('reports the transient failure of a record in batchItemFailures and still exits 0 (it is a report)', async () => {
    // Arrange
    await writeFile(join(project, 'fail.flag'), '');

    // Act
    const result = await runCli(['invoke', 'clicks', '--event', 'events/kinesis-sample.json'], project);

    // Assert
    await rm(join(project, 'fail.flag'));
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      batchItemFailures: [{ itemIdentifier: '49590338271490256608559692538361571095921575989136588898' }],
    });
    expect(result.stderr).toMatch(/\bfailed\s+TransientError: analytics store down \(click 1\)/);
  });

  it("exits 1 with Lambda's error response when the handler throws", async () => {
    // Arrange
    const args = ['invoke', 'clicks', '--event', 'events/not-a-stream-event.json'];

    // Act
    const result = await runCli(args, project);

    // Assert
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ errorType: 'UnsupportedEventError' });
    expect(result.stderr).toMatch(/^UnsupportedEventError: /m);
  });

  it.each([
    {
      name: 'an unreadable event file',
      args: ['invoke', 'clicks', '--event', 'events/missing.json'],
      code: 1,
      line: /^EventFileError: events\/missing.json: no such file$/m,
    },
    {
      name: 'an event file that is not JSON',
      args: ['invoke', 'clicks', '--event', 'events/broken.json'],
      code: 1,
      line: /^EventFileError: events\/broken.json: not JSON/m,
    },
    {
      name: 'an unknown stream',
      args: ['invoke', 'nope', '--event', 'events/kinesis-sample.json'],
      code: 2,
      line: /^CliUsageError: unknown stream 'nope' \(the config has: clicks\)$/m,
    },
    {
      name: 'a missing --event',
      args: ['invoke', 'clicks'],
      code: 2,
      line: /required option '--event <file>' not specified/,
    },
    {
      name: 'a missing config file',
      args: ['invoke', 'clicks', '--event', 'events/kinesis-sample.json', '--config', 'other.config.ts'],
      code: 1,
      line: /^ConfigFileError: other.config.ts: the file does not exist/m,
    },
  ])('prints one clear line and exits $code for $name', async ({ args, code, line }) => {
    // Arrange (the project from beforeAll)

    // Act
    const result = await runCli(args, project);

    // Assert
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(line);
    expect(result.stdout).toBe('');
  });
});
