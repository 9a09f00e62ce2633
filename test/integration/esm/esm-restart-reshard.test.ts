import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeStreamSummaryCommand, MergeShardsCommand, SplitShardCommand } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRun } from '../../../src/local/esm/local-runner.js';
import { type Call, eventually, kinesisConfig, payloads, putMany, startScripted } from './harness.js';

// Real kinesalite (on disk for the restart test), started by the tests themselves.
const running: LocalRun[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.stop()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

const items = (from: number, count: number, key = (n: number) => `k${n % 4}`) =>
  Array.from({ length: count }, (_, i) => ({ key: key(from + i), n: from + i }));

describe('local ESM: checkpoints survive a restart', () => {
  it('resumes after the last checkpoint: a restarted runner delivers only records it had not handled', async () => {
    // Arrange
    const dataDir = await mkdtemp(join(tmpdir(), 'shardflow-restart-'));
    dirs.push(dataDir);
    const config = kinesisConfig({ batchSize: 5 });
    const first = await startScripted(config, () => null, { dataDir });
    await first.put(items(0, 12));
    await first.run.waitUntilCaughtUp();
    await first.run.stop();

    // Act
    const second = await startScripted(config, () => null, { dataDir });
    running.push(second.run);
    await second.put(items(12, 3));
    await second.run.waitUntilCaughtUp();

    // Assert
    expect(first.calls.flatMap(payloads).map((p) => p.n)).toEqual([...Array(12).keys()]);
    expect(second.calls.flatMap(payloads).map((p) => p.n)).toEqual([12, 13, 14]);
  });

  it('never checkpoints past a batch that was in flight when the runner stopped', async () => {
    // Arrange — the first runner is stopped while its function hangs on the first batch (1 s timeout).
    const dataDir = await mkdtemp(join(tmpdir(), 'shardflow-restart-'));
    dirs.push(dataDir);
    const config = kinesisConfig({ batchSize: 10, timeoutSeconds: 1 });
    const first = await startScripted(config, () => new Promise(() => {}), { dataDir });
    await first.put(items(0, 3));
    await eventually(() => first.calls.length === 1);
    await first.run.stop();

    // Act
    const second = await startScripted(config, () => null, { dataDir });
    running.push(second.run);
    await second.run.waitUntilCaughtUp();

    // Assert — the abandoned batch is delivered again, whole.
    expect(second.calls.flatMap(payloads).map((p) => p.n)).toEqual([0, 1, 2]);
  });
});

describe('local ESM: resharding', () => {
  it('starts child shards only after their parents are fully processed, keeping order per key (split, then merge)', async () => {
    // Arrange
    const h = await startScripted(kinesisConfig({ batchSize: 7 }), async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return null;
    });
    running.push(h.run);
    const kinesis = h.run.emulators!.clients.kinesis!;
    const shardOf = (call: Call) => call.event.Records[0]!.eventID.split(':')[0]!;

    // Act — records before the split, records after the split, records after the merge.
    await putMany(h.run, items(0, 40));
    await kinesis.send(
      new SplitShardCommand({
        StreamName: 'clicks',
        ShardToSplit: 'shardId-000000000000',
        NewStartingHashKey: '170141183460469231731687303715884105728',
      }),
    );
    await eventually(async () => {
      const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'clicks' }));
      return summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
    });
    await putMany(h.run, items(40, 40));
    await kinesis.send(
      new MergeShardsCommand({
        StreamName: 'clicks',
        ShardToMerge: 'shardId-000000000001',
        AdjacentShardToMerge: 'shardId-000000000002',
      }),
    );
    await eventually(async () => {
      const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'clicks' }));
      return summary.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
    });
    await putMany(h.run, items(80, 40));
    await eventually(() => h.calls.flatMap(payloads).length >= 120, 20_000);
    await h.run.waitUntilCaughtUp();

    // Assert
    const delivered = h.calls.flatMap(payloads);
    expect(delivered.map((p) => p.n).sort((a, b) => a - b)).toEqual([...Array(120).keys()]);
    for (const key of ['k0', 'k1', 'k2', 'k3']) {
      const ns = delivered.filter((p) => p.key === key).map((p) => p.n);
      expect(ns).toEqual([...ns].sort((a, b) => a - b));
    }
    const parentEnd = Math.max(...h.calls.filter((c) => shardOf(c) === 'shardId-000000000000').map((c) => c.endedAt!));
    const childStart = Math.min(
      ...h.calls.filter((c) => shardOf(c) !== 'shardId-000000000000').map((c) => c.startedAt),
    );
    expect(childStart).toBeGreaterThanOrEqual(parentEnd);
    const merged = h.calls.filter((c) => shardOf(c) === 'shardId-000000000003');
    const childrenEnd = Math.max(
      ...h.calls
        .filter((c) => ['shardId-000000000001', 'shardId-000000000002'].includes(shardOf(c)))
        .map((c) => c.endedAt!),
    );
    expect(merged.length).toBeGreaterThan(0);
    expect(Math.min(...merged.map((c) => c.startedAt))).toBeGreaterThanOrEqual(childrenEnd);
    expect(h.run.mappings.get('clicks')!.status().shards.ended).toBe(3);
  });
});
