import { createHash } from 'node:crypto';
import type { QuarantineEntry } from './quarantine-entry.js';

const CENSOR = '[REDACTED]';

type Path = readonly string[];

/**
 * Replaces the values at `path` (segments; `*` matches any key) in a parsed JSON value, in place.
 * `marshalled` walks DynamoDB attribute maps (`{ card: { M: { number: { S } } } }`) and censors with
 * `{ S: '[REDACTED]' }`, so the image stays a valid attribute map. Own keys only — an attribute named
 * `__proto__` is just a key here.
 */
function censorAt(node: unknown, path: Path, marshalled: boolean): void {
  if (typeof node !== 'object' || node === null) return;
  const [head, ...rest] = path;
  if (head === undefined) return;
  const target = node as Record<string, unknown>;
  for (const name of head === '*' ? Object.keys(target) : [head]) {
    if (!Object.hasOwn(target, name)) continue;
    if (rest.length === 0) {
      target[name] = marshalled ? { S: CENSOR } : CENSOR;
      continue;
    }
    const child = target[name] as { M?: unknown } | null;
    censorAt(marshalled ? child?.M : child, rest, marshalled);
  }
}

/**
 * Builds the redaction applied to quarantine entries: the configured `logging.redact` paths (pino's dot
 * syntax with `*` wildcards, e.g. `email`, `card.number`, `*.email`) are censored in the record's payload —
 * Kinesis JSON data (re-encoded in base64) and DynamoDB `NewImage`/`OldImage` (attribute maps, walked as
 * they are). Everything else stays verbatim. Data that cannot be parsed (not JSON, not a string, nested too
 * deep) cannot be redacted by path, so it is dropped, keeping its length and SHA-256. Keys are kept: they
 * identify the item for redrive. Never throws. Returns `undefined` when there is nothing to redact.
 *
 * Hand-written rather than pino's redactor: that one clones objects by assignment, which would turn an own
 * `__proto__` attribute of a poison record into a prototype, and it knows nothing of attribute maps.
 *
 * @example
 * ```ts
 * const redact = createEntryRedactor(['email', 'card.number']);
 * await sink.write(entries.map((e) => redact?.(e) ?? e));
 * ```
 */
export function createEntryRedactor(
  paths: readonly string[],
): ((entry: QuarantineEntry) => QuarantineEntry) | undefined {
  if (paths.length === 0) return undefined;
  const parsed: Path[] = paths.map((p) => p.split('.').filter((s) => s.length > 0));
  const dropped = (bytes: Buffer) => ({
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  const redactData = (data: unknown): { data: string; dropped?: { bytes: number; sha256: string } } => {
    if (typeof data !== 'string') return { data: '', dropped: dropped(Buffer.from(String(data))) };
    const bytes = Buffer.from(data, 'base64');
    try {
      const value = JSON.parse(bytes.toString('utf8')) as unknown;
      for (const path of parsed) censorAt(value, path, false);
      return { data: Buffer.from(JSON.stringify(value)).toString('base64') };
    } catch {
      return { data: '', dropped: dropped(bytes) };
    }
  };
  const redactImage = (image: unknown): unknown => {
    try {
      const copy = JSON.parse(JSON.stringify(image)) as unknown;
      for (const path of parsed) censorAt(copy, path, true);
      return copy;
    } catch {
      return undefined; // too deep or cyclic to copy: not kept
    }
  };
  return (entry) => {
    let record: { kinesis?: { data?: unknown }; dynamodb?: Record<string, unknown> };
    try {
      record = JSON.parse(JSON.stringify(entry.record)) as typeof record;
    } catch {
      return { ...entry, record: null, redacted: { paths: [...paths], droppedNonJsonData: { bytes: 0, sha256: '' } } };
    }
    if (record === null || typeof record !== 'object') return entry;
    let droppedData: { bytes: number; sha256: string } | undefined;
    if (record.kinesis !== undefined && record.kinesis !== null && 'data' in record.kinesis) {
      const result = redactData(record.kinesis.data);
      record.kinesis.data = result.data;
      droppedData = result.dropped;
    }
    const dynamodb = record.dynamodb;
    if (dynamodb !== undefined && dynamodb !== null && typeof dynamodb === 'object') {
      for (const image of ['NewImage', 'OldImage'] as const) {
        if (Object.hasOwn(dynamodb, image)) dynamodb[image] = redactImage(dynamodb[image]);
      }
    }
    const userRecord =
      entry.userRecord === undefined
        ? undefined
        : { ...entry.userRecord, data: redactData(entry.userRecord.data).data };
    return {
      ...entry,
      record,
      ...(userRecord ? { userRecord } : {}),
      redacted:
        droppedData === undefined ? { paths: [...paths] } : { paths: [...paths], droppedNonJsonData: droppedData },
    };
  };
}
