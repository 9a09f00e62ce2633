import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { downloadPrefix } from './lake-download.js';

/** The analytics questions the example app answers, computed by DuckDB over the lake. */
export interface AnalyticsAnswers {
  readonly lakeObjects: number;
  readonly paidOrders: number;
  readonly revenueCents: number;
  readonly transitions: number;
  readonly deletions: number;
  /** From the tumbling-window aggregates. */
  readonly revenueByMinute: { minute: string; cents: number; orders: number }[];
  readonly topSkus: { sku: string; cents: number }[];
  readonly funnel: { sessions: number; carted: number; checkedOut: number };
  readonly clicks: number;
  readonly sessionSeconds: { p50: number; p90: number; p99: number; max: number };
  /** Facts written more than once (a redelivery after a crash between lake write and completion); deduplicated in every answer. */
  readonly duplicateFacts: number;
}

/** Where the analytics read from. */
export interface AnalyticsSources {
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly lakeBucket: string;
  readonly sessionsTable: string;
  /** Scratch directory for the downloaded lake. */
  readonly workDir: string;
}

const num = (value: unknown) => Number(value ?? 0);

/**
 * Answers the example's analytics questions with DuckDB: revenue per minute (from the tumbling-window
 * facts), paid orders and revenue, top SKUs, order transitions and deletions (from the CDC facts), the
 * conversion funnel and session lengths (from the session table). Facts are deduplicated by `factId`.
 *
 * @example
 * ```ts
 * const answers = await analyticsReport({ s3, dynamodb, lakeBucket, sessionsTable, workDir: '/tmp/a' });
 * ```
 */
export async function analyticsReport(sources: AnalyticsSources): Promise<AnalyticsAnswers> {
  const lakeDir = join(sources.workDir, 'lake-copy');
  const lakeObjects = await downloadPrefix(sources.s3, sources.lakeBucket, 'lake/', lakeDir);
  await exportSessions(sources.dynamodb, sources.sessionsTable, join(sources.workDir, 'sessions.parquet'));

  const db = await DuckDBInstance.create(':memory:');
  const sql = await db.connect();
  try {
    const table = async (name: string, columns: string) => {
      const glob = join(lakeDir, 'lake', name, '**', '*.parquet');
      const source = existsSync(join(lakeDir, 'lake', name))
        ? `SELECT * FROM read_parquet('${glob}', hive_partitioning = true)`
        : `SELECT ${columns} WHERE false`;
      await sql.run(`CREATE TABLE ${name}_raw AS ${source}`);
      await sql.run(`CREATE TABLE ${name} AS SELECT DISTINCT ON (factId) * FROM ${name}_raw`);
    };
    await table(
      'revenue',
      `''::VARCHAR AS factId, ''::VARCHAR AS orderId, ''::VARCHAR AS sku, 0::INT AS quantity, 0::BIGINT AS cents, ''::VARCHAR AS minute`,
    );
    await table('order_transitions', `''::VARCHAR AS factId, ''::VARCHAR AS orderId`);
    await table('tombstones', `''::VARCHAR AS factId, ''::VARCHAR AS orderId`);
    await table(
      'revenue_windows',
      `''::VARCHAR AS factId, ''::VARCHAR AS minute, 0::BIGINT AS cents, 0::INT AS orders`,
    );
    await sql.run(
      `CREATE TABLE sessions AS SELECT * FROM read_parquet('${join(sources.workDir, 'sessions.parquet')}')`,
    );

    const rows = async (query: string) => (await sql.runAndReadAll(query)).getRowObjects();
    const [revenue] = await rows('SELECT count(*) AS orders, coalesce(sum(cents), 0) AS cents FROM revenue');
    const [counts] = await rows(
      'SELECT (SELECT count(*) FROM order_transitions) AS transitions, (SELECT count(*) FROM tombstones) AS deletions',
    );
    const [dups] = await rows(
      `SELECT (SELECT count(*) FROM revenue_raw) - (SELECT count(*) FROM revenue)
            + (SELECT count(*) FROM order_transitions_raw) - (SELECT count(*) FROM order_transitions)
            + (SELECT count(*) FROM tombstones_raw) - (SELECT count(*) FROM tombstones)
            + (SELECT count(*) FROM revenue_windows_raw) - (SELECT count(*) FROM revenue_windows) AS n`,
    );
    const byMinute = await rows(
      'SELECT minute, sum(cents) AS cents, sum(orders) AS orders FROM revenue_windows GROUP BY minute ORDER BY minute',
    );
    const topSkus = await rows(
      'SELECT sku, sum(cents) AS cents FROM revenue GROUP BY sku ORDER BY cents DESC, sku LIMIT 3',
    );
    const [funnel] = await rows(
      `SELECT count(*) AS sessions, count(*) FILTER (WHERE carted) AS carted,
              count(*) FILTER (WHERE checkedOut) AS checkedOut, coalesce(sum(clicks), 0) AS clicks FROM sessions`,
    );
    const [lengths] = await rows(
      `SELECT quantile_cont(s, 0.5) AS p50, quantile_cont(s, 0.9) AS p90, quantile_cont(s, 0.99) AS p99, max(s) AS max
         FROM (SELECT epoch(lastAt::TIMESTAMP) - epoch(firstAt::TIMESTAMP) AS s FROM sessions)`,
    );
    return {
      lakeObjects,
      paidOrders: num(revenue?.orders),
      revenueCents: num(revenue?.cents),
      transitions: num(counts?.transitions),
      deletions: num(counts?.deletions),
      revenueByMinute: byMinute.map((r) => ({ minute: String(r.minute), cents: num(r.cents), orders: num(r.orders) })),
      topSkus: topSkus.map((r) => ({ sku: String(r.sku), cents: num(r.cents) })),
      funnel: { sessions: num(funnel?.sessions), carted: num(funnel?.carted), checkedOut: num(funnel?.checkedOut) },
      clicks: num(funnel?.clicks),
      sessionSeconds: {
        p50: num(lengths?.p50),
        p90: num(lengths?.p90),
        p99: num(lengths?.p99),
        max: num(lengths?.max),
      },
      duplicateFacts: num(dups?.n),
    };
  } finally {
    sql.closeSync();
  }
}

/** Scans the session table into a local Parquet file for DuckDB. */
async function exportSessions(dynamodb: DynamoDBClient, table: string, file: string): Promise<void> {
  const sessions: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client: dynamodb }, { TableName: table })) {
    for (const item of page.Items ?? []) sessions.push(unmarshall(item));
  }
  await mkdir(join(file, '..'), { recursive: true });
  const column = (name: string, type: 'STRING' | 'INT32' | 'BOOLEAN', fallback: unknown) => ({
    name,
    type,
    data: sessions.map((s) => s[name] ?? fallback),
  });
  const buffer = parquetWriteBuffer({
    columnData: [
      column('sessionId', 'STRING', ''),
      column('userId', 'STRING', ''),
      column('firstAt', 'STRING', ''),
      column('lastAt', 'STRING', ''),
      column('clicks', 'INT32', 0),
      column('carted', 'BOOLEAN', false),
      column('checkedOut', 'BOOLEAN', false),
    ],
  });
  await writeFile(file, Buffer.from(buffer));
}
