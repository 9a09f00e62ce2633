import {
  DescribeStreamCommand,
  type DescribeStreamCommandInput,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamsApiRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { canonicalKey } from '../../../runtime/records/canonical-key.js';
import { unmarshallImage } from '../../../runtime/records/dynamodb-image.js';
import type { AttributeValue as LambdaAttributeValue } from '../../../runtime/records/lambda-events.js';
import { jsonBytes } from '../json-bytes.js';
import { type DynamoDBRecordInput, dynamodbLambdaRecord } from '../lambda-event.js';
import type { IteratorPosition, ReadResult, ShardDescription, SourceRecord, StreamSource } from '../ports.js';
import { InvalidIteratorError, toStreamSourceError, UnsupportedPositionError } from './errors.js';
import { toLambdaImage } from './lambda-attribute-value.js';
import { shardDescription } from './shard-description.js';

/** Options for {@link DynamoDBStreamsSource}. */
export interface DynamoDBStreamsSourceOptions {
  /** A DynamoDB Streams client pointed at DynamoDB Local or AWS. */
  readonly client: DynamoDBStreamsClient;
  /** The table's `LatestStreamArn` (`…:table/<name>/stream/<label>`); it becomes every record's `eventSourceARN`. */
  readonly streamArn: string;
  /** The records' `awsRegion` (DynamoDB Local reports `ddblocal`; Lambda events carry the real region). */
  readonly region: string;
}

type StreamViewType = DynamoDBRecordInput['streamViewType'];

/**
 * Reads a DynamoDB stream through the DynamoDB Streams API (DescribeStream, GetShardIterator, GetRecords)
 * and turns each record into the exact Lambda event record: `eventVersion` "1.1", whole-second
 * `ApproximateCreationDateTime`, marshalled images with binaries as base64, `userIdentity` for TTL
 * deletes, `eventSourceARN` = the stream ARN. The ordering key (`partitionKey`) is the canonical JSON of
 * the unmarshalled `Keys`, as the handler computes it.
 *
 * @throws {ExpiredIteratorError} from `read` when the iterator is older than 15 minutes
 * @throws {TrimmedDataError} when the position is older than the stream's 24-hour retention
 * @throws {ReadThrottledError} when the API throttles or a limit is hit
 * @throws {UnsupportedPositionError} from `getIterator` for `AT_TIMESTAMP` (DynamoDB Streams has none)
 *
 * @example
 * ```ts
 * const source = new DynamoDBStreamsSource({ client: streamsClient, streamArn: table.LatestStreamArn, region: 'us-east-1' });
 * const [shard] = await source.listShards();
 * const iterator = await source.getIterator(shard.shardId, { type: 'TRIM_HORIZON' });
 * const { records } = await source.read(iterator, 100);
 * ```
 */
export class DynamoDBStreamsSource implements StreamSource {
  readonly kind = 'dynamodb' as const;
  readonly streamArn: string;
  private readonly client: DynamoDBStreamsClient;
  private readonly region: string;

  constructor(options: DynamoDBStreamsSourceOptions) {
    this.client = options.client;
    this.streamArn = options.streamArn;
    this.region = options.region;
  }

  /** Every shard, open and closed, with its parent (DescribeStream, following `LastEvaluatedShardId`). */
  async listShards(): Promise<ShardDescription[]> {
    const shards: ShardDescription[] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const input: DescribeStreamCommandInput = { StreamArn: this.streamArn };
      if (exclusiveStartShardId !== undefined) input.ExclusiveStartShardId = exclusiveStartShardId;
      const output = await this.call('DescribeStream', () => this.client.send(new DescribeStreamCommand(input)));
      for (const shard of output.StreamDescription?.Shards ?? []) {
        shards.push(
          shardDescription({
            shardId: shard.ShardId,
            parentShardId: shard.ParentShardId,
            startingSequenceNumber: shard.SequenceNumberRange?.StartingSequenceNumber,
            endingSequenceNumber: shard.SequenceNumberRange?.EndingSequenceNumber,
          }),
        );
      }
      exclusiveStartShardId = output.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId !== undefined);
    return shards;
  }

  /** A shard iterator for `position`: `TRIM_HORIZON`, `LATEST`, `AT_SEQUENCE_NUMBER` or `AFTER_SEQUENCE_NUMBER`. */
  async getIterator(shardId: string, position: IteratorPosition): Promise<string> {
    if (position.type === 'AT_TIMESTAMP') {
      throw new UnsupportedPositionError('DynamoDB Streams has no AT_TIMESTAMP iterator; use TRIM_HORIZON or LATEST');
    }
    const sequenceNumber =
      position.type === 'AT_SEQUENCE_NUMBER' || position.type === 'AFTER_SEQUENCE_NUMBER'
        ? position.sequenceNumber
        : undefined;
    const output = await this.call(`GetShardIterator on ${shardId}`, () =>
      this.client.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...(sequenceNumber === undefined ? {} : { SequenceNumber: sequenceNumber }),
        }),
      ),
    );
    if (output.ShardIterator === undefined) {
      throw new InvalidIteratorError(`GetShardIterator on ${this.streamArn} ${shardId} returned no iterator`);
    }
    return output.ShardIterator;
  }

  /** One GetRecords call of at most `limit` records (API maximum 1000); `nextIterator` is `undefined` at SHARD_END. */
  async read(iterator: string, limit: number): Promise<ReadResult> {
    const output = await this.call('GetRecords', () =>
      this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit })),
    );
    return {
      records: (output.Records ?? []).map((record) => this.toSourceRecord(record)),
      nextIterator: output.NextShardIterator,
      millisBehindLatest: undefined,
    };
  }

  private toSourceRecord(record: StreamsApiRecord): SourceRecord {
    const change = record.dynamodb ?? {};
    const sequenceNumber = change.SequenceNumber ?? '';
    const eventID = record.eventID ?? '';
    const keys = toLambdaImage(change.Keys ?? {});
    const approximateArrivalMs = change.ApproximateCreationDateTime?.getTime() ?? Date.now();
    const identity = record.userIdentity;
    const lambdaRecord = dynamodbLambdaRecord({
      streamArn: this.streamArn,
      region: this.region,
      eventID,
      eventName: record.eventName as DynamoDBRecordInput['eventName'],
      sequenceNumber,
      keys,
      sizeBytes: change.SizeBytes ?? 0,
      streamViewType: change.StreamViewType as StreamViewType,
      approximateCreationMs: approximateArrivalMs,
      ...(change.NewImage === undefined ? {} : { newImage: toLambdaImage(change.NewImage) }),
      ...(change.OldImage === undefined ? {} : { oldImage: toLambdaImage(change.OldImage) }),
      ...(identity === undefined
        ? {}
        : { userIdentity: { type: identity.Type ?? '', principalId: identity.PrincipalId ?? '' } }),
    });
    return {
      sequenceNumber,
      partitionKey: orderingKey(keys, eventID, sequenceNumber),
      approximateArrivalMs,
      payloadBytes: jsonBytes(lambdaRecord),
      lambdaRecord,
    };
  }

  private async call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toStreamSourceError(error, `${action} on ${this.streamArn}`);
    }
  }
}

/**
 * Canonical JSON of the unmarshalled keys, exactly as the handler's decoder computes `partitionKey`.
 * Keys the decoder cannot unmarshall (e.g. an `N` beyond 2^53) fall back to the canonical JSON of the
 * marshalled keys: still one stable string per item, so ordering holds, and the handler reports the
 * record as undecodable.
 */
function orderingKey(keys: Record<string, LambdaAttributeValue>, eventID: string, sequenceNumber: string): string {
  try {
    return canonicalKey(unmarshallImage(keys, 'Keys', { eventID, sequenceNumber }));
  } catch {
    return canonicalKey(keys);
  }
}
