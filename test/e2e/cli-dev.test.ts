import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import { localKinesisClientConfig, startKinesalite } from '../../src/local/emulators/index.js';
import { isRunning } from '../integration/fixtures/processes.js';
import { makeProject, removeProject, runCli, startCli } from './fixtures/cli-harness.js';
import { clicksProject } from './fixtures/projects.js';
import { putClicks, summaryOf } from './fixtures/put-clicks.js';

// Runs the real bin (`node bin/shardflow.js dev …`), which starts kinesalite and DynamoDB Local itself.
const projects: string[] = [];
afterEach(async () => {
  await Promise.all(projects.splice(0).map(removeProject));
});

describe('shardflow dev', () => {
  it('prints the endpoints, processes records put from outside, reports its event counts and stops leaving no Java process', async () => {
    // Arrange
    const project = await makeProject(clicksProject({ withOrders: true }));
    projects.push(project);
    const dev = startCli(['dev', '--data-dir', 'data'], project);
    const [, endpoint] = await dev.waitForOutput(/^ {2}kinesis +(http:\S+)$/m);
    const [, javaPid] = await dev.waitForOutput(/DynamoDB Local pid (\d+)/);
    await dev.waitForOutput(/^ready: 2 stream\(s\) running \(Ctrl-C to stop\)$/m);
    const clicks = Array.from({ length: 20 }, (_, n) => ({ user: `u-${n % 4}`, n }));

    // Act: put, wait until the status says every record is done (a condition, not a duration), then stop.
    await putClicks(endpoint!, clicks);
    await dev.waitForOutput(/^status clicks .* done 20 /m);
    dev.child.kill('SIGINT');
    const result = await dev.exited;

    // Assert
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}dynamodb +http:\/\/127\.0\.0\.1:\d+ {2}\(DynamoDB Local pid \d+\)$/m);
    expect(result.stdout).toMatch(
      /^ {2}npx shardflow put clicks '\{"hello":"world"\}' --partition-key k1 --data-dir data$/m,
    );
    expect(result.stdout).toMatch(/^ {2}npx shardflow put orders '\{"id":"1"\}' --data-dir data$/m);
    expect(result.stdout).toMatch(/^data: +data$/m);
    expect(result.stdout).toMatch(/^status clicks +\d+\.\d rec\/s {2}done \d+ {2}retries \d+/m);
    expect(summaryOf(result.stdout, 'clicks')).toMatchObject({ read: 20, done: 20, discarded: 0, functionErrors: 0 });
    expect(summaryOf(result.stdout, 'orders')).toMatchObject({ read: 0, done: 0 });
    // The mapping's event counts, named as a deployed mapping's EventCount metrics, in the summary and as EMF.
    expect(result.stdout).toMatch(
      /^events clicks: PolledEventCount=20 FilteredOutEventCount=0 InvokedEventCount=20 FailedInvokeEventCount=0 DroppedEventCount=0 OnFailureDestinationDeliveredEventCount=0$/m,
    );
    const emf = (await readFile(join(project, 'data', 'dev-metrics.emf.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf.find((line) => String(line.FunctionName).endsWith('-local-clicks'))).toMatchObject({
      EventSourceMappingUUID: expect.any(String),
      PolledEventCount: 20,
      InvokedEventCount: 20,
      DroppedEventCount: 0,
    });
    const log = (await readFile(join(project, 'data', 'dev.log'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const processed = log.filter((line) => line.msg === 'click processed').map((line) => line.n);
    expect(processed.sort((a, b) => a - b)).toEqual(clicks.map((click) => click.n));
    expect(isRunning(Number(javaPid))).toBe(false);
  }, 40_000);

  it('stops cleanly on SIGINT (Ctrl-C): summary printed, exit code 0, DynamoDB Local gone', async () => {
    // Arrange
    const project = await makeProject(clicksProject({ withOrders: true }));
    projects.push(project);
    const dev = startCli(['dev'], project);
    const [, javaPid] = await dev.waitForOutput(/DynamoDB Local pid (\d+)/);
    await dev.waitForOutput(/^ready: 2 stream\(s\) running \(Ctrl-C to stop\)$/m);

    // Act
    dev.child.kill('SIGINT');
    const result = await dev.exited;

    // Assert
    expect(result).toMatchObject({ code: 0, signal: null });
    expect(result.stdout).toMatch(/^stopping \(SIGINT\)…$/m);
    expect(summaryOf(result.stdout, 'clicks')).toMatchObject({ read: 0, invocations: 0 });
    expect(summaryOf(result.stdout, 'orders')).toMatchObject({ read: 0, invocations: 0 });
    expect(isRunning(Number(javaPid))).toBe(false);
    // Without --data-dir everything goes to the one default data dir, .shardflow/data (and dev.json is gone).
    expect(result.stdout).toMatch(/^data: +\.shardflow\/data$/m);
    expect(result.stdout).toMatch(/^state: +\.shardflow\/data\/dev\.json \(read by put, invoke, destinations\)$/m);
    expect(await readFile(join(project, '.shardflow', 'data', 'dev.log'), 'utf8')).toContain('"msg":"dev summary"');
    expect(existsSync(join(project, '.shardflow', 'data', 'dev.json'))).toBe(false);
  }, 40_000);
});

async function untilActive(client: KinesisClient, streamName: string): Promise<void> {
  for (;;) {
    const { StreamDescriptionSummary } = await client.send(
      new DescribeStreamSummaryCommand({ StreamName: streamName }),
    );
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return;
    await sleep(20);
  }
}

describe('shardflow dev --endpoint-kinesis (running services instead of its own emulators)', () => {
  it('resolves the stream ARN with DescribeStreamSummary and consumes the running Kinesis', async () => {
    // Arrange: a kinesalite the test runs (in-process, loopback) with the stream already created.
    const kinesalite = await startKinesalite();
    const client = new KinesisClient(localKinesisClientConfig(kinesalite.endpoint));
    const project = await makeProject(clicksProject());
    projects.push(project);
    try {
      await client.send(new CreateStreamCommand({ StreamName: 'clicks', ShardCount: 2 }));
      await untilActive(client, 'clicks');
      await putClicks(
        kinesalite.endpoint,
        [0, 1, 2, 3, 4].map((n) => ({ user: `u-${n}`, n })),
      );
      const args = ['dev', '--endpoint-kinesis', kinesalite.endpoint, '--region', 'us-east-1', '--duration', '3'];

      // Act
      const result = await runCli(args, project);

      // Assert
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^services \(region us-east-1, --endpoint-\*\):$/m);
      expect(result.stdout).toMatch(
        /^ {2}clicks {2}kinesis stream clicks\n {10}arn:aws:kinesis:us-east-1:\d{12}:stream\/clicks$/m,
      );
      expect(summaryOf(result.stdout, 'clicks')).toMatchObject({ read: 5, done: 5 });
    } finally {
      client.destroy();
      await kinesalite.stop();
    }
  }, 30_000);

  it('exits 2 for an endpoint off this machine without --aws: nothing local reaches AWS', async () => {
    // Arrange
    const project = await makeProject(clicksProject());
    projects.push(project);

    // Act
    const result = await runCli(
      ['dev', '--endpoint-kinesis', 'https://kinesis.eu-west-1.amazonaws.com', '--region', 'eu-west-1'],
      project,
    );

    // Assert
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^CliUsageError: --endpoint-kinesis https:\/\/kinesis\.eu-west-1\.amazonaws\.com is not on this machine: local runs never leave it \(pass --aws to allow\)$/m,
    );
  });

  it('exits 2 when --region is missing, and 1 when the stream does not exist', async () => {
    // Arrange
    const kinesalite = await startKinesalite();
    const project = await makeProject(clicksProject());
    projects.push(project);
    try {
      // Act
      const noRegion = await runCli(['dev', '--endpoint-kinesis', kinesalite.endpoint], project, {
        AWS_REGION: '',
        AWS_DEFAULT_REGION: '',
      });
      const noStream = await runCli(
        ['dev', '--endpoint-kinesis', kinesalite.endpoint, '--region', 'us-east-1'],
        project,
      );

      // Assert
      expect(noRegion.code).toBe(2);
      expect(noRegion.stderr).toMatch(
        /^CliUsageError: --region is required with --endpoint-\* \(or set AWS_REGION\)$/m,
      );
      expect(noStream.code).toBe(1);
      expect(noStream.stderr).toMatch(/^ExternalStreamError: Kinesis stream 'clicks': ResourceNotFoundException: /m);
    } finally {
      await kinesalite.stop();
    }
  }, 30_000);
});
