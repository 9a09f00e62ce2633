import { readFile } from 'node:fs/promises';
import { CliUsageError, EventFileError } from '../errors.js';

/** Where `shardflow put` takes its JSON records from. */
export interface RecordInput {
  /** One JSON value per argument. */
  readonly args: readonly string[];
  /** A file (`-`: stdin) holding a JSON array, one JSON value, or one JSON value per line (NDJSON). */
  readonly file?: string | undefined;
  /** Read when neither arguments nor a file are given. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined };
}

/**
 * The JSON records to put: from the arguments (one value each), else from `--file`, else from stdin —
 * a JSON array is its elements, anything else one value per line (NDJSON) or one value.
 *
 * @throws {CliUsageError} when an argument is not JSON, both arguments and a file are given, or stdin is
 *   a terminal with nothing given
 * @throws {EventFileError} when the file cannot be read or is not JSON
 *
 * @example
 * ```ts
 * await readRecords({ args: ['{"n":1}', '{"n":2}'], stdin: process.stdin }); // [{ n: 1 }, { n: 2 }]
 * ```
 */
export async function readRecords(input: RecordInput): Promise<unknown[]> {
  if (input.args.length > 0 && input.file !== undefined) {
    throw new CliUsageError('pass records as arguments or with --file, not both');
  }
  if (input.args.length > 0) {
    return input.args.map((arg, i) => {
      try {
        return JSON.parse(arg) as unknown;
      } catch (error) {
        throw new CliUsageError(`record ${i + 1} is not JSON (${(error as Error).message}): ${arg.slice(0, 60)}`);
      }
    });
  }
  let text: string;
  let name: string;
  if (input.file !== undefined && input.file !== '-') {
    name = input.file;
    try {
      text = await readFile(input.file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(error);
      throw new EventFileError(input.file, reason, { cause: error });
    }
  } else {
    if (input.file === undefined && input.stdin.isTTY === true) {
      throw new CliUsageError('no records: pass JSON records as arguments, --file <path>, or pipe them to stdin');
    }
    name = 'stdin';
    text = await readAll(input.stdin);
  }
  return parseRecords(text, name);
}

/**
 * Parses a file's text: a JSON array → its elements; one JSON value → it; else NDJSON (blank lines skipped).
 *
 * @throws {EventFileError} naming the first line that is not JSON
 *
 * @example
 * ```ts
 * parseRecords('{"n":1}\n{"n":2}\n', 'clicks.ndjson'); // [{ n: 1 }, { n: 2 }]
 * ```
 */
export function parseRecords(text: string, name: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const value = JSON.parse(trimmed) as unknown;
    return Array.isArray(value) ? value : [value];
  } catch {
    // Not one JSON value: NDJSON.
  }
  const records: unknown[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      throw new EventFileError(name, `line ${i + 1} is not JSON (${(error as Error).message})`, { cause: error });
    }
  }
  return records;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
