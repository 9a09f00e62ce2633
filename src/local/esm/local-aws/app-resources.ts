import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { ensureKeyedTable } from '../../../runtime/aws/ensure-keyed-table.js';
import type { ShardflowConfigInput } from '../../../runtime/config/types.js';
import { ShardflowError } from '../../../runtime/errors.js';
import { tableNameFromArn } from '../../../runtime/records/arn.js';

/** One entry of the config's `resources` section, as it exists locally. */
export interface LocalAppResource {
  /** Its key in `resources` (e.g. `lake`). */
  readonly key: string;
  readonly type: 's3' | 'dynamodb';
  /** The local bucket or table name: the config's name as written (no stage), or the name in its ARN. */
  readonly name: string;
  /** Environment variable that receives the name (as the deployed function gets it). */
  readonly env: string | undefined;
  /** Key schema of a table (type S); `undefined` for a bucket, or a table referenced by ARN without one. */
  readonly keys: { readonly partitionKey: string; readonly sortKey?: string | undefined } | undefined;
}

/** An app resource could not be created on the emulators. */
export class AppResourceError extends ShardflowError {
  readonly path: string;
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super(`${path}: ${reason}`, options);
    this.path = path;
  }
}

/**
 * The app resources of a config (`resources:` — the lake bucket, aggregate tables) with their local
 * names: a name as written (locally there is no stage to scope it), the name part of an ARN otherwise.
 *
 * @example
 * ```ts
 * localAppResources(config); // [{ key: 'lake', type: 's3', name: 'shop-analytics-lake', env: 'SHOP_LAKE_BUCKET', keys: undefined }, …]
 * ```
 */
export function localAppResources(config: Pick<ShardflowConfigInput, 'resources'>): LocalAppResource[] {
  return Object.entries(config.resources ?? {}).map(([key, resource]) => {
    if (resource.type === 's3') {
      const name = resource.bucket.startsWith('arn:')
        ? (resource.bucket.split(':::')[1] ?? resource.bucket)
        : resource.bucket;
      return { key, type: 's3', name, env: resource.env, keys: undefined };
    }
    const name = resource.table.startsWith('arn:')
      ? (tableNameFromArn(resource.table) ?? resource.table)
      : resource.table;
    const keys =
      resource.partitionKey === undefined
        ? undefined
        : { partitionKey: resource.partitionKey, sortKey: resource.sortKey };
    return { key, type: 'dynamodb', name, env: resource.env, keys };
  });
}

/**
 * The variables the deployed functions get for the app resources (`env: 'SHOP_LAKE_BUCKET'`), with the
 * local names.
 *
 * @example
 * ```ts
 * appResourceVariables(localAppResources(config)); // { SHOP_LAKE_BUCKET: 'shop-analytics-lake', SHOP_SESSIONS_TABLE: 'shop-analytics-sessions' }
 * ```
 */
export function appResourceVariables(resources: readonly LocalAppResource[]): Record<string, string> {
  return Object.fromEntries(resources.flatMap((r) => (r.env === undefined ? [] : [[r.env, r.name]])));
}

/**
 * Creates the app resources on the emulators: buckets, and tables with their key schema (on demand,
 * string keys); existing ones are kept. A table referenced by ARN without `partitionKey` cannot be
 * created (its keys are unknown) and is returned as skipped.
 *
 * @returns the resources skipped, with the reason
 * @throws {AppResourceError} when a bucket or table cannot be created
 *
 * @example
 * ```ts
 * await createAppResources(localAppResources(config), { s3: emulators.clients.s3, dynamodb: emulators.clients.dynamodb });
 * ```
 */
export async function createAppResources(
  resources: readonly LocalAppResource[],
  clients: { readonly s3?: S3Client | undefined; readonly dynamodb?: DynamoDBClient | undefined },
): Promise<{ readonly key: string; readonly reason: string }[]> {
  const skipped: { key: string; reason: string }[] = [];
  await Promise.all(
    resources.map(async (resource) => {
      const path = `resources.${resource.key}`;
      if (resource.type === 's3') {
        if (clients.s3 === undefined) throw new AppResourceError(path, 'no local S3 to create the bucket on');
        await ensureBucket(clients.s3, resource.name, path);
        return;
      }
      if (resource.keys === undefined) {
        skipped.push({
          key: resource.key,
          reason: 'a table referenced by ARN without partitionKey: create it yourself',
        });
        return;
      }
      if (clients.dynamodb === undefined) throw new AppResourceError(path, 'no local DynamoDB to create the table on');
      await ensureKeyedTable(clients.dynamodb, {
        tableName: resource.name,
        partitionKey: resource.keys.partitionKey,
        ...(resource.keys.sortKey === undefined ? {} : { sortKey: resource.keys.sortKey }),
        maxWaitSeconds: 60,
        failure: (step, cause, status) =>
          new AppResourceError(path, `table ${resource.name}: ${step} failed${status ? ` (${status})` : ''}`, {
            cause,
          }),
        wrongKeySchema: (found) =>
          new AppResourceError(
            path,
            `table ${resource.name} exists with other keys (${found}); delete it or change the config`,
          ),
      });
    }),
  );
  return skipped;
}

async function ensureBucket(client: S3Client, bucket: string, path: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (error) {
    if (!isNamed(error, 'NotFound') && !isNamed(error, 'NoSuchBucket')) {
      throw new AppResourceError(path, `bucket ${bucket}: ${describe(error)}`, { cause: error });
    }
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!isNamed(error, 'BucketAlreadyOwnedByYou') && !isNamed(error, 'BucketAlreadyExists')) {
      throw new AppResourceError(path, `bucket ${bucket}: ${describe(error)}`, { cause: error });
    }
  }
}

function isNamed(error: unknown, name: string): boolean {
  return error instanceof Error && error.name === name;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
