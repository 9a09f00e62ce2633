/**
 * On-failure destinations of the local event source mapping: the record Lambda writes for a discarded
 * batch, and the S3, SQS, SNS and local-directory destinations that store it.
 *
 * @example
 * ```ts
 * import { buildOnFailureRecord, createOnFailureDestination } from './esm/destinations/index.js';
 * const destination = createOnFailureDestination({ type: 'directory', path: '.shardflow/on-failure' });
 * await destination.send({ record: buildOnFailureRecord(input), records: input.records, shardId, esmUuid });
 * ```
 */
export { ON_FAILURE_KEY_PREFIX, REDRIVE_STATE_SUFFIX } from './constants.js';
export { createOnFailureDestination } from './create-destination.js';
export { DirectoryOnFailureDestination, type DirectoryOnFailureDestinationOptions } from './directory-destination.js';
export {
  InvalidOnFailureInputError,
  OnFailureDeliveryError,
  OnFailureReadError,
  RedriveStateWriteError,
} from './errors.js';
export { onFailureObjectKey } from './object-key.js';
export {
  buildOnFailureRecord,
  dynamodbArrivalIso,
  kinesisArrivalIso,
  type OnFailureCondition,
  type OnFailureRecordInput,
} from './on-failure-record.js';
export { parseOnFailureRecord, withoutPayload, withPayload } from './record-json.js';
export {
  countOutcomes,
  HANDLED_REDRIVE_OUTCOMES,
  isRedriveStateKey,
  parseRedriveState,
  type RecordRedriveOutcome,
  type RedriveAttempt,
  type RedrivenRecord,
  type RedriveState,
  type RedriveStatus,
  redriveStateKey,
  redriveStatusOf,
  withRedriveAttempt,
} from './redrive-state.js';
export { S3OnFailureDestination, type S3OnFailureDestinationOptions } from './s3-destination.js';
export { SnsOnFailureDestination, type SnsOnFailureDestinationOptions } from './sns-destination.js';
export { SqsOnFailureDestination, type SqsOnFailureDestinationOptions } from './sqs-destination.js';
export type {
  OnFailureDestinationClients,
  OnFailureDestinationSpec,
  RecordedRedrive,
  RedrivableOnFailureRecords,
  StoredOnFailureRecord,
} from './types.js';
