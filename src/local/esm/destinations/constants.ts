/** Prefix of every object Lambda writes to an S3 on-failure destination (and of the directory layout). */
export const ON_FAILURE_KEY_PREFIX = 'aws/lambda/';

/** Suffix of the files a directory destination writes (S3 objects have none). */
export const DIRECTORY_RECORD_SUFFIX = '.json';

/** Parallel GetObject/readFile calls when listing stored records. */
export const LIST_READ_CONCURRENCY = 8;

/** Suffix of the redrive state stored beside an on-failure record (`<key>.redrive.json`). */
export const REDRIVE_STATE_SUFFIX = '.redrive.json';
