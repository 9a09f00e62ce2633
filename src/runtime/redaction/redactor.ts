import { nodeCrypto } from '../lazy-builtins.js';
import { decodeBase64Strict } from '../records/base64.js';
import { compileRedactionPaths, type PathNode } from './paths.js';
import { REDACTED, redactAttributeMap, redactPlain } from './walk.js';

/** Length and SHA-256 of payload bytes that were dropped because no path could be applied to them. */
export interface DroppedData {
  readonly bytes: number;
  readonly sha256: string;
}

/** A Lambda stream record after {@link Redactor.lambdaRecord}. */
export interface RedactedLambdaRecord {
  /** A copy of the record with its payload redacted (the input itself when nothing was redacted). */
  readonly record: unknown;
  /** Set when the Kinesis data was not base64 of UTF-8 JSON: it is dropped (`data: ""`) and only this is kept. */
  readonly dropped?: DroppedData;
}

/** Kinesis data after redaction. */
export interface RedactedData {
  /** Base64, like `kinesis.data`: the input itself when nothing was redacted, `""` when dropped. */
  readonly data: string;
  readonly dropped?: DroppedData;
}

/**
 * shardflow's one redaction engine: the configured paths (pino's syntax) applied to log lines, quarantine
 * entries and on-failure payloads alike. Every method copies only what it changes and never modifies its
 * input; with no paths each returns its input.
 */
export interface Redactor {
  /** The paths as configured. */
  readonly paths: readonly string[];
  /** `false` when there are no paths: every method returns its input. */
  readonly active: boolean;
  /** A JSON-like value (a log line, a parsed payload) with the values at the paths replaced by `"[REDACTED]"`. */
  value<T>(value: T): T;
  /** A DynamoDB attribute map as the event carries it (Keys, NewImage, OldImage), censored values as `{ S: "[REDACTED]" }`. */
  attributeMap<T>(map: T): T;
  /** A record's partition key for logs and entries: a DynamoDB key (canonical JSON of Keys) with key attributes at the paths censored. */
  partitionKey(source: 'kinesis' | 'dynamodb', partitionKey: string | undefined): string | undefined;
  /**
   * Base64 Kinesis data: kept as it is when no path reaches into its JSON, re-encoded with the values
   * redacted when one does, dropped (`""`, with its length and SHA-256) when it is not canonical base64 of
   * UTF-8 JSON — no path can be applied to it, so nothing in it can be vouched for.
   */
  kinesisData(base64: unknown): RedactedData;
  /** A Lambda Kinesis or DynamoDB Streams record with `kinesis.data` or `dynamodb.Keys/NewImage/OldImage` redacted. */
  lambdaRecord(record: unknown): RedactedLambdaRecord;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function droppedOf(bytes: Uint8Array): DroppedData {
  return { bytes: bytes.length, sha256: nodeCrypto().createHash('sha256').update(bytes).digest('hex') };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const INACTIVE: Redactor = Object.freeze({
  paths: [],
  active: false,
  value: <T>(value: T) => value,
  attributeMap: <T>(map: T) => map,
  partitionKey: (_source: 'kinesis' | 'dynamodb', key: string | undefined) => key,
  kinesisData: (base64: unknown) => ({ data: typeof base64 === 'string' ? base64 : '' }),
  lambdaRecord: (record: unknown) => ({ record }),
});

/**
 * Builds the redactor for a list of paths in pino's syntax: `email`, `card.number`, `headers["x-api-key"]`,
 * `contacts[*].email`, `*.customerId` (see `parseRedactionPath`). The same paths apply to a log line (from
 * its top level), to a Kinesis JSON payload and to a DynamoDB item (from theirs): `contacts[*].email`
 * censors `contacts[0].email` of a JSON payload and `NewImage.contacts.L[0].M.email.S` of a raw DynamoDB
 * record. A DynamoDB partition key is the canonical JSON of the item's key attributes, so it is censored
 * when a path reaches a key attribute (`{"customerId":"[REDACTED]"}`). Kinesis partition keys are opaque
 * strings chosen by the producer, not payload fields: they are kept.
 *
 * @throws ConfigError (path `setting`) for an invalid path.
 *
 * @example
 * ```ts
 * const redactor = createRedactor(['email', 'contacts[*].email']);
 * redactor.value({ email: 'a@b.c', contacts: [{ email: 'd@e.f' }] });
 * // { email: '[REDACTED]', contacts: [{ email: '[REDACTED]' }] }
 * redactor.attributeMap({ contacts: { L: [{ M: { email: { S: 'd@e.f' } } }] } });
 * // { contacts: { L: [{ M: { email: { S: '[REDACTED]' } } }] } }
 * ```
 */
export function createRedactor(paths: readonly string[] | undefined, setting = 'logging.redact'): Redactor {
  if (paths === undefined) return INACTIVE;
  const tree = compileRedactionPaths(paths, setting);
  if (paths.length === 0) return INACTIVE;
  return new PathRedactor([...paths], tree);
}

class PathRedactor implements Redactor {
  readonly paths: readonly string[];
  readonly active = true;
  readonly #tree: PathNode;

  constructor(paths: readonly string[], tree: PathNode) {
    this.paths = Object.freeze(paths);
    this.#tree = tree;
  }

  value<T>(value: T): T {
    return redactPlain(value, this.#tree) as T;
  }

  attributeMap<T>(map: T): T {
    return redactAttributeMap(map, this.#tree) as T;
  }

  partitionKey(source: 'kinesis' | 'dynamodb', partitionKey: string | undefined): string | undefined {
    if (source !== 'dynamodb' || partitionKey === undefined) return partitionKey;
    let keys: unknown;
    try {
      keys = JSON.parse(partitionKey);
    } catch {
      return partitionKey; // not the canonical JSON of Keys (an index placeholder): carries no attribute
    }
    const redacted = redactPlain(keys, this.#tree);
    return redacted === keys ? partitionKey : JSON.stringify(redacted);
  }

  kinesisData(base64: unknown): RedactedData {
    if (typeof base64 !== 'string') return { data: '', dropped: droppedOf(new Uint8Array(0)) };
    // Strict: Node's lenient decoding stops at an interior "=" and skips foreign characters, so the text
    // it reads might not be all the record holds.
    const bytes = decodeBase64Strict(base64);
    if (bytes === undefined) return { data: '', dropped: droppedOf(Buffer.from(base64, 'latin1')) };
    let value: unknown;
    try {
      value = JSON.parse(UTF8.decode(bytes));
    } catch {
      return { data: '', dropped: droppedOf(bytes) };
    }
    const redacted = redactPlain(value, this.#tree);
    if (redacted === value) return { data: base64 };
    return { data: Buffer.from(JSON.stringify(redacted)).toString('base64') };
  }

  lambdaRecord(record: unknown): RedactedLambdaRecord {
    if (!isObject(record)) return { record };
    const kinesis = record.kinesis;
    if (isObject(kinesis) && Object.hasOwn(kinesis, 'data')) {
      const { data, dropped } = this.kinesisData(kinesis.data);
      if (data === kinesis.data) return { record };
      const copy = { ...record, kinesis: { ...kinesis, data } };
      return dropped === undefined ? { record: copy } : { record: copy, dropped };
    }
    const dynamodb = record.dynamodb;
    if (!isObject(dynamodb)) return { record };
    let change: Record<string, unknown> | undefined;
    for (const image of ['Keys', 'NewImage', 'OldImage'] as const) {
      if (!Object.hasOwn(dynamodb, image)) continue;
      const redacted = redactAttributeMap(dynamodb[image], this.#tree);
      if (redacted === dynamodb[image]) continue;
      change ??= { ...dynamodb };
      change[image] = redacted;
    }
    return change === undefined ? { record } : { record: { ...record, dynamodb: change } };
  }
}

export { REDACTED };
