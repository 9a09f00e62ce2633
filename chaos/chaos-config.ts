import { defineConfig } from 'shardflow';
import applyEffect from './apply-effect.js';
import { LEDGER_TABLE } from './ledger.js';

/** The chaos run's tables: the effects' ledger (created by the driver) and the DynamoDB stream's source. */
export const CHAOS_TABLES = { ledger: LEDGER_TABLE, orders: 'chaos-orders' } as const;

/**
 * The chaos topology mirrors the example app: a DynamoDB table's change stream and a 4-shard Kinesis
 * stream, with the example's ESM settings (bisect, parallelization, S3 on-failure, S3 quarantine,
 * idempotency) — and one processor whose effect is an entry in a verifiable ledger. Retries are unbounded so that
 * records outlive the injected faults; a 20 s function timeout bounds how long a killed worker's locks live.
 */
export default defineConfig({
  service: 'chaos',
  processors: [applyEffect],
  streams: {
    orders: {
      source: { type: 'dynamodb', table: CHAOS_TABLES.orders, keySchema: { partitionKey: 'key' } },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      parallelizationFactor: 2,
      bisectOnError: true,
      maxRetries: -1,
      timeoutSeconds: 20,
      onFailure: { type: 's3', bucket: 'chaos-on-failure' },
      quarantine: { type: 's3', bucket: 'chaos-quarantine' },
      idempotency: { table: 'chaos-idempotency' },
      routes: [{ match: { eventName: ['INSERT', 'MODIFY'] }, processor: 'apply-effect' }],
    },
    events: {
      source: { type: 'kinesis', stream: 'chaos-events', shards: 4 },
      startingPosition: 'TRIM_HORIZON',
      batchSize: 100,
      parallelizationFactor: 2,
      bisectOnError: true,
      maxRetries: -1,
      timeoutSeconds: 20,
      onFailure: { type: 's3', bucket: 'chaos-on-failure' },
      quarantine: { type: 's3', bucket: 'chaos-quarantine' },
      idempotency: { table: 'chaos-idempotency' },
      routes: [{ processor: 'apply-effect' }],
    },
  },
});
