import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  type GetShardIteratorCommandInput,
  type _Record as KinesisApiRecord,
  type KinesisClient,
  ListShardsCommand,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { ConfigError } from '../../../runtime/errors.js';
import { streamNameFromArn } from '../../../runtime/records/arn.js';
import type { KinesisStreamRecord } from '../../../runtime/records/lambda-events.js';
import { jsonCopy } from '../json-copy.js';
import {
  type KinesisRecordInput,
  type KinesisStreamInput,
  kinesisLambdaRecord,
  kinesisLambdaRecordSizer,
} from '../lambda-event.js';
import type { IteratorPosition, ReadResult, ShardDescription, SourceRecord, StreamSource } from '../ports.js';
import { InvalidIteratorError, toStreamSourceError } from './errors.js';
import { shardDescription } from './shard-description.js';

/** Options for {@link KinesisSource}. */
export interface KinesisSourceOptions {
  /** A Kinesis client pointed at kinesalite or AWS. */
  readonly client: KinesisClient;
  /** `arn:aws:kinesis:<region>:<account>:stream/<name>`; it becomes every record's `eventSourceARN`. */
  readonly streamArn: string;
  /** The records' `awsRegion`. */
  readonly region: string;
  /** The records' `invokeIdentityArn` (the function's execution role). Default: a local placeholder role. */
  readonly invokeIdentityArn?: string;
  /**
   * How `AT_TIMESTAMP` positions are resolved. `'api'` (default): GetShardIterator `AT_TIMESTAMP`.
   * `'scan'`: read the shard from `TRIM_HORIZON` to the first record that arrived at or after the
   * timestamp and start there (or at the tip when there is none). Use `'scan'` with kinesalite, whose
   * `AT_TIMESTAMP` never answers when no record arrived at or after the timestamp.
   */
  readonly atTimestamp?: 'api' | 'scan';
}

/** Separates the shard id from the AWS iterator in the tokens {@link KinesisSource.getIterator} returns. */
const TOKEN_SEPARATOR = ':';
/** GetRecords page size while scanning for an `AT_TIMESTAMP` position (the API maximum). */
const SCAN_PAGE_LIMIT = 10_000;

/**
 * Reads a Kinesis data stream through its API (ListShards, GetShardIterator, GetRecords) and turns each
 * record into the exact Lambda event record. KPL-aggregated records are delivered as they are stored (one
 * Lambda record with the aggregate's bytes), as Lambda does; de-aggregation is the handler's job.
 *
 * Calls name the stream by `StreamName` (taken from the ARN), which both AWS and kinesalite accept.
 * The iterators it returns are opaque tokens (`<shardId>:<AWS iterator>`, so `read` can build each
 * record's `eventID`); pass them back to the same source only.
 *
 * @throws {ExpiredIteratorError} from `read` when the iterator is older than 5 minutes
 * @throws {ReadThrottledError} when Kinesis throttles or a limit is hit
 *
 * @example
 * ```ts
 * const source = new KinesisSource({ client, streamArn, region: 'us-east-1' });
 * const [shard] = await source.listShards();
 * let iterator = await source.getIterator(shard.shardId, { type: 'TRIM_HORIZON' });
 * const page = await source.read(iterator, 100);
 * await handler({ Records: page.records.map((record) => record.lambdaRecord) });
 * ```
 */
export class KinesisSource implements StreamSource {
  readonly kind = 'kinesis' as const;
  readonly streamArn: string;
  private readonly client: KinesisClient;
  private readonly streamName: string;
  /** What every Lambda record of this source has in common. */
  private readonly stream: KinesisStreamInput;
  private readonly atTimestamp: 'api' | 'scan';
  /** `Buffer.byteLength(JSON.stringify(lambdaRecord))` of this source's records, without building them. */
  private readonly recordBytes: ReturnType<typeof kinesisLambdaRecordSizer>;

  constructor(options: KinesisSourceOptions) {
    const streamName = streamNameFromArn(options.streamArn);
    if (streamName === undefined) {
      throw new ConfigError('streamArn', `'${options.streamArn}' is not a Kinesis stream ARN`);
    }
    this.client = options.client;
    this.streamArn = options.streamArn;
    this.streamName = streamName;
    this.stream = {
      streamArn: options.streamArn,
      region: options.region,
      invokeIdentityArn: options.invokeIdentityArn,
    };
    this.atTimestamp = options.atTimestamp ?? 'api';
    this.recordBytes = kinesisLambdaRecordSizer(this.stream);
  }

  /** Every shard, open and closed, with its parents (ListShards, following `NextToken`). */
  async listShards(): Promise<ShardDescription[]> {
    const shards: ShardDescription[] = [];
    let nextToken: string | undefined;
    do {
      // AWS rejects StreamName together with NextToken: follow-up pages carry the token only.
      const input = nextToken === undefined ? { StreamName: this.streamName } : { NextToken: nextToken };
      const page = await this.call(`ListShards on ${this.streamName}`, () =>
        this.client.send(new ListShardsCommand(input)),
      );
      for (const shard of page.Shards ?? []) shards.push(toShardDescription(shard));
      nextToken = page.NextToken;
    } while (nextToken !== undefined);
    return shards;
  }

  /** A shard iterator for `position` (all five Kinesis iterator types). */
  async getIterator(shardId: string, position: IteratorPosition): Promise<string> {
    const iterator =
      position.type === 'AT_TIMESTAMP' && this.atTimestamp === 'scan'
        ? await this.scanToTimestamp(shardId, position.timestamp)
        : await this.awsIterator(shardId, position);
    return `${shardId}${TOKEN_SEPARATOR}${iterator}`;
  }

  private async awsIterator(shardId: string, position: IteratorPosition): Promise<string> {
    const input: GetShardIteratorCommandInput = {
      StreamName: this.streamName,
      ShardId: shardId,
      ShardIteratorType: position.type,
    };
    if (position.type === 'AT_SEQUENCE_NUMBER' || position.type === 'AFTER_SEQUENCE_NUMBER') {
      input.StartingSequenceNumber = position.sequenceNumber;
    } else if (position.type === 'AT_TIMESTAMP') {
      input.Timestamp = position.timestamp;
    }
    const output = await this.call(`GetShardIterator on ${this.streamName}/${shardId}`, () =>
      this.client.send(new GetShardIteratorCommand(input)),
    );
    if (output.ShardIterator === undefined) {
      throw new InvalidIteratorError(`GetShardIterator on ${this.streamName}/${shardId} returned no iterator`);
    }
    return output.ShardIterator;
  }

  /** The AWS iterator at the first record that arrived at or after `timestamp`, found by reading the shard. */
  private async scanToTimestamp(shardId: string, timestamp: Date): Promise<string> {
    let iterator = await this.awsIterator(shardId, { type: 'TRIM_HORIZON' });
    let lastSequenceNumber: string | undefined;
    for (;;) {
      const current = iterator;
      const page = await this.call(`GetRecords on ${this.streamName}/${shardId}`, () =>
        this.client.send(new GetRecordsCommand({ ShardIterator: current, Limit: SCAN_PAGE_LIMIT })),
      );
      const records = page.Records ?? [];
      const first = records.find(
        (record) => (record.ApproximateArrivalTimestamp?.getTime() ?? 0) >= timestamp.getTime(),
      );
      if (first?.SequenceNumber !== undefined) {
        return this.awsIterator(shardId, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: first.SequenceNumber });
      }
      lastSequenceNumber = records.at(-1)?.SequenceNumber ?? lastSequenceNumber;
      if (page.NextShardIterator === undefined) {
        // A closed shard with nothing after the timestamp: position past its last record (SHARD_END).
        return lastSequenceNumber === undefined
          ? current
          : this.awsIterator(shardId, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: lastSequenceNumber });
      }
      // At the tip with nothing after the timestamp: the next record to arrive is the first one.
      if (records.length === 0 && (page.MillisBehindLatest ?? 0) === 0) return page.NextShardIterator;
      iterator = page.NextShardIterator;
    }
  }

  /** One GetRecords call of at most `limit` records; `nextIterator` is `undefined` at the end of a closed shard. */
  async read(iterator: string, limit: number): Promise<ReadResult> {
    const cut = iterator.indexOf(TOKEN_SEPARATOR);
    if (cut <= 0) throw new InvalidIteratorError(`'${iterator.slice(0, 40)}…' is not a KinesisSource iterator`);
    const shardId = iterator.slice(0, cut);
    const output = await this.call(`GetRecords on ${this.streamName}/${shardId}`, () =>
      this.client.send(new GetRecordsCommand({ ShardIterator: iterator.slice(cut + 1), Limit: limit })),
    );
    return {
      records: (output.Records ?? []).map((record) => this.toSourceRecord(shardId, record)),
      nextIterator:
        output.NextShardIterator === undefined ? undefined : `${shardId}${TOKEN_SEPARATOR}${output.NextShardIterator}`,
      millisBehindLatest: output.MillisBehindLatest,
    };
  }

  private toSourceRecord(shardId: string, record: KinesisApiRecord): SourceRecord {
    const sequenceNumber = record.SequenceNumber ?? '';
    const partitionKey = record.PartitionKey ?? '';
    const approximateArrivalMs = record.ApproximateArrivalTimestamp?.getTime() ?? Date.now();
    const input = {
      shardId,
      sequenceNumber,
      partitionKey,
      data: record.Data ?? new Uint8Array(),
      approximateArrivalMs,
    };
    return new KinesisSourceRecord(this.stream, input, this.recordBytes(input));
  }

  private async call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toStreamSourceError(error, action);
    }
  }
}

/**
 * A record read from Kinesis. Records waiting in a batch queue hold the SDK's bytes (outside the JS heap)
 * rather than their base64 text, and each invocation gets Lambda records built for it from those bytes (no
 * copy of a shared one): what the poller reads ahead costs the garbage collector little.
 */
class KinesisSourceRecord implements SourceRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly approximateArrivalMs: number;
  readonly payloadBytes: number;
  readonly #stream: KinesisStreamInput;
  readonly #input: Omit<KinesisRecordInput, keyof KinesisStreamInput>;
  #lambdaRecord: KinesisStreamRecord | undefined;

  constructor(
    stream: KinesisStreamInput,
    input: Omit<KinesisRecordInput, keyof KinesisStreamInput>,
    payloadBytes: number,
  ) {
    this.sequenceNumber = input.sequenceNumber;
    this.partitionKey = input.partitionKey;
    this.approximateArrivalMs = input.approximateArrivalMs;
    this.payloadBytes = payloadBytes;
    this.#stream = stream;
    this.#input = input;
  }

  get lambdaRecord(): KinesisStreamRecord {
    this.#lambdaRecord ??= this.#build();
    return this.#lambdaRecord;
  }

  /** Built anew from the SDK's fields: strings and a finite number, so equal to its own JSON round trip. */
  invocationRecord(): KinesisStreamRecord {
    const record = this.#build();
    // An unreadable arrival time (NaN) would be written as null.
    return Number.isFinite(this.approximateArrivalMs) ? record : (jsonCopy(record) as KinesisStreamRecord);
  }

  #build(): KinesisStreamRecord {
    const stream = this.#stream;
    const input = this.#input;
    // An object literal, not spreads: spread copies are many times slower to build and to read.
    return kinesisLambdaRecord({
      streamArn: stream.streamArn,
      region: stream.region,
      invokeIdentityArn: stream.invokeIdentityArn,
      shardId: input.shardId,
      sequenceNumber: input.sequenceNumber,
      partitionKey: input.partitionKey,
      data: input.data,
      approximateArrivalMs: input.approximateArrivalMs,
    });
  }
}

function toShardDescription(shard: Shard): ShardDescription {
  return shardDescription({
    shardId: shard.ShardId,
    parentShardId: shard.ParentShardId,
    adjacentParentShardId: shard.AdjacentParentShardId,
    startingSequenceNumber: shard.SequenceNumberRange?.StartingSequenceNumber,
    endingSequenceNumber: shard.SequenceNumberRange?.EndingSequenceNumber,
  });
}
