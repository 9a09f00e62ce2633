import { jsonCopy } from './json-copy.js';
import type { LambdaStreamRecord, SourceRecord } from './ports.js';

/**
 * The event of one invocation, as the function receives it after Lambda's JSON boundary: `Records` built
 * for this invocation ({@link SourceRecord.invocationRecord}, or a copy of each `lambdaRecord`) and the
 * other fields (e.g. a tumbling window's, with the carried `state`) copied, so that the event equals
 * `JSON.parse(JSON.stringify({ Records: records.map((r) => r.lambdaRecord), ...fields }))` and shares no
 * object with the ESM. Pass it to `invokeFunction` with `eventCopied: true`.
 *
 * @example
 * ```ts
 * const event = invocationEvent(records, windowFields(window, shardId, streamArn, false, false));
 * await invokeFunction(fn, event, { eventCopied: true });
 * ```
 */
export function invocationEvent(
  records: readonly SourceRecord[],
  fields?: Readonly<Record<string, unknown>>,
): { Records: LambdaStreamRecord[] } & Record<string, unknown> {
  const Records = records.map((record) =>
    record.invocationRecord !== undefined
      ? record.invocationRecord()
      : (jsonCopy(record.lambdaRecord) as LambdaStreamRecord),
  );
  if (fields === undefined) return { Records };
  return { Records, ...(jsonCopy(fields) as Record<string, unknown>) };
}
