import { kinesisLambdaRecord } from '../../../src/local/esm/lambda-event.js';
import type { SourceRecord } from '../../../src/local/esm/ports.js';

/** Kinesis-like source records with increasing sequence numbers, arrival `arrivalMs` (default now). */
export function sourceRecords(
  count: number,
  options: { arrivalMs?: (i: number) => number; key?: (i: number) => string } = {},
) {
  return Array.from({ length: count }, (_, i): SourceRecord => {
    const sequenceNumber = String(1000 + i);
    const arrival = options.arrivalMs?.(i) ?? Date.now();
    const lambdaRecord = kinesisLambdaRecord({
      streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s',
      region: 'us-east-1',
      shardId: 'shardId-000000000000',
      sequenceNumber,
      partitionKey: options.key?.(i) ?? `k${i}`,
      data: Buffer.from(JSON.stringify({ i })),
      approximateArrivalMs: arrival,
    });
    return {
      sequenceNumber,
      partitionKey: options.key?.(i) ?? `k${i}`,
      approximateArrivalMs: arrival,
      payloadBytes: JSON.stringify(lambdaRecord).length,
      lambdaRecord,
    };
  });
}
