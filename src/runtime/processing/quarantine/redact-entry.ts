import { createRedactor, type Redactor } from '../../redaction/index.js';
import type { QuarantineEntry } from './quarantine-entry.js';

/**
 * Builds the redaction applied to quarantine entries, with shardflow's one redaction engine
 * (`createRedactor`, the same paths and semantics as log lines): the configured `logging.redact` paths
 * (pino's syntax: `email`, `card.number`, `headers["x-api-key"]`, `contacts[*].email`, `*.email`) are
 * censored in the record's payload — Kinesis JSON data (re-encoded in base64 when something was censored),
 * a KPL user record's data, DynamoDB `Keys`, `NewImage` and `OldImage` (attribute maps, walked through
 * `M` and `L`) — and in a DynamoDB entry's `partitionKey`. Everything else stays verbatim. Kinesis data
 * that is not base64 of UTF-8 JSON cannot be redacted by path, so it is dropped, keeping its length and
 * SHA-256. Never throws. Returns `undefined` when there is nothing to redact.
 *
 * @example
 * ```ts
 * const redact = createEntryRedactor(['email', 'card.number']);
 * await sink.write(entries.map((e) => redact?.(e) ?? e));
 * ```
 */
export function createEntryRedactor(
  paths: readonly string[] | Redactor,
): ((entry: QuarantineEntry) => QuarantineEntry) | undefined {
  const redactor = Array.isArray(paths) ? createRedactor(paths as readonly string[]) : (paths as Redactor);
  if (!redactor.active) return undefined;
  const configured = [...redactor.paths];
  return (entry) => {
    try {
      const { record, dropped } = redactor.lambdaRecord(entry.record);
      const userRecord =
        entry.userRecord === undefined
          ? undefined
          : { ...entry.userRecord, data: redactor.kinesisData(entry.userRecord.data).data };
      return {
        ...entry,
        partitionKey: redactor.partitionKey(entry.source, entry.partitionKey),
        record,
        ...(userRecord === undefined ? {} : { userRecord }),
        redacted: dropped === undefined ? { paths: configured } : { paths: configured, droppedNonJsonData: dropped },
      };
    } catch {
      // Nothing that cannot be redacted is stored.
      const { userRecord: _userRecord, ...rest } = entry;
      return { ...rest, record: null, redacted: { paths: configured, droppedNonJsonData: { bytes: 0, sha256: '' } } };
    }
  };
}
