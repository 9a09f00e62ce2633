import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Counters of injected faults, written to a stats file by the worker. */
export const injected = { transient: 0, throttles: 0 };

/**
 * The self-test's two injected effect faults: the effect of `duplicate` commits twice, and the effect
 * of `reorder[1]` commits just before that of `reorder[0]` (its predecessor in the stream, same key).
 */
export interface SelfTestInjection {
  readonly duplicate: string;
  readonly reorder: readonly [string, string];
}

/** The faults a worker runs with (from the driver, via `CHAOS_FAULTS`). */
export const faults = JSON.parse(process.env.CHAOS_FAULTS ?? '{"transientRate":0,"throttleRate":0}') as {
  transientRate: number;
  throttleRate: number;
  selfTest?: SelfTestInjection;
};

/**
 * The records whose effects one application of record `id` commits, in order: `[id]` — or, in the
 * self-test, `[id, id]` for the duplicate; `[later, id]` for the first of the reordered pair (the later
 * record's effect is committed ahead of it) and `[]` for the later one (its effect is already in).
 * Each comes out of one atomic append, so retries, lost locks and `kill -9` cannot add or drop one.
 */
export function effectsOf(id: string, selfTest = faults.selfTest): string[] {
  if (selfTest === undefined) return [id];
  const [earlier, later] = selfTest.reorder;
  if (id === selfTest.duplicate) return [id, id];
  if (id === earlier) return [later, id];
  if (id === later) return [];
  return [id];
}

/** A throttling error exactly as DynamoDB names it, so the SDK's retry strategy treats it as throttling. */
class ProvisionedThroughputExceededException extends Error {
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
  constructor() {
    super('injected: request rate exceeded for the table');
    this.name = 'ProvisionedThroughputExceededException';
  }
}

/**
 * Makes a DynamoDB client throttle a fraction of its requests (inside the SDK's retry loop, as DynamoDB
 * itself would): the SDK retries them with backoff; the ones that still fail reach shardflow as
 * transient failures.
 */
export function injectThrottling(client: DynamoDBClient, rate: number): DynamoDBClient {
  client.middlewareStack.add(
    (next) => async (args) => {
      if (Math.random() < rate) {
        injected.throttles++;
        throw new ProvisionedThroughputExceededException();
      }
      return next(args);
    },
    { step: 'deserialize', name: 'chaosThrottle', priority: 'low' },
  );
  return client;
}
