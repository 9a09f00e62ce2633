import { PermanentError } from '../errors.js';

/**
 * Where a decode error happened: enough to find the record again, never its payload.
 *
 * @example
 * ```ts
 * const identity: RecordIdentity = { eventID: 'shardId-000000000006:4959…', sequenceNumber: '4959…' };
 * ```
 */
export interface RecordIdentity {
  readonly eventID?: string | undefined;
  readonly sequenceNumber?: string | undefined;
  /** Index of the user record inside a KPL aggregate, when the error concerns one. */
  readonly subSequenceNumber?: number | undefined;
}

/** Which part of a DynamoDB stream record an {@link InvalidImageError} is about. */
export type DynamoDBImageName = 'Keys' | 'NewImage' | 'OldImage';

/**
 * Base class of every record decode error: a {@link PermanentError} (retrying cannot fix bytes) that
 * carries the record's identity. Messages name the record and the problem, never the payload.
 *
 * @example
 * ```ts
 * try {
 *   record.json();
 * } catch (error) {
 *   if (error instanceof RecordDecodeError) logger.warn({ seq: error.sequenceNumber }, error.message);
 * }
 * ```
 */
export abstract class RecordDecodeError extends PermanentError {
  readonly eventID: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly subSequenceNumber: number | undefined;

  constructor(problem: string, identity: RecordIdentity, options?: ErrorOptions) {
    super(`${problem} (${describeIdentity(identity)})`, options);
    this.eventID = identity.eventID;
    this.sequenceNumber = identity.sequenceNumber;
    this.subSequenceNumber = identity.subSequenceNumber;
  }
}

function describeIdentity(identity: RecordIdentity): string {
  const sequence = identity.sequenceNumber ?? 'unknown';
  const sub = identity.subSequenceNumber === undefined ? '' : `, subSequenceNumber ${identity.subSequenceNumber}`;
  const eventID = identity.eventID === undefined ? '' : `, eventID ${identity.eventID}`;
  return `sequenceNumber ${sequence}${sub}${eventID}`;
}

/**
 * `kinesis.data` is not canonical base64 (a character outside `A–Z a–z 0–9 + /`, wrong padding,
 * or a length that is not a multiple of 4).
 *
 * @example
 * ```ts
 * throw new InvalidBase64Error({ sequenceNumber: '4959…' }, 17);
 * ```
 */
export class InvalidBase64Error extends RecordDecodeError {
  /** Length of the base64 string (its content is not kept). */
  readonly base64Length: number;
  constructor(identity: RecordIdentity, base64Length: number) {
    super(`kinesis.data is not valid base64 (${base64Length} characters)`, identity);
    this.base64Length = base64Length;
  }
}

/**
 * The record's bytes are not valid UTF-8, so `text()` (and `json()`) cannot read them.
 *
 * @example
 * ```ts
 * throw new InvalidUtf8Error({ sequenceNumber: '4959…' }, 12, new TypeError('invalid'));
 * ```
 */
export class InvalidUtf8Error extends RecordDecodeError {
  readonly byteLength: number;
  constructor(identity: RecordIdentity, byteLength: number, cause?: unknown) {
    super(`record data is not valid UTF-8 (${byteLength} bytes)`, identity, { cause });
    this.byteLength = byteLength;
  }
}

/**
 * The record's text is not JSON. `cause` is the `SyntaxError` from `JSON.parse` (whose own message
 * may quote part of the payload; this error's message never does).
 *
 * @example
 * ```ts
 * throw new InvalidJsonError({ sequenceNumber: '4959…' }, syntaxError);
 * ```
 */
export class InvalidJsonError extends RecordDecodeError {
  /** Offset of the first invalid character, when the parser reported one. */
  readonly position: number | undefined;
  /**
   * The parser's `SyntaxError` is deliberately not kept as `cause`: V8 quotes the input around the bad
   * token in its message, so a log line would carry fragments of the payload (card numbers, e-mails).
   */
  constructor(identity: RecordIdentity, parseError: unknown) {
    const position = /position (\d+)/.exec(parseError instanceof Error ? parseError.message : '')?.[1];
    super(`record data is not valid JSON${position === undefined ? '' : ` (at offset ${position})`}`, identity);
    this.position = position === undefined ? undefined : Number(position);
  }
}

/**
 * A KPL aggregated record (magic bytes `F3 89 9A C2`) whose protobuf body is truncated or corrupt,
 * or whose user records point outside the partition/explicit hash key tables.
 *
 * @example
 * ```ts
 * throw new KplDecodeError({ sequenceNumber: '4959…' }, 'record shorter than magic + digest');
 * ```
 */
export class KplDecodeError extends RecordDecodeError {
  constructor(identity: RecordIdentity, reason: string, cause?: unknown) {
    super(`KPL aggregated record cannot be decoded: ${reason}`, identity, cause === undefined ? undefined : { cause });
  }
}

/**
 * A KPL aggregated record whose trailing 16-byte MD5 digest does not match its protobuf body.
 *
 * @example
 * ```ts
 * throw new KplDigestMismatchError({ sequenceNumber: '4959…' }, 'd50c…', '0000…');
 * ```
 */
export class KplDigestMismatchError extends RecordDecodeError {
  /** MD5 computed over the protobuf body, hex. */
  readonly computedDigest: string;
  /** MD5 carried by the record, hex. */
  readonly recordDigest: string;
  constructor(identity: RecordIdentity, computedDigest: string, recordDigest: string) {
    super(`KPL aggregated record MD5 digest mismatch (computed ${computedDigest}, carried ${recordDigest})`, identity);
    this.computedDigest = computedDigest;
    this.recordDigest = recordDigest;
  }
}

/**
 * A well-formed KPL aggregated record that holds no user records at all.
 *
 * @example
 * ```ts
 * throw new KplEmptyAggregateError({ sequenceNumber: '4959…' });
 * ```
 */
export class KplEmptyAggregateError extends RecordDecodeError {
  constructor(identity: RecordIdentity) {
    super('KPL aggregated record holds no user records', identity);
  }
}

/**
 * A DynamoDB image (Keys, NewImage or OldImage) holding something DynamoDB cannot emit: an attribute value
 * without exactly one known type key, a type key holding the wrong JSON type (`{ BOOL: "false" }`,
 * `{ S: 42 }`, `{ NULL: false }`), an `N` outside DynamoDB's number syntax (`""`, `"0x10"`, `" 1"`), an
 * empty or duplicated set, a `B`/`BS` that is not base64, nesting deeper than 32 levels, an attribute named
 * `__proto__`, or an `N` whose magnitude exceeds `Number.MAX_SAFE_INTEGER` (it would not round-trip
 * through a JavaScript number). `path` names the attribute; the message never holds a value.
 *
 * @example
 * ```ts
 * throw new InvalidImageError({ sequenceNumber: '1111…' }, 'NewImage', 'N is not a number in DynamoDB syntax',
 *   'NewImage.items[2].price');
 * ```
 */
export class InvalidImageError extends RecordDecodeError {
  readonly image: DynamoDBImageName;
  /** The offending attribute in redaction-path notation (`NewImage.items[2].price`); the image name for the whole image. */
  readonly path: string;
  constructor(identity: RecordIdentity, image: DynamoDBImageName, reason: string, path: string = image) {
    super(`dynamodb.${path} cannot be unmarshalled: ${reason}`, identity);
    this.image = image;
    this.path = path;
  }
}

/**
 * A record bigger than the configured `maxRecordBytes` (Kinesis: decoded data bytes, before KPL
 * de-aggregation; DynamoDB: `SizeBytes`).
 *
 * @example
 * ```ts
 * throw new RecordTooLargeError({ sequenceNumber: '4959…' }, 2_000_000, 1_048_576);
 * ```
 */
export class RecordTooLargeError extends RecordDecodeError {
  readonly sizeBytes: number;
  readonly maxBytes: number;
  constructor(identity: RecordIdentity, sizeBytes: number, maxBytes: number) {
    super(`record is ${sizeBytes} bytes, over the limit of ${maxBytes}`, identity);
    this.sizeBytes = sizeBytes;
    this.maxBytes = maxBytes;
  }
}

/**
 * A record that lacks a field the documented Lambda event shape always has (e.g. `kinesis.data`,
 * `dynamodb.Keys`, `dynamodb.SequenceNumber`), or has it with the wrong type.
 *
 * @example
 * ```ts
 * throw new MalformedRecordError({ eventID: 'f07f…' }, 'dynamodb.SequenceNumber', 'is missing');
 * ```
 */
export class MalformedRecordError extends RecordDecodeError {
  /** Dotted path of the offending field, relative to the record (`kinesis.data`). */
  readonly field: string;
  constructor(identity: RecordIdentity, field: string, problem: string) {
    super(`${field} ${problem}`, identity);
    this.field = field;
  }
}
