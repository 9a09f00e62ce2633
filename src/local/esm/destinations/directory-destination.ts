import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { writeFileAtomically } from '../checkpoint/write-file-atomically.js';
import type { OnFailureDelivery, OnFailureDestination, OnFailureRecord } from '../ports.js';
import { DIRECTORY_RECORD_SUFFIX, ON_FAILURE_KEY_PREFIX } from './constants.js';
import { OnFailureDeliveryError, OnFailureReadError, RedriveStateWriteError } from './errors.js';
import { onFailureObjectKey } from './object-key.js';
import { readStoredRecords } from './read-stored-records.js';
import { parseOnFailureRecord, withPayload } from './record-json.js';
import {
  isRedriveStateKey,
  parseRedriveState,
  type RedriveAttempt,
  type RedriveState,
  redriveStateKey,
  withRedriveAttempt,
} from './redrive-state.js';
import type { RecordedRedrive, RedrivableOnFailureRecords, StoredOnFailureRecord } from './types.js';

/** Options for {@link DirectoryOnFailureDestination}. */
export interface DirectoryOnFailureDestinationOptions {
  /** Root directory; records land under `<path>/aws/lambda/…`. Created when missing. */
  readonly path: string;
}

/**
 * Local on-failure destination with the S3 destination's layout on disk, for development and tests:
 * `<path>/aws/lambda/<esmUuid>/<shardId>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>.json`, holding the
 * on-failure record with `payload: { Records: [...] }` (pretty-printed). Each file is written atomically
 * (temporary file, fsync, rename), so a reader never sees half a record. A redrive is recorded in a
 * sidecar file beside the record, `<key>.redrive.json` (a {@link RedriveState}), written the same way.
 *
 * @example
 * ```ts
 * const destination = new DirectoryOnFailureDestination({ path: '.shardflow/on-failure' });
 * await destination.send({ record, records, shardId, esmUuid });
 * for (const record of await destination.list()) console.log(record.requestContext.condition);
 * ```
 */
export class DirectoryOnFailureDestination implements OnFailureDestination, RedrivableOnFailureRecords {
  readonly kind = 'directory';
  readonly #path: string;

  constructor(options: DirectoryOnFailureDestinationOptions) {
    this.#path = options.path;
  }

  /** The root directory. */
  get path(): string {
    return this.#path;
  }

  async send(delivery: OnFailureDelivery): Promise<void> {
    const key = onFailureObjectKey(delivery.esmUuid, delivery.shardId, new Date(delivery.record.timestamp));
    const file = join(this.#path, ...`${key}${DIRECTORY_RECORD_SUFFIX}`.split('/'));
    try {
      await writeFileAtomically(file, `${JSON.stringify(withPayload(delivery.record, delivery.records), null, 2)}\n`);
    } catch (error) {
      throw new OnFailureDeliveryError(this.kind, file, delivery.shardId, { cause: error });
    }
  }

  async list(): Promise<OnFailureRecord[]> {
    return (await this.listStored()).map((stored) => stored.record);
  }

  /**
   * Every stored record with its key (the S3-style key, `/`-separated, without `.json`), sorted by key.
   * Temporary files of interrupted writes are ignored. A missing directory holds no records.
   *
   * @throws {OnFailureReadError} when the directory or a file cannot be read, or a file is not an on-failure record
   */
  async listStored(): Promise<StoredOnFailureRecord[]> {
    const root = join(this.#path, ...ON_FAILURE_KEY_PREFIX.split('/').filter(Boolean));
    let entries: string[];
    try {
      entries = await readdir(root, { recursive: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new OnFailureReadError(this.kind, root, String(error), { cause: error });
    }
    const files = entries.map((entry) => `${ON_FAILURE_KEY_PREFIX}${entry.split(sep).join('/')}`);
    const recordKeys = files
      .filter((file) => file.endsWith(DIRECTORY_RECORD_SUFFIX) && !isRedriveStateKey(file))
      .map((file) => file.slice(0, -DIRECTORY_RECORD_SUFFIX.length))
      .sort();
    return readStoredRecords([...recordKeys, ...files.filter(isRedriveStateKey)], {
      read: (key) => this.#read(key),
      readState: (key) => this.#readState(key),
    });
  }

  /**
   * Appends a redrive attempt to the sidecar file `<key>.redrive.json` (read again first), written
   * atomically.
   *
   * @throws {RedriveStateWriteError} when the file cannot be written
   */
  async recordRedrive(stored: StoredOnFailureRecord, attempt: RedriveAttempt): Promise<RecordedRedrive> {
    const file = this.#file(redriveStateKey(stored.key));
    const state = withRedriveAttempt(await this.#readState(stored.key, true), stored.key, attempt);
    try {
      await writeFileAtomically(file, `${JSON.stringify(state, null, 2)}\n`);
    } catch (error) {
      throw new RedriveStateWriteError(this.kind, file, { cause: error });
    }
    return { state, where: file };
  }

  #file(name: string): string {
    return join(this.#path, ...name.split('/'));
  }

  /** The redrive state of a record; `undefined` when it has none (`missingOk`: the file may not exist). */
  async #readState(key: string, missingOk = false): Promise<RedriveState | undefined> {
    const file = this.#file(redriveStateKey(key));
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (missingOk && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new OnFailureReadError(this.kind, file, String(error), { cause: error });
    }
    const parsed = parseRedriveState(text);
    if (typeof parsed === 'string') throw new OnFailureReadError(this.kind, file, `the redrive state ${parsed}`);
    return parsed;
  }

  async #read(key: string): Promise<OnFailureRecord> {
    const file = this.#file(`${key}${DIRECTORY_RECORD_SUFFIX}`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new OnFailureReadError(this.kind, file, String(error), { cause: error });
    }
    const parsed = parseOnFailureRecord(text);
    if (typeof parsed === 'string') throw new OnFailureReadError(this.kind, file, `the file ${parsed}`);
    return parsed;
  }
}
