import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Counters of injected faults, written to a stats file by the worker. */
export const injected = { transient: 0, throttles: 0 };

/** The fault rates a worker runs with (from the driver, via `CHAOS_FAULTS`). */
export const faults = JSON.parse(process.env.CHAOS_FAULTS ?? '{"transientRate":0,"throttleRate":0}') as {
  transientRate: number;
  throttleRate: number;
};

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
