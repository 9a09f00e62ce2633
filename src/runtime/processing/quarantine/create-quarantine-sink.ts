import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { defaultClients } from '../../aws/lazy-sdk.js';
import type { AwsSdkClient } from '../../aws/sdk-client.js';
import type { QuarantineSettings } from '../../config/types.js';
import { ConfigError } from '../../errors.js';
import { FileQuarantineSink } from './file-quarantine-sink.js';
import { FunctionQuarantineSink } from './function-quarantine-sink.js';
import type { QuarantineEntry, QuarantineSink } from './quarantine-entry.js';
import { QuarantineWriteError } from './quarantine-write-error.js';

/** Where a stream's quarantined records go, as written in `shardflow.config.ts`. */
export type QuarantineSinkSpec = QuarantineSettings;

/** SDK clients to use instead of the defaults (tests, the local ESM pointing at emulators). */
export interface QuarantineClients {
  /** An `S3Client`. */
  readonly s3?: AwsSdkClient | undefined;
  /** An `SQSClient`. */
  readonly sqs?: AwsSdkClient | undefined;
  /** A `KinesisClient`. */
  readonly kinesis?: AwsSdkClient | undefined;
  /** A `DynamoDBClient`. */
  readonly dynamodb?: AwsSdkClient | undefined;
}

/**
 * A sink that loads its implementation — and the AWS SDK client it needs — on the first non-empty
 * write, so that a function that never quarantines never pays for loading a client (see `aws/lazy-sdk.ts`).
 */
class LazyQuarantineSink implements QuarantineSink {
  readonly kind: string;
  readonly #load: () => Promise<QuarantineSink>;
  #sink: Promise<QuarantineSink> | undefined;

  constructor(kind: string, load: () => Promise<QuarantineSink>) {
    this.kind = kind;
    this.#load = load;
  }

  async write(entries: readonly QuarantineEntry[]): Promise<void> {
    if (entries.length === 0) return;
    this.#sink ??= this.#load();
    let sink: QuarantineSink;
    try {
      sink = await this.#sink;
    } catch (error) {
      this.#sink = undefined;
      const reason = `cannot load the ${this.kind} sink: ${error instanceof Error ? error.message : String(error)}`;
      throw new QuarantineWriteError(
        this.kind,
        entries.map((entry) => ({ entry, reason })),
        { cause: error },
      );
    }
    await sink.write(entries);
  }
}

/**
 * Creates the quarantine sink a config spec describes. AWS sinks use the injected client when given,
 * otherwise one default client per service, created lazily once per execution environment; the SDK
 * is not even imported until the first record is quarantined.
 *
 * @example
 * ```ts
 * const sink = createQuarantineSink({ type: 's3', bucket: 'shop-quarantine' });
 * const local = createQuarantineSink({ type: 's3', bucket: 'q' }, { s3: new S3Client(localS3ClientConfig(endpoint)) });
 * ```
 */
export function createQuarantineSink(spec: QuarantineSinkSpec, clients: QuarantineClients = {}): QuarantineSink {
  switch (spec.type) {
    case 'file':
      return new FileQuarantineSink({ path: spec.path });
    case 'function':
      return new FunctionQuarantineSink(spec.write);
    case 's3':
      return new LazyQuarantineSink('s3', async () => {
        const { S3QuarantineSink } = await import('./s3-quarantine-sink.js');
        const client = (clients.s3 as S3Client | undefined) ?? (await defaultClients.s3());
        return new S3QuarantineSink({
          client,
          bucket: spec.bucket,
          ...(spec.prefix === undefined ? {} : { prefix: spec.prefix }),
        });
      });
    case 'sqs':
      return new LazyQuarantineSink('sqs', async () => {
        const { SqsQuarantineSink } = await import('./sqs-quarantine-sink.js');
        const client = (clients.sqs as SQSClient | undefined) ?? (await defaultClients.sqs());
        return new SqsQuarantineSink({ client, queueUrl: spec.queueUrl });
      });
    case 'kinesis':
      return new LazyQuarantineSink('kinesis', async () => {
        const { KinesisQuarantineSink } = await import('./kinesis-quarantine-sink.js');
        const client = (clients.kinesis as KinesisClient | undefined) ?? (await defaultClients.kinesis());
        return new KinesisQuarantineSink({ client, streamName: spec.stream });
      });
    case 'dynamodb':
      return new LazyQuarantineSink('dynamodb', async () => {
        const { DynamoDBQuarantineSink } = await import('./dynamodb-quarantine-sink.js');
        const client = (clients.dynamodb as DynamoDBClient | undefined) ?? (await defaultClients.dynamodb());
        return new DynamoDBQuarantineSink({ client, tableName: spec.table });
      });
    default: {
      const unknown: { type?: unknown } = spec;
      throw new ConfigError('quarantine.type', `unknown quarantine sink type ${JSON.stringify(unknown.type)}`);
    }
  }
}
