import type { DynamoDBStreamEvent, KinesisStreamEvent } from '../../runtime/records/lambda-events.js';

/**
 * AWS's documented sample events, verbatim: what a builder's output is compared with, and ready-made
 * events for a first test. Treat them as read-only (`structuredClone` one before changing it).
 *
 * @example
 * ```ts
 * import { AWS_SAMPLE_KINESIS_EVENT, runProcessor } from 'shardflow/testing';
 * const run = await runProcessor(greetings, AWS_SAMPLE_KINESIS_EVENT);
 * ```
 */

/**
 * The sequence number of AWS's sample Kinesis event; {@link KinesisEventFactory} continues from here.
 *
 * @example
 * ```ts
 * new KinesisEventFactory().nextSequenceNumber() === SAMPLE_KINESIS_SEQUENCE_NUMBER; // true
 * ```
 */
export const SAMPLE_KINESIS_SEQUENCE_NUMBER = '49590338271490256608559692538361571095921575989136588898';

/**
 * AWS's documented sample Kinesis event ("Using Lambda with Kinesis"), verbatim: two records of shard
 * `shardId-000000000006`, data "Hello, this is a test." and "This is only a test.".
 *
 * @example
 * ```ts
 * const run = await runProcessor(textProcessor, AWS_SAMPLE_KINESIS_EVENT);
 * expect(run.counts.processed).toBe(2);
 * ```
 */
export const AWS_SAMPLE_KINESIS_EVENT: KinesisStreamEvent = {
  Records: [
    {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: '1',
        sequenceNumber: '49590338271490256608559692538361571095921575989136588898',
        data: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==',
        approximateArrivalTimestamp: 1545084650.987,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000006:49590338271490256608559692538361571095921575989136588898',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
      awsRegion: 'us-east-2',
      eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
    },
    {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: '1',
        sequenceNumber: '49590338271490256608559692540925702759324208523137515618',
        data: 'VGhpcyBpcyBvbmx5IGEgdGVzdC4=',
        approximateArrivalTimestamp: 1545084711.166,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: 'shardId-000000000006:49590338271490256608559692540925702759324208523137515618',
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-role',
      awsRegion: 'us-east-2',
      eventSourceARN: 'arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream',
    },
  ],
};

/**
 * The sample DynamoDB Streams event AWS ships (`sam local generate-event dynamodb update`; also shown in
 * the Lambda docs), verbatim: INSERT (with the TTL `userIdentity`), MODIFY, REMOVE of item `Id: 101`.
 *
 * @example
 * ```ts
 * const run = await runProcessor(itemProcessor, AWS_SAMPLE_DYNAMODB_EVENT);
 * expect(run.outcomes.map((o) => o.id)).toEqual(['4421584500000000017450439091', '4421584500000000017450439092', '4421584500000000017450439093']);
 * ```
 */
export const AWS_SAMPLE_DYNAMODB_EVENT: DynamoDBStreamEvent = {
  Records: [
    {
      eventID: 'c4ca4238a0b923820dcc509a6f75849b',
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      dynamodb: {
        Keys: { Id: { N: '101' } },
        NewImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
        ApproximateCreationDateTime: 1428537600,
        SequenceNumber: '4421584500000000017450439091',
        SizeBytes: 26,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN:
        'arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
      userIdentity: { principalId: 'dynamodb.amazonaws.com', type: 'Service' },
    },
    {
      eventID: 'c81e728d9d4c2f636f067f89cc14862c',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      dynamodb: {
        Keys: { Id: { N: '101' } },
        NewImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
        OldImage: { Message: { S: 'New item!' }, Id: { N: '101' } },
        ApproximateCreationDateTime: 1428537600,
        SequenceNumber: '4421584500000000017450439092',
        SizeBytes: 59,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN:
        'arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
    },
    {
      eventID: 'eccbc87e4b5ce2fe28308fd9f2a7baf3',
      eventName: 'REMOVE',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      dynamodb: {
        Keys: { Id: { N: '101' } },
        OldImage: { Message: { S: 'This item has changed' }, Id: { N: '101' } },
        ApproximateCreationDateTime: 1428537600,
        SequenceNumber: '4421584500000000017450439093',
        SizeBytes: 38,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
      eventSourceARN:
        'arn:aws:dynamodb:eu-central-1:123456789012:table/ExampleTableWithStream/stream/2015-06-27T00:48:05.899',
    },
  ],
};
