import { CONFIG_CASES } from './config-cases.js';
import type { BadInputCase, RecordCase } from './corpus-types.js';
import { DYNAMODB_CASES } from './dynamodb-cases.js';
import { EVENT_CASES } from './event-cases.js';
import { KINESIS_CASES } from './kinesis-cases.js';

/** Every bad record, Kinesis then DynamoDB. */
export const RECORD_CASES: readonly RecordCase[] = [...KINESIS_CASES, ...DYNAMODB_CASES];

/**
 * The whole bad-input corpus: record-level, event-level and configuration inputs, each with its
 * expected named error and fate.
 */
export const BAD_INPUT_CORPUS: readonly BadInputCase[] = [...RECORD_CASES, ...EVENT_CASES, ...CONFIG_CASES];

export { CONFIG_CASES, EVENT_CASES };
