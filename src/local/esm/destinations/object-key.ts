import { randomUUID } from 'node:crypto';
import { ON_FAILURE_KEY_PREFIX } from './constants.js';
import { InvalidOnFailureInputError } from './errors.js';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/**
 * The object key Lambda uses for an on-failure record in an S3 destination (Lambda docs: "The S3 object
 * containing the invocation record uses the following naming convention"):
 * `aws/lambda/<ESM-UUID>/<shardID>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<Random UUID>`, in UTC.
 *
 * @param esmUuid - the event source mapping's UUID
 * @param shardId - the shard of the discarded batch
 * @param at - when the batch was discarded (the record's `timestamp`)
 * @param randomId - the trailing random UUID (default: a fresh `randomUUID()`)
 * @throws {InvalidOnFailureInputError} when `esmUuid` or `shardId` is empty, `.`/`..`, or contains `/`, `\` or
 *   a control character (it must stay one key segment, and one directory name on disk)
 *
 * @example
 * ```ts
 * onFailureObjectKey('a1b2c3d4-…', 'shardId-000000000001', new Date('2019-11-14T00:38:06.021Z'));
 * // 'aws/lambda/a1b2c3d4-…/shardId-000000000001/2019/11/14/2019-11-14T00.38.06-0b5e…'
 * ```
 */
export function onFailureObjectKey(
  esmUuid: string,
  shardId: string,
  at: Date,
  randomId: string = randomUUID(),
): string {
  assertSegment('esmUuid', esmUuid);
  assertSegment('shardId', shardId);
  if (Number.isNaN(at.getTime())) throw new InvalidOnFailureInputError('the on-failure timestamp is not a valid date');
  const yyyy = pad(at.getUTCFullYear(), 4);
  const mm = pad(at.getUTCMonth() + 1);
  const dd = pad(at.getUTCDate());
  const time = `${pad(at.getUTCHours())}.${pad(at.getUTCMinutes())}.${pad(at.getUTCSeconds())}`;
  return `${ON_FAILURE_KEY_PREFIX}${esmUuid}/${shardId}/${yyyy}/${mm}/${dd}/${yyyy}-${mm}-${dd}T${time}-${randomId}`;
}

function assertSegment(name: string, value: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (value === '' || value === '.' || value === '..' || /[/\\\u0000-\u001f\u007f]/.test(value)) {
    throw new InvalidOnFailureInputError(`${name} ${JSON.stringify(value)} cannot be a key segment`);
  }
}
