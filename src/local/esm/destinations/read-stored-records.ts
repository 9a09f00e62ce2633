import pLimit from 'p-limit';
import type { OnFailureRecord } from '../ports.js';
import { LIST_READ_CONCURRENCY } from './constants.js';
import { isRedriveStateKey, type RedriveState, redriveStateKey } from './redrive-state.js';
import type { StoredOnFailureRecord } from './types.js';

/** How one destination reads a record and its redrive state by key. */
export interface StoredRecordReader {
  read(key: string): Promise<OnFailureRecord>;
  readState(key: string): Promise<RedriveState | undefined>;
}

/**
 * The on-failure records among a destination's `keys` (its `<key>.redrive.json` sidecars left out), each with its
 * redrive state when it has one, read a few at a time. Shared by the S3 and the directory destination.
 *
 * @example
 * ```ts
 * const stored = await readStoredRecords(await listKeys(), { read: (key) => get(key), readState: (key) => getState(key) });
 * ```
 */
export function readStoredRecords(
  keys: readonly string[],
  reader: StoredRecordReader,
): Promise<StoredOnFailureRecord[]> {
  const states = new Set(keys.filter(isRedriveStateKey));
  const limit = pLimit(LIST_READ_CONCURRENCY);
  return Promise.all(
    keys
      .filter((key) => !isRedriveStateKey(key))
      .map((key) =>
        limit(async () => {
          const record = await reader.read(key);
          const redrive = states.has(redriveStateKey(key)) ? await reader.readState(key) : undefined;
          return redrive === undefined ? { key, record } : { key, record, redrive };
        }),
      ),
  );
}
