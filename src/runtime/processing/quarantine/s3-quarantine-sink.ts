import { randomBytes } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { QuarantineEntry, QuarantineSink } from './quarantine-entry.js';
import { QuarantineWriteError } from './quarantine-write-error.js';
import { toNdjson } from './serialize-entry.js';

/** Options for {@link S3QuarantineSink}. */
export interface S3QuarantineSinkOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix, normally ending in `/`. Default `quarantine/`. */
  readonly prefix?: string;
  /** Clock for the key's time partition. Default `() => new Date()`. */
  readonly now?: () => Date;
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * Builds the object key for one write:
 * `<prefix><stream>/YYYY/MM/DD/HH/<timestamp>-<shardId|unknown>-<first sequenceNumber|none>-<random>.ndjson`.
 * The timestamp is ISO-8601 UTC with milliseconds, written with `.` instead of `:` between hours,
 * minutes and seconds (`2024-05-01T12.34.56.789Z`) — the same convention as Lambda's own S3 on-failure
 * destination keys, so keys need no URL escaping and stay valid file names everywhere.
 *
 * @example
 * ```ts
 * quarantineObjectKey('quarantine/', entries, new Date('2024-05-01T12:34:56.789Z'), 'a1b2c3');
 * // 'quarantine/orders/2024/05/01/12/2024-05-01T12.34.56.789Z-shardId-000000000000-4960…-a1b2c3.ndjson'
 * ```
 */
export function quarantineObjectKey(
  prefix: string,
  entries: readonly QuarantineEntry[],
  at: Date,
  random: string,
): string {
  const first = entries[0];
  const stream = first?.stream ?? 'unknown';
  const yyyy = pad(at.getUTCFullYear(), 4);
  const mm = pad(at.getUTCMonth() + 1);
  const dd = pad(at.getUTCDate());
  const hh = pad(at.getUTCHours());
  const timestamp = at.toISOString().replaceAll(':', '.');
  const shard = first?.shardId ?? 'unknown';
  const sequence = first?.sequenceNumber ?? 'none';
  return `${prefix}${stream}/${yyyy}/${mm}/${dd}/${hh}/${timestamp}-${shard}-${sequence}-${random}.ndjson`;
}

/**
 * Quarantine sink writing each batch of entries as one NDJSON object to S3, encrypted with SSE-S3
 * (`AES256`). An S3 object has no practical size limit here, so a write is always one `PutObject`;
 * the SDK client retries throttling and 5xx itself, and any error that remains becomes a
 * {@link QuarantineWriteError} for all entries of the write.
 *
 * @example
 * ```ts
 * const sink = new S3QuarantineSink({ client: new S3Client({}), bucket: 'shop-quarantine' });
 * await sink.write(entries); // s3://shop-quarantine/quarantine/orders/2024/05/01/12/….ndjson
 * ```
 */
export class S3QuarantineSink implements QuarantineSink {
  readonly kind = 's3';
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #now: () => Date;

  constructor(options: S3QuarantineSinkOptions) {
    this.#client = options.client;
    this.#bucket = options.bucket;
    this.#prefix = options.prefix ?? 'quarantine/';
    this.#now = options.now ?? (() => new Date());
  }

  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const key = quarantineObjectKey(this.#prefix, entries, this.#now(), randomBytes(6).toString('hex'));
    try {
      await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: key,
          Body: toNdjson(entries),
          ContentType: 'application/x-ndjson',
          ServerSideEncryption: 'AES256',
        }),
      );
    } catch (error) {
      const reason = `PutObject s3://${this.#bucket}/${key} failed: ${error instanceof Error ? error.message : String(error)}`;
      throw new QuarantineWriteError(
        this.kind,
        entries.map((entry) => ({ entry, reason })),
        { cause: error },
      );
    }
  }
}
