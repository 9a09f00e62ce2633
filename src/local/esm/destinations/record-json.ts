import type { LambdaStreamRecord, OnFailureRecord } from '../ports.js';

/**
 * The on-failure record as SQS and SNS carry it: the record without `payload`.
 *
 * @example
 * ```ts
 * await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(withoutPayload(record)) }));
 * ```
 */
export function withoutPayload(record: OnFailureRecord): OnFailureRecord {
  const { payload: _payload, ...rest } = record;
  return rest;
}

/**
 * The on-failure record as S3 stores it: the record followed by `payload: { Records: [...] }`, the
 * discarded records as delivered.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(withPayload(delivery.record, delivery.records));
 * ```
 */
export function withPayload(record: OnFailureRecord, records: readonly LambdaStreamRecord[]): OnFailureRecord {
  return { ...withoutPayload(record), payload: { Records: [...records] } };
}

/**
 * Parses a stored on-failure record, checking the fields every record has. Returns a reason string
 * ("is not JSON …", "has no requestContext") instead of the record when the text is not one.
 *
 * @example
 * ```ts
 * const parsed = parseOnFailureRecord(text);
 * if (typeof parsed === 'string') throw new Error(parsed);
 * ```
 */
export function parseOnFailureRecord(text: string): OnFailureRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `is not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const candidate = value as Record<string, unknown>;
  if (candidate.version !== '1.0') return 'has no version "1.0"';
  if (typeof candidate.requestContext !== 'object' || candidate.requestContext === null) return 'has no requestContext';
  if (typeof candidate.KinesisBatchInfo !== 'object' && typeof candidate.DDBStreamBatchInfo !== 'object') {
    return 'has neither KinesisBatchInfo nor DDBStreamBatchInfo';
  }
  return candidate as unknown as OnFailureRecord;
}
