import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, REPO, removeProject, runCli } from './fixtures/cli-harness.js';
import { anyRecordProject, clicksProject, kinesisSampleEvent } from './fixtures/projects.js';

/** AWS's own sample events (SAM CLI, Powertools, aws-lambda-go): see test/fixtures/aws-sample-events/README.md. */
const SAMPLES = join(REPO, 'test', 'fixtures', 'aws-sample-events');

// Runs the real bin (`node bin/shardflow.js invoke …`) in a temporary project; no emulator is involved.
let project: string;
beforeAll(async () => {
  project = await makeProject({
    ...clicksProject(),
    'events/kinesis-sample.json': JSON.stringify(kinesisSampleEvent(), null, 2),
    'events/not-a-stream-event.json': JSON.stringify({ hello: 'world' }),
    'events/broken.json': '{ "Records": [',
    'events/sam-cli-dynamodb-update.json': await readFile(join(SAMPLES, 'sam-cli-dynamodb-update.json'), 'utf8'),
  });
});
afterAll(async () => {
  await removeProject(project);
});

describe('shardflow invoke', () => {
  it('reports the record that is not JSON for retry, as Lambda does without a quarantine, and exits 1', async () => {
    // Arrange
    const args = ['invoke', 'clicks', '--event', 'events/kinesis-sample.json'];

    // Act
    const result = await runCli(args, project);

    // Assert
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      batchItemFailures: [{ itemIdentifier: '49590338271490256608559692540925702759324208523137515618' }],
    });
    const rows = result.stderr.split('\n').filter((line) => /^\d+ {2}shardId-000000000006/.test(line));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(/49590338271490256608559692538361571095921575989136588898\s+1\s+clicks\s+processed$/);
    expect(rows[1]).toMatch(/\bfailed\s+InvalidJsonError: /);
    expect(result.stderr).toContain('2 records: 1 processed, 1 failed');
    expect(result.stderr).toMatch(/^exit 1: 1 record\(s\) failed or were quarantined \(--allow-failures to exit 0\)$/m);
    expect(result.stderr).toMatch(/^environment: local, no emulator needed/m);
  });

  it('quarantines into the data dir with the opt-in --local-quarantine, and exits 0 with --allow-failures', async () => {
    // Arrange
    const args = ['invoke', 'clicks', '--event', 'events/kinesis-sample.json', '--local-quarantine'];

    // Act
    const strict = await runCli(args, project);
    const allowed = await runCli([...args, '--allow-failures'], project);

    // Assert
    expect(strict.code).toBe(1);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout)).toEqual({ batchItemFailures: [] });
    expect(allowed.stderr).toMatch(
      /^quarantine: none \(--local-quarantine\) → \.shardflow\/data\/quarantine\/clicks\.ndjson$/m,
    );
    expect(allowed.stderr).toContain('2 records: 1 processed, 1 quarantined');
    const quarantined = (await readFile(join(project, '.shardflow/data/quarantine/clicks.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(quarantined.at(-1)).toMatchObject({
      stream: 'clicks',
      sequenceNumber: '49590338271490256608559692540925702759324208523137515618',
      error: { name: 'InvalidJsonError' },
    });
  });

  it('reports the transient failure of a record in batchItemFailures and exits 1 (0 with --allow-failures)', async () => {
    // Arrange
    await writeFile(join(project, 'fail.flag'), '');

    // Act
    const result = await runCli(['invoke', 'clicks', '--event', 'events/kinesis-sample.json'], project);
    const allowed = await runCli(
      ['invoke', 'clicks', '--event', 'events/kinesis-sample.json', '--allow-failures'],
      project,
    );

    // Assert
    await rm(join(project, 'fail.flag'));
    expect(result.code).toBe(1);
    expect(allowed.code).toBe(0);
    expect(JSON.parse(result.stdout).batchItemFailures[0]).toEqual({
      itemIdentifier: '49590338271490256608559692538361571095921575989136588898',
    });
    expect(result.stderr).toMatch(/\bfailed\s+TransientError: analytics store down \(click 1\)/);
  });

  it("warns when the event's source is not the stream's (a DynamoDB Streams event sent to a Kinesis stream)", async () => {
    // Act
    const result = await runCli(['invoke', 'clicks', '--event', 'events/sam-cli-dynamodb-update.json'], project);

    // Assert
    expect(result.stderr).toMatch(
      /^warning: the event is a DynamoDB Streams event, but stream 'clicks' reads Kinesis stream clicks$/m,
    );
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

describe("shardflow invoke on AWS's own sample events", () => {
  let samples: string;
  beforeAll(async () => {
    const files = await readdir(SAMPLES);
    const events = await Promise.all(
      files
        .filter((f) => f.endsWith('.json'))
        .map(async (f) => [`events/${f}`, await readFile(join(SAMPLES, f), 'utf8')]),
    );
    samples = await makeProject({ ...anyRecordProject(), ...Object.fromEntries(events) });
  });
  afterAll(async () => {
    await removeProject(samples);
  });

  it.each([
    { file: 'sam-cli-kinesis-get-records.json', stream: 'lines', records: 1, placeholder: true },
    { file: 'sam-cli-dynamodb-update.json', stream: 'items', records: 3, placeholder: false },
    { file: 'powertools-kinesis-stream-one-record.json', stream: 'lines', records: 1, placeholder: false },
    { file: 'powertools-dynamodb-base.json', stream: 'items', records: 2, placeholder: true },
    { file: 'aws-lambda-go-kinesis-event.json', stream: 'lines', records: 2, placeholder: false },
    { file: 'aws-lambda-go-dynamodb-time-window-event.json', stream: 'items', records: 3, placeholder: true },
  ])(
    'processes $file (placeholder ARN warning: $placeholder) and exits 0',
    async ({ file, stream, records, placeholder }) => {
      // Act
      const result = await runCli(['invoke', stream, '--event', `events/${file}`], samples);

      // Assert
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ batchItemFailures: [] }); // a window event also gets its state back
      expect(result.stderr).toContain(`${records} record${records === 1 ? '' : 's'}: ${records} processed`);
      const warnings = result.stderr
        .split('\n')
        .filter((line) => line.includes('is a placeholder') || line.includes('are placeholders'));
      expect(warnings).toHaveLength(placeholder ? 1 : 0);
    },
  );
});
