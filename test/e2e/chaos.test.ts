import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChaos } from '../../chaos/run-chaos.js';

// The reliability harness at a reduced size: real emulators owned by the test process, the local ESM in
// a worker process that is kill -9'ed three times, a shard split and merge, poison, transient failures
// and DynamoDB throttling. The full run is `npm run chaos` (100,000 records; report in docs/chaos-report.md).
const dataDir = await mkdtemp(join(tmpdir(), 'shardflow-chaos-'));
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe('chaos (reduced): nothing lost, nothing applied twice, order kept per key', () => {
  it('reconciles every record from the effects after kills, reshards, poison, failures and throttling', async () => {
    // Arrange / Act
    const result = await runChaos({
      records: 1500,
      kills: 3,
      dataDir,
      poisonRate: 0.02,
      transientRate: 0.05,
      throttleRate: 0.02,
      kinesisShare: 0.8,
      keys: 100,
      seed: 3,
      reshard: true,
      timeoutMs: 240_000,
    });

    // Assert
    expect(result.table).toMatchObject({
      lost: 0,
      duplicated: 0,
      'two fates for one record': 0,
      'poison applied': 0,
      'order violations': 0,
      'kill -9 of the ESM': 3,
    });
    expect(result.table['applied exactly once']).toBe(
      (result.table.records as number) -
        (result.table['poison generated'] as number) -
        (result.table['on-failure'] as number),
    );
    expect(String(result.table.reshards)).toMatch(/split .*; merge /);
    expect(result.ok).toBe(true);
  }, 300_000);
});
