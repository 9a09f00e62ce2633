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
 * Parses text that must be one JSON object (a stored record or state file). Returns a reason string
 * ("is not JSON (…)", "is not a JSON object") instead when it is not.
 *
 * @example
 * ```ts
 * const parsed = parseJsonObject('{"version":1}');
 * if (typeof parsed === 'string') throw new Error(`the file ${parsed}`);
 * ```
 */
export function parseJsonObject(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `is not JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  return value as Record<string, unknown>;
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
  const candidate = parseJsonObject(text);
  if (typeof candidate === 'string') return candidate;
  if (candidate.version !== '1.0') return 'has no version "1.0"';
  if (typeof candidate.requestContext !== 'object' || candidate.requestContext === null) return 'has no requestContext';
  if (typeof candidate.KinesisBatchInfo !== 'object' && typeof candidate.DDBStreamBatchInfo !== 'object') {
    return 'has neither KinesisBatchInfo nor DDBStreamBatchInfo';
  }
  return candidate as unknown as OnFailureRecord;
}
