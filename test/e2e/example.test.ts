import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { app } from '../../example/app.js';
import { runExample } from '../../example/run-example.js';
import config from '../../shardflow.config.js';

// The example pipeline end to end on real emulators (kinesalite, DynamoDB Local, s3rver) started by the
// runner itself, at a small size; on-disk data so a second run can reuse it.
const dataDir = await mkdtemp(join(tmpdir(), 'shardflow-example-'));
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const options = { records: 1500, poisonRate: 0.02, seed: 7, dataDir, persistent: true, progress: 'none' as const };

describe('the example CDC → analytics pipeline (npm start)', () => {
  it('answers every analytics question as computed from the generated input, and reconciles every record', async () => {
    // Arrange / Act
    const { result, stop } = await runExample(config, app, { ...options, fresh: true, generate: true });
    await stop();

    // Assert
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.checks.map((c) => c.label)).toEqual(
      expect.arrayContaining([
        'paid orders',
        'revenue',
        'revenue per minute (tumbling windows)',
        'top SKUs by revenue',
        'conversion funnel (sessions → cart → checkout)',
        'session length p50/p90/p99 (s)',
        'quarantined records stored with their reason',
      ]),
    );
    for (const [stream, ledger] of Object.entries(result.ledgers)) {
      expect(ledger.missing, stream).toBe(0);
      expect(ledger.quarantined, stream).toBeGreaterThan(0);
      expect(ledger.processed + ledger.quarantined + ledger.onFailure, stream).toBe(ledger.put);
    }
    expect(result.lines.join('\n')).toMatch(/quarantine reasons: .*SchemaValidationError/);
    expect(result.ok).toBe(true);
  }, 120_000);

  it('does not double-count when every record is delivered again (checkpoints lost, same data)', async () => {
    // Arrange — drop the checkpoints so the mappings start over from TRIM_HORIZON.
    await rm(join(dataDir, 'checkpoints'), { recursive: true, force: true });

    // Act
    const { result, stop } = await runExample(config, app, { ...options, fresh: false, generate: false });
    await stop();

    // Assert — the same answers, nothing quarantined twice, no duplicate facts.
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    for (const ledger of Object.values(result.ledgers)) {
      expect(ledger.missing).toBe(0);
      expect(ledger.quarantined).toBe(0);
    }
    expect(result.ok).toBe(true);
  }, 120_000);
});
