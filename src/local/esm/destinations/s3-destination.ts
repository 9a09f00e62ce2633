import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { OnFailureDelivery, OnFailureDestination, OnFailureRecord } from '../ports.js';
import { ON_FAILURE_KEY_PREFIX } from './constants.js';
import { OnFailureDeliveryError, OnFailureReadError, RedriveStateWriteError } from './errors.js';
import { onFailureObjectKey } from './object-key.js';
import { readStoredRecords } from './read-stored-records.js';
import { parseOnFailureRecord, withPayload } from './record-json.js';
import {
  parseRedriveState,
  type RedriveAttempt,
  type RedriveState,
  redriveStateKey,
  withRedriveAttempt,
} from './redrive-state.js';
import type { RecordedRedrive, RedrivableOnFailureRecords, StoredOnFailureRecord } from './types.js';

/** Options for {@link S3OnFailureDestination}. */
export interface S3OnFailureDestinationOptions {
  readonly client: S3Client;
  readonly bucket: string;
}

/**
 * On-failure destination writing one S3 object per discarded batch, as Lambda does: key
 * `aws/lambda/<esmUuid>/<shardId>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random uuid>` (UTC, from the record's
 * `timestamp`), body the on-failure record JSON followed by `payload: { Records: [...] }` (the records as
 * delivered), encrypted with SSE-S3. The SDK client retries throttling and 5xx itself; what still fails
 * becomes an {@link OnFailureDeliveryError}.
 *
 * A redrive is recorded in an object beside the record, `<key>.redrive.json` (a {@link RedriveState}),
 * rather than in object tags: tags hold at most 10 values of 256 characters (no room for an outcome per
 * record or a history of attempts), `PutObjectTagging` replaces the whole tag set, and a sidecar under the
 * same prefix expires with the record under the bucket's lifecycle rule for `aws/lambda/`.
 *
 * @example
 * ```ts
 * const destination = new S3OnFailureDestination({ client: new S3Client({}), bucket: 'orders-failures' });
 * await destination.send({ record, records, shardId, esmUuid });
 * const stored = await destination.list(); // every record under aws/lambda/, in key order
 * ```
 */
export class S3OnFailureDestination implements OnFailureDestination, RedrivableOnFailureRecords {
  readonly kind = 's3';
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(options: S3OnFailureDestinationOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
  }

  /** The bucket records are written to. */
  get bucket(): string {
    return this.#bucket;
  }

  async send(delivery: OnFailureDelivery): Promise<void> {
    const key = onFailureObjectKey(delivery.esmUuid, delivery.shardId, new Date(delivery.record.timestamp));
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: JSON.stringify(withPayload(delivery.record, delivery.records)),
          ContentType: 'application/json',
          ServerSideEncryption: 'AES256',
        }),
      );
    } catch (error) {
      throw new OnFailureDeliveryError(this.kind, `s3://${this.#bucket}/${key}`, delivery.shardId, { cause: error });
    }
  }

  async list(): Promise<OnFailureRecord[]> {
    return (await this.listStored()).map((stored) => stored.record);
  }

  /**
   * Every stored record with its key, in key order (ListObjectsV2 under `aws/lambda/`, paginated, then a
   * bounded number of parallel GetObject calls).
   *
   * @throws {OnFailureReadError} when listing or reading fails, or an object is not an on-failure record
   */
  async listStored(): Promise<StoredOnFailureRecord[]> {
    return readStoredRecords(await this.#listKeys(), {
      read: (key) => this.#read(key),
      readState: (key) => this.#readState(key),
    });
  }

  /**
   * Appends a redrive attempt to the record's `<key>.redrive.json` (read again first, so an attempt
   * recorded since the listing is kept).
   *
   * @throws {RedriveStateWriteError} when the state cannot be written
   */
  async recordRedrive(stored: StoredOnFailureRecord, attempt: RedriveAttempt): Promise<RecordedRedrive> {
    const stateKey = redriveStateKey(stored.key);
    const location = `s3://${this.#bucket}/${stateKey}`;
    const state = withRedriveAttempt(await this.#readState(stored.key, true), stored.key, attempt);
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: stateKey,
          Body: `${JSON.stringify(state, null, 2)}\n`,
          ContentType: 'application/json',
          ServerSideEncryption: 'AES256',
        }),
      );
    } catch (error) {
      throw new RedriveStateWriteError(this.kind, location, { cause: error });
    }
    return { state, where: location };
  }

  async #listKeys(): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.#client.send(
          new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: ON_FAILURE_KEY_PREFIX, ContinuationToken: token }),
        );
      } catch (error) {
        throw new OnFailureReadError(this.kind, `s3://${this.#bucket}/${ON_FAILURE_KEY_PREFIX}`, describe(error), {
          cause: error,
        });
      }
      for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
      token = page.NextContinuationToken;
    } while (token !== undefined);
    return keys.sort();
  }

  async #read(key: string): Promise<OnFailureRecord> {
    const location = `s3://${this.#bucket}/${key}`;
    let text: string;
    try {
      const object = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: key }));
      text = (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      throw new OnFailureReadError(this.kind, location, describe(error), { cause: error });
    }
    const parsed = parseOnFailureRecord(text);
    if (typeof parsed === 'string') throw new OnFailureReadError(this.kind, location, `the object ${parsed}`);
    return parsed;
  }

  /** The redrive state of a record; `undefined` when it has none (`missingOk`: the object may not exist). */
  async #readState(key: string, missingOk = false): Promise<RedriveState | undefined> {
    const location = `s3://${this.#bucket}/${redriveStateKey(key)}`;
    let text: string;
    try {
      const object = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: redriveStateKey(key) }));
      text = (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if (missingOk && isNoSuchKey(error)) return undefined;
      throw new OnFailureReadError(this.kind, location, describe(error), { cause: error });
    }
    const parsed = parseRedriveState(text);
    if (typeof parsed === 'string') throw new OnFailureReadError(this.kind, location, `the redrive state ${parsed}`);
    return parsed;
  }
}

function isNoSuchKey(error: unknown): boolean {
  return error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound');
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
