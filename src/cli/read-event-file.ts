import { readFile } from 'node:fs/promises';
import { EventFileError } from './errors.js';

/**
 * Reads a Lambda event from a JSON file (e.g. AWS's sample Kinesis or DynamoDB Streams event).
 *
 * @throws {EventFileError} when the file cannot be read or is not JSON
 *
 * @example
 * ```ts
 * const event = await readEventFile('events/kinesis.json'); // { Records: [...] }
 * ```
 */
export async function readEventFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
    throw new EventFileError(file, reason, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new EventFileError(file, `not JSON (${(error as Error).message})`, { cause: error });
  }
}
