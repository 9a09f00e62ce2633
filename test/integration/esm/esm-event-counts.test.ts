import { afterEach, describe, expect, it } from 'vitest';
import { eventCountsEmf } from '../../../src/local/esm/event-counts.js';
import type { LocalRun } from '../../../src/local/esm/local-runner.js';
import { type Call, eventually, kinesisConfig, type Respond, sequences, startScripted } from './harness.js';

// The local ESM counts what AWS's `MetricsConfig: { Metrics: ['EventCount'] }` publishes, on a real kinesalite.
const running: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((run) => run.stop()));
});

async function scripted(config: ReturnType<typeof kinesisConfig>, respond: Respond) {
  const harness = await startScripted(config, respond);
  running.push(harness.run);
  return harness;
}

const items = (count: number) => Array.from({ length: count }, (_, n) => ({ key: `k${n % 3}`, n }));

describe('local ESM event counts (AWS’s EventCount metrics)', () => {
  it('counts polled, filtered out, invoked, failed, dropped and on-failure delivered records', async () => {
    // Arrange: n ≥ 2 pass the filter; the first invocation throws, then one record keeps failing.
    const h = await scripted(
      kinesisConfig({
        maxRetries: 1,
        filterPatterns: [{ data: { n: [{ numeric: ['>=', 2] }] } }],
        onFailure: { type: 's3', bucket: 'failures' },
      }),
      (event, call) => {
        if (call === 1) throw new Error('first invocation fails');
        return { batchItemFailures: [{ itemIdentifier: sequences({ event } as Call).at(-1) }] };
      },
    );

    // Act
    await h.put(items(6));
    await eventually(async () => (await h.onFailure()).length === 1);
    await h.run.waitUntilCaughtUp();
    const mapping = h.run.mappings.get('clicks')!;
    const counts = mapping.eventCounts();

    // Assert: 6 polled, 2 filtered out; [2,3,4,5] throws, its one retry reports 5 failed → 5 is dropped and delivered.
    expect(h.calls.map((call) => call.event.Records.length)).toEqual([4, 4]);
    expect(counts).toEqual({
      polled: 6,
      filteredOut: 2,
      invoked: 8,
      failedInvoke: 4,
      dropped: 1,
      onFailureDelivered: 1,
    });
  });

  it('writes the counts as one EMF line with AWS’s metric names and the mapping’s UUID', () => {
    // Act
    const line = JSON.parse(
      eventCountsEmf(
        'shardflow',
        { uuid: '6c3b1f52-0d0f-4c6a-9a3e-1f0c2d3e4f50', functionName: 'shop-dev-orders' },
        { polled: 6, filteredOut: 2, invoked: 8, failedInvoke: 4, dropped: 1, onFailureDelivered: 1 },
        1_796_000_000_000,
      ),
    );

    // Assert
    expect(line._aws.CloudWatchMetrics[0].Dimensions).toEqual([['EventSourceMappingUUID', 'FunctionName']]);
    expect(line._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).toEqual([
      'PolledEventCount',
      'FilteredOutEventCount',
      'InvokedEventCount',
      'FailedInvokeEventCount',
      'DroppedEventCount',
      'OnFailureDestinationDeliveredEventCount',
    ]);
    expect(line).toMatchObject({ PolledEventCount: 6, DroppedEventCount: 1, FunctionName: 'shop-dev-orders' });
  });
});
