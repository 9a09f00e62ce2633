import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OnFailureRecord } from '../ports.js';

/**
 * Where an event source mapping sends the record of a discarded batch. `s3`, `sqs` and `sns` are the
 * destinations AWS supports for stream mappings (standard queues and topics only); `directory` is the
 * local stand-in: the S3 layout on disk.
 */
export type OnFailureDestinationSpec =
  | { readonly type: 's3'; readonly bucket: string }
  | { readonly type: 'sqs'; readonly queueUrl: string }
  | { readonly type: 'sns'; readonly topicArn: string }
  | { readonly type: 'directory'; readonly path: string };

/** SDK clients for {@link OnFailureDestinationSpec}s; a missing one is created with the SDK defaults. */
export interface OnFailureDestinationClients {
  readonly s3?: S3Client;
  readonly sqs?: SQSClient;
  readonly sns?: SNSClient;
}

/** One stored on-failure record and the key it is stored under (S3 key, or path relative to the directory). */
export interface StoredOnFailureRecord {
  readonly key: string;
  readonly record: OnFailureRecord;
}
