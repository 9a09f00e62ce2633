import { CreateTableCommand, DescribeTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { RunningEmulators } from 'shardflow/local';

/** The example application's names, beyond what the config declares (its lake and aggregate table). */
export interface ExampleApp {
  readonly ordersTable: string;
  readonly clicksStream: string;
  readonly lakeBucket: string;
  readonly sessionsTable: string;
  readonly quarantineBucket: string;
}

/**
 * Creates the app's own resources on the emulators: the data-lake bucket and the session table
 * (partition key `sessionId`). Idempotent.
 *
 * @example
 * ```ts
 * await ensureAppResources(emulators, app);
 * ```
 */
export async function ensureAppResources(emulators: RunningEmulators, app: ExampleApp): Promise<void> {
  const s3 = emulators.clients.s3!;
  const dynamodb = emulators.clients.dynamodb!;
  await s3.send(new CreateBucketCommand({ Bucket: app.lakeBucket })).catch((error: { name?: string }) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: app.sessionsTable,
        AttributeDefinitions: [{ AttributeName: 'sessionId', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'sessionId', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: app.sessionsTable }));
    if (Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
