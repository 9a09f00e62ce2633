import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { OnFailureRecord } from '../ports.js';
import type { RedriveAttempt, RedriveState } from './redrive-state.js';

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
  /** What `shardflow destinations redrive` did with it so far; absent when it was never redriven. */
  readonly redrive?: RedriveState | undefined;
}

/** What a destination did when told about a redrive. */
export interface RecordedRedrive {
  /** The state now stored beside the record (`undefined` when the destination keeps none: SQS). */
  readonly state: RedriveState | undefined;
  /** Where it went, or what happened, e.g. `s3://bucket/<key>.redrive.json`, `deleted from <queue URL>`. */
  readonly where: string;
}

/**
 * On-failure records that can be read back with their keys and redriven: the S3 and directory
 * destinations (which store a redrive state beside each record) and SQS (which deletes a message once
 * its records are redriven, as a DLQ redrive does). SNS cannot be read back.
 */
export interface RedrivableOnFailureRecords {
  readonly kind: string;
  /** Every stored record with its key and redrive state, in key order. */
  listStored(): Promise<StoredOnFailureRecord[]>;
  /** Records one redrive attempt of a listed record. */
  recordRedrive(stored: StoredOnFailureRecord, attempt: RedriveAttempt): Promise<RecordedRedrive>;
  /** Gives back what listing held (SQS: received messages not deleted become visible again). */
  release?(): Promise<void>;
}
