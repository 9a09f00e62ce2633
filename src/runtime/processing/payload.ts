import type { AnyProcessor } from '../config/processor.js';
import { DecodedKinesisRecord } from '../records/kinesis-record.js';
import type { StreamRecord } from '../records/stream-record.js';
import { SchemaValidationError } from './errors.js';
import { toError } from './thrown-value.js';

/**
 * The value a processor's schema validates: Kinesis data decoded per the processor's `format`
 * (JSON by default), or the DynamoDB NewImage (OldImage on REMOVE, Keys on KEYS_ONLY streams).
 * Throws the records module's named decode errors (e.g. `InvalidJsonError`).
 *
 * @example
 * ```ts
 * const value = rawPayload(record, processor); // parsed JSON for a Kinesis record
 * ```
 */
export function rawPayload(record: StreamRecord, processor: AnyProcessor): unknown {
  if (record.source === 'dynamodb') return record.newImage ?? record.oldImage ?? record.keys;
  switch (processor.format ?? 'json') {
    case 'json':
      // Parsed for validation without being kept on the record (see DecodedKinesisRecord.parseJson).
      return record instanceof DecodedKinesisRecord ? record.parseJson() : record.json();
    case 'text':
      return record.text();
    default:
      return record.data;
  }
}

/**
 * Validates a payload with the processor's schema (built once, at `defineProcessor`).
 * Throws {@link SchemaValidationError} carrying the zod issues.
 *
 * @example
 * ```ts
 * const order = validatePayload(processor, rawPayload(record, processor));
 * ```
 */
export function validatePayload(processor: AnyProcessor, value: unknown): unknown {
  let result: ReturnType<AnyProcessor['schema']['safeParse']>;
  try {
    result = processor.schema.safeParse(value);
  } catch (error) {
    // A schema that throws instead of reporting (e.g. a stack overflow on a 100k-deep payload).
    const reason = toError(error).name;
    throw new SchemaValidationError(processor.name, [], `the schema could not validate the payload (${reason})`);
  }
  if (result.success) return result.data;
  const issues = result.error.issues;
  const first = issues[0];
  const summary = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid';
  throw new SchemaValidationError(
    processor.name,
    issues,
    issues.length > 1 ? `${summary} (+${issues.length - 1} more)` : summary,
  );
}

/**
 * The DynamoDB old image validated by the processor's schema, or `undefined` when absent or when it fails
 * the schema. Reading `record.oldImage` unmarshalls it on a MODIFY (first read only), so this throws the
 * record's `InvalidImageError` when the old image cannot be unmarshalled.
 *
 * @example
 * ```ts
 * const before = previousPayload(record, processor); // typed like the new image
 * ```
 */
export function previousPayload(record: StreamRecord, processor: AnyProcessor): unknown {
  if (record.source !== 'dynamodb' || record.oldImage === undefined) return undefined;
  const result = processor.schema.safeParse(record.oldImage);
  return result.success ? result.data : undefined;
}
