import type { QuarantineEntry } from './quarantine-entry.js';

/** `JSON.stringify` replacer: BigInts (possible in zod issue inputs) become decimal strings instead of throwing. */
function jsonSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Serialises one entry as a single JSON line (no trailing newline). `undefined` fields are omitted.
 *
 * @example
 * ```ts
 * const body = serializeEntry(entry); // '{"version":"1",…}'
 * ```
 */
export function serializeEntry(entry: QuarantineEntry): string {
  return JSON.stringify(entry, jsonSafe);
}

/**
 * Serialises entries as NDJSON: one JSON object per line, each line ending in `\n`.
 *
 * @example
 * ```ts
 * await appendFile('quarantine.ndjson', toNdjson(entries));
 * ```
 */
export function toNdjson(entries: readonly QuarantineEntry[]): string {
  let out = '';
  for (const entry of entries) out += `${serializeEntry(entry)}\n`;
  return out;
}
