/**
 * The chaos worker: the local event source mappings of the chaos config, against emulators the driver
 * owns (so a `kill -9` of this process loses only what a crashed Lambda would). Resumes from the
 * checkpoints in the data dir on every start. Writes its injected-fault counters to `stats-<pid>.json`.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import pino from 'pino';
import { createLogger } from 'shardflow';
import { startLocal } from 'shardflow/local';
import config from './chaos-config.js';
import { faults, injected, injectThrottling } from './faults.js';

const state = JSON.parse(process.env.CHAOS_STATE ?? '{}') as {
  dataDir: string;
  region: string;
  endpoints: { kinesis: string; dynamodb: string; s3: string };
  streamArns: Record<string, string>;
};
const credentials = {
  accessKeyId: process.env.AWS_ACCESS_KEY_ID!,
  secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY!,
};
const base = { region: state.region, credentials };
const logger = createLogger({
  level: 'info',
  destination: pino.destination({ dest: join(state.dataDir, `worker-${process.pid}.log`), sync: false }),
});

const run = await startLocal({
  config,
  dataDir: state.dataDir,
  logger,
  polling: { idleMs: 100, activeMs: 20, backoffBaseMs: 50, backoffMaxMs: 1000 },
  discoveryIntervalMs: 500,
  external: {
    region: state.region,
    kinesis: new KinesisClient({ ...base, endpoint: state.endpoints.kinesis, requestHandler: new NodeHttpHandler() }),
    dynamodb: injectThrottling(
      new DynamoDBClient({ ...base, endpoint: state.endpoints.dynamodb }),
      faults.throttleRate,
    ),
    dynamodbStreams: new DynamoDBStreamsClient({ ...base, endpoint: state.endpoints.dynamodb }),
    s3: new S3Client({ ...base, endpoint: state.endpoints.s3, forcePathStyle: true }),
    streamArns: state.streamArns,
  },
});
const statsFile = join(state.dataDir, `stats-${process.pid}.json`);
// The driver kill -9s this process at random moments, and a plain writeFileSync truncates the file
// before it writes: a kill between the two left an empty stats file and failed the run. Write a temp
// file the reader does not match, then rename it over the real one (atomic), so the reader only ever
// sees a whole file. Synchronous, so the SIGTERM handler can write its last counters before exiting.
const statsTemp = join(state.dataDir, `stats-${process.pid}.json.tmp`);
const writeStats = () => {
  writeFileSync(
    statsTemp,
    JSON.stringify({ ...injected, status: Object.fromEntries([...run.mappings].map(([n, m]) => [n, m.status()])) }),
  );
  renameSync(statsTemp, statsFile);
};
const timer = setInterval(writeStats, 250);
process.on('SIGTERM', () => {
  clearInterval(timer);
  writeStats();
  void run.stop().then(() => process.exit(0));
});
process.send?.('ready');
