import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { marshall } from '@aws-sdk/util-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ShardflowError } from '../../runtime/errors.js';
import type { TextOutput } from '../cli-logger.js';
import { CliDefaults } from '../constants.js';
import { putRecordEntries, type RecordEntry } from '../destinations/put-kinesis-records.js';
import { type DevState, type DevStream, runningDev } from '../dev/dev-state.js';
import { shownPath } from '../dev/shown-path.js';
import { CliUsageError, ExitCode } from '../errors.js';
import { readRecords } from './read-records.js';

/** Options of `shardflow put`. */
export interface PutOptions {
  readonly stream: string;
  /** JSON records, one per argument. */
  readonly records: readonly string[];
  /** A file of records (JSON array, one value, or NDJSON); `-` is stdin. */
  readonly file?: string | undefined;
  /** The data dir of the running `shardflow dev`. Default `.shardflow/data`. */
  readonly dataDir?: string | undefined;
  /** Kinesis: every record's partition key. Default: a random one per record. */
  readonly partitionKey?: string | undefined;
  /** Kinesis: take each record's partition key from this top-level field. */
  readonly partitionKeyField?: string | undefined;
  /** Kinesis: pack the records into KPL aggregates. */
  readonly kpl?: boolean | undefined;
  /** DynamoDB: delete the items (by their key attributes) instead of putting them. */
  readonly delete?: boolean | undefined;
}

/** Where `shardflow put` reads and writes. */
export interface PutIo {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined };
  readonly stdout: TextOutput;
}

/**
 * No `shardflow dev` runs on the data dir, so there is no local environment to put records into.
 *
 * @example
 * ```ts
 * throw new NoRunningDevError('.shardflow/data');
 * ```
 */
export class NoRunningDevError extends ShardflowError {
  constructor(dataDir: string) {
    super(`no shardflow dev runs on ${dataDir}: start \`npx shardflow dev\` first (or pass its --data-dir)`);
  }
}

/** KPL aggregates stay well under Kinesis's 1 MiB record limit. */
const KPL_MAX_BYTES = 900 * 1024;
const KPL_MAX_RECORDS = 500;

/**
 * `shardflow put <stream> [json…]`: writes JSON records into the stream of the running `shardflow dev`
 * (found through `<data dir>/dev.json`) — Kinesis records (`--partition-key`, `--partition-key-field`,
 * optionally `--kpl` aggregated), or items of the DynamoDB table behind a DynamoDB stream (`--delete`
 * removes them by their keys), whose changes then flow through the stream. Records come from the
 * arguments, `--file`, or stdin.
 *
 * @returns 0 once every record is written
 * @throws {NoRunningDevError} when no `shardflow dev` runs on the data dir
 * @throws {CliUsageError} for a stream dev does not run, options of the other source, an item without its keys
 *
 * @example
 * ```ts
 * await runPut({ stream: 'clicks', records: ['{"user":"u1","n":1}'], partitionKey: 'u1' });
 * ```
 */
export async function runPut(options: PutOptions, io: PutIo = { stdin: process.stdin, stdout: process.stdout }) {
  const dataDir = resolve(options.dataDir ?? CliDefaults.dataDir);
  const dev = await runningDev(dataDir);
  if (dev === undefined) throw new NoRunningDevError(shownPath(dataDir));
  const stream = dev.streams[options.stream];
  if (stream === undefined) {
    throw new CliUsageError(
      `shardflow dev (pid ${dev.pid}) runs no stream '${options.stream}' (it runs: ${Object.keys(dev.streams).join(', ')})`,
    );
  }
  const kinesisOnly = options.partitionKey ?? options.partitionKeyField ?? (options.kpl ? '--kpl' : undefined);
  if (stream.type === 'dynamodb' && kinesisOnly !== undefined) {
    throw new CliUsageError(
      `stream '${options.stream}' reads a DynamoDB table: --partition-key and --kpl are for Kinesis`,
    );
  }
  if (stream.type === 'kinesis' && options.delete) {
    throw new CliUsageError(`stream '${options.stream}' is a Kinesis stream: --delete is for DynamoDB tables`);
  }
  if (options.partitionKey !== undefined && options.partitionKeyField !== undefined) {
    throw new CliUsageError('pass --partition-key or --partition-key-field, not both');
  }
  const records = await readRecords({ args: options.records, file: options.file, stdin: io.stdin });
  if (records.length === 0) {
    io.stdout.write('no records to put\n');
    return ExitCode.ok;
  }
  if (stream.type === 'kinesis') await putKinesis(dev, stream, records, options, io);
  else await putDynamoDB(dev, stream, records, options, io);
  return ExitCode.ok;
}

async function putKinesis(dev: DevState, stream: DevStream, records: unknown[], options: PutOptions, io: PutIo) {
  const entries: RecordEntry[] = records.map((record, i) => ({
    data: Buffer.from(JSON.stringify(record)),
    partitionKey: partitionKeyOf(record, i, options),
  }));
  const client = new KinesisClient({
    endpoint: required(dev.endpoints.kinesis, 'Kinesis'),
    region: dev.region,
    credentials: dev.credentials,
    requestHandler: new NodeHttpHandler(),
  });
  try {
    if (options.kpl) {
      const { aggregateUserRecords } = await import('../../local/esm/kpl-aggregate.js');
      const aggregates = chunkForKpl(entries).map((chunk) =>
        aggregateUserRecords(chunk.map(({ data, partitionKey }) => ({ data, partitionKey }))),
      );
      const results = await putRecordEntries(client, stream.name, aggregates);
      io.stdout.write(
        `put ${records.length} record(s) onto Kinesis stream ${stream.name} in ${aggregates.length} KPL aggregate(s)\n`,
      );
      for (const [i, result] of results.entries())
        io.stdout.write(`  aggregate ${i}  ${result.shardId}  ${result.sequenceNumber}\n`);
      return;
    }
    const results = await putRecordEntries(client, stream.name, entries);
    io.stdout.write(`put ${records.length} record(s) onto Kinesis stream ${stream.name}\n`);
    for (const [i, result] of results.entries()) {
      io.stdout.write(`  #${i}  ${entries[i]!.partitionKey}  ${result.shardId}  ${result.sequenceNumber}\n`);
    }
  } finally {
    client.destroy();
  }
}

async function putDynamoDB(dev: DevState, stream: DevStream, records: unknown[], options: PutOptions, io: PutIo) {
  const keys = stream.keys ?? { partitionKey: 'id' };
  const items = records.map((record, i) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new CliUsageError(`item ${i + 1} is not a JSON object`);
    }
    for (const key of [keys.partitionKey, keys.sortKey]) {
      if (key !== undefined && !(key in record)) {
        throw new CliUsageError(`item ${i + 1} has no '${key}' (a key attribute of table ${stream.name})`);
      }
    }
    return record as Record<string, unknown>;
  });
  const client = new DynamoDBClient({
    endpoint: required(dev.endpoints.dynamodb, 'DynamoDB'),
    region: dev.region,
    credentials: dev.credentials,
  });
  try {
    for (const item of items) {
      if (options.delete) {
        const key = {
          [keys.partitionKey]: item[keys.partitionKey],
          ...(keys.sortKey ? { [keys.sortKey]: item[keys.sortKey] } : {}),
        };
        await client.send(new DeleteItemCommand({ TableName: stream.name, Key: marshall(key) }));
      } else {
        await client.send(
          new PutItemCommand({ TableName: stream.name, Item: marshall(item, { removeUndefinedValues: true }) }),
        );
      }
    }
    io.stdout.write(
      options.delete
        ? `deleted ${items.length} item(s) from DynamoDB table ${stream.name}\n`
        : `put ${items.length} item(s) into DynamoDB table ${stream.name}\n`,
    );
  } finally {
    client.destroy();
  }
}

function partitionKeyOf(record: unknown, index: number, options: PutOptions): string {
  if (options.partitionKey !== undefined) return options.partitionKey;
  if (options.partitionKeyField !== undefined) {
    const value = (record as Record<string, unknown> | null)?.[options.partitionKeyField];
    if (value === undefined || value === null || value === '') {
      throw new CliUsageError(`record ${index + 1} has no '${options.partitionKeyField}' for its partition key`);
    }
    return String(value);
  }
  return randomUUID();
}

function chunkForKpl(entries: readonly RecordEntry[]): RecordEntry[][] {
  const chunks: RecordEntry[][] = [];
  let current: RecordEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = entry.data.length + entry.partitionKey.length + 16;
    if (current.length > 0 && (current.length >= KPL_MAX_RECORDS || bytes + size > KPL_MAX_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function required(endpoint: string | undefined, service: string): string {
  if (endpoint === undefined) throw new CliUsageError(`the running shardflow dev has no ${service} endpoint`);
  return endpoint;
}
